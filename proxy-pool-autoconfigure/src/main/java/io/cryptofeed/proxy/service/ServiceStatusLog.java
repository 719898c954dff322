package io.cryptofeed.proxy.service;

import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyEndpoint;

/**
 * One log line when the service stops giving usable answers (and again when the reason
 * changes), one when it answers again; likewise for each proxy it gave: one when connecting
 * through it fails, one when a tunnel through it is up again. Per-call detail only at debug
 * level.
 */
final class ServiceStatusLog {

	/** Bounds the proxies remembered as failing: past it they are forgotten, and each warned about anew. */
	private static final int MAX_FAILING_PROXIES = 1000;

	/** Under the name of the class users know: the source is what falls back. */
	private static final System.Logger log = System.getLogger(ServiceProxySource.class.getName());

	private final AtomicReference<ServiceCallException.Reason> failing = new AtomicReference<>();

	/** The service's proxies that failed and have not connected since: nothing else logs them. */
	private final Set<ProxyEndpoint> failingProxies = ConcurrentHashMap.newKeySet();

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

	/**
	 * Connecting through a proxy the service gave failed (its tunnel stalled, too).
	 * @param policy what a further attempt of the connection uses, when one follows
	 */
	void proxyFailed(ProxyEndpoint proxy, String exchange, ConnectionType type, String cause, String policy) {
		if (this.failingProxies.size() >= MAX_FAILING_PROXIES) {
			// a service that rotates its proxies may never hand a dead one out again
			this.failingProxies.clear();
		}
		log.log(this.failingProxies.add(proxy) ? Level.WARNING : Level.DEBUG,
				"proxy service''s proxy failed: proxy={0} exchange={1} type={2} cause=\"{3}\" next-attempt={4}", proxy,
				exchange, type, cause, policy);
	}

	/** A new tunnel through a proxy the service gave is up. */
	void proxyConnected(ProxyEndpoint proxy) {
		if (!this.failingProxies.isEmpty() && this.failingProxies.remove(proxy)) {
			log.log(Level.INFO, "proxy service''s proxy connects again: proxy={0}", proxy);
		}
	}

}
