package io.cryptofeed.proxy.service;

import reactor.core.publisher.Mono;

/** Wraps calls to the proxy service, such as a circuit breaker does. */
public interface ServiceGuard extends AutoCloseable {

	/** Lets every call through. */
	ServiceGuard NONE = new ServiceGuard() {

		@Override
		public <T> Mono<T> guard(Mono<T> call) {
			return call;
		}

		@Override
		public boolean isOpen() {
			return false;
		}

		@Override
		public void close() {
		}

	};

	/** The call, or a {@code circuit_open} failure without calling when the guard says no. */
	<T> Mono<T> guard(Mono<T> call);

	/** Whether calls are refused now; a look that changes nothing. */
	boolean isOpen();

	/**
	 * Whether only trial calls go through now, as a half-open breaker lets them: a connection
	 * then asks on its own, which the guard refuses at once while a trial is under way, rather
	 * than wait for another connection's ask, which may be that trial. A look that changes nothing.
	 */
	default boolean isHalfOpen() {
		return false;
	}

	@Override
	void close();

}
