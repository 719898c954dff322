package io.cryptofeed.proxy.service;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicReference;

import io.cryptofeed.proxy.core.ConnectionType;

/**
 * One log line when the service stops giving usable answers (and again when the reason
 * changes), one when it answers again; per-call detail only at debug level.
 */
final class ServiceStatusLog {

	/** Under the name of the class users know: the source is what falls back. */
	private static final System.Logger log = System.getLogger(ServiceProxySource.class.getName());

	private final AtomicReference<ServiceCallException.Reason> failing = new AtomicReference<>();

	void failed(ServiceCallException failure, String exchange, ConnectionType type, String fallback) {
		ServiceCallException.Reason reason = failure.reason();
		boolean transition;
		if (reason == ServiceCallException.Reason.CIRCUIT_OPEN) {
			// the breaker logs its own transitions; the episode keeps the reason that opened it, so
			// a half-open trial that fails the same way is no new episode
			this.failing.compareAndSet(null, reason);
			transition = false;
		}
		else {
			transition = this.failing.getAndSet(reason) != reason;
		}
		log.log(transition ? Level.WARNING : Level.DEBUG,
				"proxy service gave no usable answer: {0} exchange={1} type={2} fallback={3}", failure.getMessage(),
				exchange, type, fallback);
	}

	void answered(String exchange, ConnectionType type) {
		if (this.failing.getAndSet(null) != null) {
			log.log(Level.INFO, "proxy service answers again: exchange={0} type={1}", exchange, type);
		}
	}

}
