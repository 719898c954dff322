package io.cryptofeed.proxy.service;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
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
 * while too, so that a wrong token does not cost every connection a round trip. Bounded: past
 * {@link #KEYS_KEPT} by forgetting what changes nothing, past {@link #KEYS_AT_MOST} whatever it
 * changes.
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

	/**
	 * How many exchanges and connection types are kept at most: past it the longest expired
	 * (else the oldest) entries are forgotten whatever their policy, down to half of it, since a
	 * service may answer {@code fail} for every id a request names.
	 */
	static final int KEYS_AT_MOST = 4 * KEYS_KEPT;

	private final LongSupplier nanoTime;

	/** Told after each sweep how many {@code fail} or {@code direct_connection} policies it forgot. */
	private final IntConsumer policiesForgotten;

	private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

	/** When the next new key makes the cache forget what it can. */
	private volatile int forgetAt = KEYS_KEPT;

	/**
	 * @param nanoTime monotonic nanoseconds, as {@link System#nanoTime()}
	 * @param policiesForgotten told after each sweep how many policies other than
	 * {@code embedded_fallback} (what no answer means) it forgot, {@code 0} included
	 */
	AnswerCache(LongSupplier nanoTime, IntConsumer policiesForgotten) {
		this.nanoTime = nanoTime;
		this.policiesForgotten = policiesForgotten;
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

	private void makeRoomFor(Key key) {
		if (this.entries.size() >= this.forgetAt && !this.entries.containsKey(key)) {
			sweep();
		}
	}

	/**
	 * Past the bound, forgets the expired answers that only say what no answer says
	 * ({@code embedded_fallback}, or no policy at all); a {@code fail} or {@code direct_connection} is kept, since
	 * it decides what a connection does while the service cannot answer, unless the cache
	 * reached {@link #KEYS_AT_MOST}. While most are kept, the next sweep waits for the cache to
	 * double, so that a new key does not scan every time.
	 */
	private synchronized void sweep() {
		int size = this.entries.size();
		if (size < this.forgetAt) {
			// another sweep made room meanwhile
			return;
		}
		long now = this.nanoTime.getAsLong();
		// removed only as seen: an answer may have come for the key since
		this.entries.values().removeIf((entry) -> !entry.decides() && !entry.isFresh(now));
		int forgotten = (size >= KEYS_AT_MOST) ? forgetLongestExpired(now, this.entries.size() - KEYS_AT_MOST / 2) : 0;
		this.forgetAt = Math.min(KEYS_AT_MOST, Math.max(KEYS_KEPT, 2 * this.entries.size()));
		this.policiesForgotten.accept(forgotten);
	}

	/** @return how many of the entries forgotten had a policy that {@link Entry#decides() decides} */
	private int forgetLongestExpired(long now, int count) {
		if (count <= 0) {
			return 0;
		}
		List<Map.Entry<Key, Entry>> longestExpired = this.entries.entrySet()
			.stream()
			.sorted(Comparator.comparingLong((Map.Entry<Key, Entry> kept) -> kept.getValue().expiredFor(now))
				.reversed())
			.limit(count)
			.toList();
		int forgotten = 0;
		for (Map.Entry<Key, Entry> old : longestExpired) {
			if (this.entries.remove(old.getKey(), old.getValue()) && old.getValue().decides()) {
				forgotten++;
			}
		}
		return forgotten;
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
				&& proxy.equals(entry.choice.endpoint())) ? entry.policyOnly() : entry);
	}

	/**
	 * Forgets this answer when it is still the latest, keeping its policy: the exchange limits
	 * its proxy's address. A newer answer stays, even one naming the same proxy: a connection
	 * through it tells of its own limited answer. An answer per connection is kept, as {@link #evict} keeps it.
	 */
	void evictAnswer(Key key, ProxyChoice answer) {
		this.entries.computeIfPresent(key,
				(k, entry) -> (entry.ttlNanos != 0 && entry.choice == answer) ? entry.policyOnly() : entry);
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

		/** How long ago it expired; negative while fresh. */
		long expiredFor(long now) {
			// never below 0, so that subtracting the longest TTL cannot overflow: a reading taken
			// on another thread may come after now
			long elapsed = Math.max(0, now - this.since);
			return elapsed - Math.max(0, this.ttlNanos);
		}

		/** The policy alone, as after an answer the service could not give: never reused. */
		Entry policyOnly() {
			return new Entry(null, this.policy, this.since, NOT_REUSED, null);
		}

		/** Whether forgetting the policy changes what a connection does: no answer means {@code embedded_fallback}. */
		boolean decides() {
			return this.policy != null && this.policy != FallbackPolicy.EMBEDDED_FALLBACK;
		}

	}

}
