package io.cryptofeed.proxy.health.probe;

/**
 * A health check found a proxy not alive. The message names the proxy with its credentials
 * masked and says what failed; it never contains a username or password.
 */
public class ProbeFailedException extends RuntimeException {

	public ProbeFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
