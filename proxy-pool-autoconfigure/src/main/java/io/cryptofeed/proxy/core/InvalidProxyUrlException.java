package io.cryptofeed.proxy.core;

/**
 * A proxy URL that cannot be used. The message never contains the URL itself (it may hold
 * a password): callers that report it show {@link ProxyUrls#mask(String)} of the input.
 */
public final class InvalidProxyUrlException extends IllegalArgumentException {

	private final String fix;

	InvalidProxyUrlException(String problem, String fix) {
		super(problem);
		this.fix = fix;
	}

	/** What to change so that the URL is accepted. */
	public String fix() {
		return this.fix;
	}

}
