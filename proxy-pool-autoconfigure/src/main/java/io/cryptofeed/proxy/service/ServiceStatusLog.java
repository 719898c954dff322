package io.cryptofeed.proxy.service;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.LogText;
import io.cryptofeed.proxy.core.ProxyEndpoint;

/**
 * One log line when the service stops answering (and again when the reason changes), one when
 * it answers again; an answer an exchange cannot use (refused, malformed, a proxy the transport
 * cannot use) is the exchange's own episode, which other exchanges' answers neither end nor
 * start anew. Likewise for each proxy it gave: one when connecting through it fails, one when
 * a tunnel through it is up again; when the exchange limits its address, at most one a minute
 * per exchange and type. And one when the answer cache, full, starts forgetting
 * policies, until a sweep needs to forget none. Per-call detail only at debug level.
 */
final class ServiceStatusLog {

	/** Bounds the proxies remembered as failing: past it they are forgotten, and each warned about anew. */
	private static final int MAX_FAILING_PROXIES = 1000;

	/** Under the name of the class users know: the source is what falls back. */
	private static final System.Logger log = System.getLogger(ServiceProxySource.class.getName());

	/** How long after a WARN about a limited proxy its next one comes at the earliest. */
	private static final long LIMITED_WARNING_SPACING = TimeUnit.MINUTES.toNanos(1);

	/** Bounds the exchanges remembered with unusable answers: past it they are forgotten, and each warned about anew. */
	private static final int MAX_UNUSABLE = 1000;

	/** Why the service is unavailable (it did not answer), or {@code null} while it answers. */
	private final AtomicReference<ServiceCallException.Reason> failing = new AtomicReference<>();

	/** Why the latest answer for an exchange and type could not be used, by exchange and type. */
	private final Map<AnswerCache.Key, ServiceCallException.Reason> unusable = new ConcurrentHashMap<>();

	/** The service's proxies that failed and have not connected since: nothing else logs them. */
	private final Set<ProxyEndpoint> failingProxies = ConcurrentHashMap.newKeySet();

	/** Whether the latest sweep of the answer cache forgot policies. */
	private final AtomicBoolean forgettingPolicies = new AtomicBoolean();

	/** When each of the service's proxies was last warned about as limited, per exchange and type. */
	private final Map<LimitedProxy, Long> limitedWarnedAt = new ConcurrentHashMap<>();

	private final LongSupplier nanoTime;

	/** @param nanoTime monotonic nanoseconds, as {@link System#nanoTime()}, which space the warnings about limited proxies */
	ServiceStatusLog(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
	}

	void failed(ServiceCallException failure, String exchange, ConnectionType type, String fallback) {
		ServiceCallException.Reason reason = failure.reason();
		boolean transition;
		if (reason == ServiceCallException.Reason.CIRCUIT_OPEN) {
			// the breaker logs its own transitions; the episode keeps the reason that opened it, so
			// a half-open trial that fails the same way is no new episode
			this.failing.compareAndSet(null, reason);
			transition = false;
		}
		else if (reason.transientFailure()) {
			transition = this.failing.getAndSet(reason) != reason;
		}
		else {
			// the service answered: another exchange's answers, usable or not, say nothing of this one's
			if (this.unusable.size() >= MAX_UNUSABLE) {
				this.unusable.clear();
			}
			transition = this.unusable.put(new AnswerCache.Key(exchange, type), reason) != reason;
		}
		log.log(transition ? Level.WARNING : Level.DEBUG,
				"proxy service gave no usable answer: {0} exchange={1} type={2} fallback={3}", failure.getMessage(),
				LogText.oneLine(exchange), type, fallback);
	}

	void answered(String exchange, ConnectionType type) {
		boolean wasFailing = this.failing.getAndSet(null) != null;
		if ((!this.unusable.isEmpty() && this.unusable.remove(new AnswerCache.Key(exchange, type)) != null) || wasFailing) {
			log.log(Level.INFO, "proxy service answers again: exchange={0} type={1}", LogText.oneLine(exchange), type);
		}
	}

	/**
	 * A sweep of the full answer cache forgot {@code count} {@code fail} or
	 * {@code direct_connection} policies; {@code 0} ends the episode.
	 * @param fallback what {@code embedded_fallback}, which their exchanges now follow, means
	 */
	void policiesForgotten(int count, String fallback) {
		if (count == 0) {
			this.forgettingPolicies.set(false);
			return;
		}
		boolean episodeStarts = !this.forgettingPolicies.getAndSet(true);
		log.log(episodeStarts ? Level.WARNING : Level.DEBUG,
				"proxy service answers forgotten: the fail or direct_connection policies of {0} exchanges and types, "
						+ "the client keeping at most {1}; while the service cannot answer for one of them its "
						+ "connections follow embedded_fallback ({2}) until it answers again. Requests name these "
						+ "exchange ids: set ProxyAttributes.EXCHANGE to the exchange, not to a symbol or request id",
				Integer.toString(count), Integer.toString(AnswerCache.KEYS_AT_MOST), fallback);
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
				LogText.oneLine(exchange), type, cause, policy);
	}

	/**
	 * The exchange answered through a proxy the service gave with one of its limiting statuses.
	 * At most one WARN per proxy, exchange and type a minute, as for a pool's member: the others
	 * at DEBUG, since a service that keeps giving the proxy makes each answer through it limited.
	 * @param retryAfterSeconds the wait the exchange asked for, or {@code null}
	 */
	void proxyRateLimited(ProxyEndpoint proxy, String exchange, ConnectionType type, int status,
			Long retryAfterSeconds) {
		if (this.limitedWarnedAt.size() >= MAX_FAILING_PROXIES) {
			this.limitedWarnedAt.clear();
		}
		LimitedProxy limited = new LimitedProxy(proxy, exchange, type);
		long now = this.nanoTime.getAsLong();
		Long warnedAt = this.limitedWarnedAt.get(limited);
		// of two answers limited at once, the one that takes the minute warns
		boolean warn = (warnedAt == null) ? this.limitedWarnedAt.putIfAbsent(limited, now) == null
				: now - warnedAt >= LIMITED_WARNING_SPACING && this.limitedWarnedAt.replace(limited, warnedAt, now);
		log.log(warn ? Level.WARNING : Level.DEBUG,
				"proxy service''s proxy rate-limited: proxy={0} exchange={1} type={2} status={3} retry-after={4}; "
						+ "the service is told, and the answer naming it is not reused",
				proxy, LogText.oneLine(exchange), type, Integer.toString(status),
				(retryAfterSeconds != null) ? retryAfterSeconds + "s" : "none");
	}

	/** A new tunnel through a proxy the service gave is up. */
	void proxyConnected(ProxyEndpoint proxy) {
		if (!this.failingProxies.isEmpty() && this.failingProxies.remove(proxy)) {
			log.log(Level.INFO, "proxy service''s proxy connects again: proxy={0}", proxy);
		}
	}

	/** A proxy the service gave, for one exchange and type. */
	private record LimitedProxy(ProxyEndpoint proxy, String exchange, ConnectionType type) {
	}

}
