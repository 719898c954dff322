package io.cryptofeed.proxy.netty;

import java.util.concurrent.atomic.AtomicBoolean;

import io.cryptofeed.proxy.core.ConnectionType;

/**
 * The requests of one client from Boot's builders that were answered without a pooled
 * connect, its connector or request factory not being on a client from
 * {@link ProxyPoolHttpClients#apply}: each is counted as {@code unpooled-client}, and the
 * first is named in a warning, so that none goes direct unnoticed.
 */
final class UnpooledRequests {

	private final System.Logger log;

	private final DirectRoutes routes;

	private final String warning;

	private final AtomicBoolean warned = new AtomicBoolean();

	/**
	 * @param log the logger of the client's filter or interceptor
	 * @param warning what the warning says: which client, and how to pool it
	 */
	UnpooledRequests(System.Logger log, DirectRoutes routes, String warning) {
		this.log = log;
		this.routes = routes;
		this.warning = warning;
	}

	/** The request's answer arrived: counted and warned of when no pooled connect took its attempt. */
	void answered(ConnectAttempt attempt) {
		if (attempt.hadPooledConnect()) {
			return;
		}
		this.routes.routed(ConnectionType.HTTP, DirectRoutes.Reason.UNPOOLED_CLIENT);
		if (!this.warned.getAndSet(true)) {
			this.log.log(System.Logger.Level.WARNING, this.warning);
		}
	}

}
