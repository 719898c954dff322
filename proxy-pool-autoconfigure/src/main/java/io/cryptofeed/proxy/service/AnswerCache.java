package io.cryptofeed.proxy.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.netty.ProxyChoice;

/**
 * The service's latest answer per exchange and connection type, reused until its TTL ends,
 * whether it names a proxy or not: an answer without one is as much the service's decision.
 * The fallback policy of the latest answer is remembered past the TTL: it describes the
 * exchange, not the proxy, and decides what happens while the service cannot answer. A TTL
 * is measured on a monotonic ticker, so that a step of the wall clock (NTP, an operator)
 * neither lengthens nor shortens it. An answer that could not be used is held for a short
 * while too, so that a wrong token does not cost every connection a round trip. Bounded, as far as forgetting changes nothing: see
 * {@link #KEYS_KEPT}.
 */
final class AnswerCache {

	/** The TTL of an entry that only keeps a policy: never fresh, and no word on how often to ask. */
	private static final long NOT_REUSED = -1;

	/**
	 * How many exchanges and connection types are kept before the expired answers whose
	 * forgetting changes nothing are forgotten: the exchange ids come from requests, which may
	 * name any.
	 */
	static final int KEYS_KEPT = 1024;

	private final LongSupplier nanoTime;

	private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

	/** When the next new key makes the cache forget what it can. */
	private volatile int forgetAt = KEYS_KEPT;

	/** @param nanoTime monotonic nanoseconds, as {@link System#nanoTime()} */
	AnswerCache(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
	}

	/**
	 * Keeps the answer for {@code ttl}, a proxy as the choice made from it: reusing it costs no
	 * allocation. A zero TTL only updates the policy.
	 * @param choice the answer's proxy, or {@code null} for an answer without one
	 */
	void put(Key key, ProxyChoice choice, FallbackPolicy policy, Duration ttl) {
		long ttlNanos;
		try {
			ttlNanos = ttl.toNanos();
		}
		catch (ArithmeticException ex) {
			// a TTL beyond what a long counts in nanoseconds (292 years) is kept for as long as one can
			ttlNanos = Long.MAX_VALUE;
		}
		makeRoomFor(key);
		this.entries.put(key, new Entry(choice, policy, this.nanoTime.getAsLong(), ttlNanos, null));
	}

	/** Keeps the policy an answer named, not the answer: the service could not give one. */
	void putPolicy(Key key, FallbackPolicy policy) {
		makeRoomFor(key);
		this.entries.put(key, new Entry(null, policy, this.nanoTime.getAsLong(), NOT_REUSED, null));
	}

	/**
	 * Keeps an answer that could not be used for {@code hold}: until then connections follow
	 * the policy it named, or without one the latest answer's, rather than ask again for what
	 * would most likely be the same answer.
	 */
	void putUnusable(Key key, ServiceCallException unusable, Duration hold) {
		FallbackPolicy policy = (unusable.namedPolicy() != null) ? unusable.namedPolicy() : lastPolicy(key);
		makeRoomFor(key);
		this.entries.put(key, new Entry(null, policy, this.nanoTime.getAsLong(), hold.toNanos(), unusable));
	}

	/**
	 * Past the bound, forgets the expired answers that only say what no answer says
	 * ({@code embedded_fallback}, or no policy at all); a {@code fail} or {@code direct_connection} is kept, since
	 * it decides what a connection does while the service cannot answer. While most are kept,
	 * the next sweep waits for the cache to double, so that a new key does not scan every time.
	 */
	private void makeRoomFor(Key key) {
		if (this.entries.size() < this.forgetAt || this.entries.containsKey(key)) {
			return;
		}
		long now = this.nanoTime.getAsLong();
		// removed only as seen: an answer may have come for the key since
		this.entries.values()
			.removeIf((entry) -> (entry.policy == null || entry.policy == FallbackPolicy.EMBEDDED_FALLBACK)
					&& !entry.isFresh(now));
		this.forgetAt = Math.max(KEYS_KEPT, 2 * this.entries.size());
	}

	/**
	 * An unexpired answer, with a proxy or without one ({@link Entry#choice} {@code null}), or one
	 * that could not be used ({@link Entry#unusable}), or {@code null}.
	 */
	Entry fresh(Key key) {
		Entry entry = this.entries.get(key);
		return (entry != null && entry.isFresh(this.nanoTime.getAsLong())) ? entry : null;
	}

	/**
	 * Whether the latest answer came with a zero TTL: the service wants to be asked for every
	 * connection, so no connection should wait for another's answer.
	 */
	boolean askedForEachConnection(Key key) {
		Entry entry = this.entries.get(key);
		return entry != null && entry.ttlNanos == 0;
	}

	/** The policy of the latest answer, expired or not, or {@code null} before any answer. */
	FallbackPolicy lastPolicy(Key key) {
		Entry entry = this.entries.get(key);
		return (entry != null) ? entry.policy : null;
	}

	/**
	 * Forgets the answer's proxy when it is this one, keeping its policy: a proxy that failed is
	 * not reused. An answer per connection (TTL 0) is kept as it is: it is never reused anyway,
	 * and the service still wants each connection to ask at once.
	 */
	void evict(Key key, ProxyEndpoint proxy) {
		this.entries.computeIfPresent(key, (k, entry) -> (entry.ttlNanos != 0 && entry.choice != null
				&& proxy.equals(entry.choice.endpoint())) ? new Entry(null, entry.policy, entry.since, NOT_REUSED, null)
						: entry);
	}

	/** Exchanges and connection types with an answer or a policy kept. */
	int size() {
		return this.entries.size();
	}

	record Key(String exchange, ConnectionType type) {
	}

	/**
	 * @param choice the answer's proxy, or {@code null}: its policy applies
	 * @param since the ticker's reading when the answer came
	 * @param ttlNanos how long it is reused: 0 for not at all (an answer per connection), -1 for an
	 * entry that only keeps the policy of an answer the service could not give or whose proxy failed
	 * @param unusable why the answer could not be used, or {@code null} for one that could
	 */
	record Entry(ProxyChoice choice, FallbackPolicy policy, long since, long ttlNanos, ServiceCallException unusable) {

		boolean isFresh(long now) {
			// elapsed time as a difference of two readings: right however the ticker's origin lies
			return now - this.since < this.ttlNanos;
		}

	}

}
