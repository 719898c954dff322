package io.cryptofeed.proxy.service;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.netty.ProxyChoice;

/**
 * The service's latest answer per exchange and connection type, reused until its TTL ends,
 * whether it names a proxy or not: an answer without one is as much the service's decision.
 * The fallback policy of the latest answer is remembered past the TTL: it describes the
 * exchange, not the proxy, and decides what happens while the service cannot answer.
 */
final class AnswerCache {

	private final Clock clock;

	private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

	AnswerCache(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Keeps the answer for {@code ttl}, a proxy as the choice made from it: reusing it costs no
	 * allocation. A zero TTL only updates the policy.
	 * @param choice the answer's proxy, or {@code null} for an answer without one
	 */
	void put(Key key, ProxyChoice choice, FallbackPolicy policy, Duration ttl) {
		long until = Long.MIN_VALUE;
		if (!ttl.isZero()) {
			long now = this.clock.millis();
			// a TTL beyond what a long counts in milliseconds from now is kept for as long as one can
			until = (ttl.compareTo(Duration.ofMillis(Long.MAX_VALUE - now)) < 0) ? now + ttl.toMillis()
					: Long.MAX_VALUE;
		}
		this.entries.put(key, new Entry(choice, policy, until));
	}

	/** An unexpired answer, with a proxy or without one ({@link Entry#choice} {@code null}), or {@code null}. */
	Entry fresh(Key key) {
		Entry entry = this.entries.get(key);
		return (entry != null && this.clock.millis() < entry.until) ? entry : null;
	}

	/** The policy of the latest answer, expired or not, or {@code null} before any answer. */
	FallbackPolicy lastPolicy(Key key) {
		Entry entry = this.entries.get(key);
		return (entry != null) ? entry.policy : null;
	}

	/** Forgets the answer's proxy when it is this one, keeping its policy: a proxy that failed is not reused. */
	void evict(Key key, ProxyEndpoint proxy) {
		this.entries.computeIfPresent(key, (k, entry) -> (entry.choice != null && proxy.equals(entry.choice.endpoint()))
				? new Entry(null, entry.policy, Long.MIN_VALUE) : entry);
	}

	record Key(String exchange, ConnectionType type) {
	}

	/** @param choice the answer's proxy, or {@code null}: its policy applies */
	record Entry(ProxyChoice choice, FallbackPolicy policy, long until) {
	}

}
