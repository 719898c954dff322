package io.cryptofeed.proxy.netty;

import java.util.concurrent.TimeoutException;

/**
 * A request's answer stopped coming through a member that failed (its health check, or its
 * breaker opened), and the request was failed before its response timeout: the proxy froze
 * with the tunnel open. Like a response timeout, it sends a GET, HEAD or OPTIONS (or a
 * WebSocket opening handshake) once more through another member; any other request fails
 * with it. The message names the member with its credentials masked.
 */
public final class ProxyStalledException extends TimeoutException {

	ProxyStalledException(String message) {
		super(message);
	}

	/**
	 * None: it is raised by a timer on the event loop, whose frames say nothing of the request,
	 * and Reactor Netty logs it with them at WARN for every request cut (as Netty's
	 * {@code ReadTimeoutException} has none either).
	 */
	@Override
	public synchronized Throwable fillInStackTrace() {
		return this;
	}

}
