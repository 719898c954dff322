package io.cryptofeed.proxy.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.PoolsChange;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Resolves proxy host names off the event loop and caches the answers for a while; IP
 * literals need no lookup. Reactor Netty would otherwise resolve the proxy with a blocking
 * JDK lookup on the event loop at every connect. The connects that find no answer share one
 * lookup ({@link SharedAsks}), which keeps its answer even when they all gave up. An
 * {@code https} member's address is {@link ProxyTls#address one that asks for TLS}. Every
 * address of a name is kept: connects go to the first, and to the next ones only when it
 * refuses ({@link #after}). The time an answer is kept runs on a
 * monotonic ticker: a step of the wall clock neither keeps an old address nor drops a new one.
 */
final class ProxyAddressResolver {

	private final long ttlNanos;

	private final long standsInNanos;

	private final LongSupplier nanoTime;

	private final Map<String, Resolved> cache = new ConcurrentHashMap<>();

	/**
	 * Bound on the proxies (IP literals) and proxy host names whose address is kept: a proxy
	 * service may name a new proxy (or a new user of one) for every session, and each would
	 * stay here for good.
	 */
	static final int MAX_KEPT = 1024;

	/**
	 * How long after its time is up a name's last answer may stand in while the name cannot be
	 * looked up again (a DNS server that fails or does not answer): long enough to ride out an
	 * outage while the health checks' warnings bring someone, short enough that a name taken
	 * away on purpose (a retired proxy, whose address may go to someone else) does not receive
	 * the credentials for long.
	 */
	static final Duration STANDS_IN_FOR = Duration.ofHours(1);

	/**
	 * Addresses of proxies given as IP literals never change: built once, reused at every
	 * connect. Keyed by the masked URL (a field of the endpoint, so no key is built per
	 * connect): the address does not depend on the credentials, so a password a reload
	 * rotated, which keeps its member, stays in no key, and the users of one proxy share a place.
	 */
	private final Map<String, InetSocketAddress> literals = new ConcurrentHashMap<>();

	/** Volatile so that a test may swap it ({@link #lookUpWith}) while connects run. */
	private volatile Lookup lookup;

	private final SharedAsks<String, InetAddress[]> lookups = new SharedAsks<>();

	/** @param nanoTime monotonic nanoseconds, as {@link System#nanoTime()} */
	ProxyAddressResolver(Duration ttl, LongSupplier nanoTime) {
		this.ttlNanos = ttl.toNanos();
		this.standsInNanos = STANDS_IN_FOR.toNanos();
		this.nanoTime = nanoTime;
		this.lookup = InetAddress::getAllByName;
	}

	/** @param lookup the blocking lookup of a host name's addresses: a test's */
	ProxyAddressResolver(Duration ttl, LongSupplier nanoTime, Lookup lookup) {
		this(ttl, nanoTime);
		this.lookup = lookup;
	}

	/** Looks proxy names up with this from now on: for tests that give a name several addresses. */
	void lookUpWith(Lookup lookup) {
		this.lookup = lookup;
	}

	/**
	 * The address when it is known without waiting for a lookup (an IP literal, or a name
	 * cached), else {@code null}. A name whose time is up is looked up again in the background,
	 * its last answer standing in meanwhile, and for at most {@link #STANDS_IN_FOR} should the
	 * lookups fail.
	 */
	InetSocketAddress ready(ProxyEndpoint endpoint) {
		InetSocketAddress parsed = this.literals.get(endpoint.toString());
		if (parsed != null) {
			return parsed;
		}
		if (endpoint.hasIpLiteralHost()) {
			// a literal is parsed, never looked up
			InetSocketAddress address = ProxyTls.address(endpoint,
					new InetSocketAddress(endpoint.host(), endpoint.port()));
			if (this.literals.size() < MAX_KEPT) {
				this.literals.putIfAbsent(endpoint.toString(), address);
			}
			return address;
		}
		Resolved cached = this.cache.get(endpoint.host());
		if (cached == null) {
			return null;
		}
		long now = this.nanoTime.getAsLong();
		if (!cached.isFresh(now)) {
			if (!cached.mayStandIn(now, this.standsInNanos)) {
				return null;
			}
			// a connect does not wait for a slow DNS server while an answer is known: a proxy
			// that moved is found one lookup later, and a DNS outage does not stall the feed
			lookUp(endpoint.host()).subscribe((address) -> {
			}, (error) -> {
				// the last answer stands in, within its bound
			});
		}
		return ProxyTls.address(endpoint, new InetSocketAddress(cached.addresses[0], endpoint.port()));
	}

	/**
	 * The address of the member's proxy name after the one that refused a connect, when the
	 * last lookup gave the name more than one; {@code null} for an IP literal, a name with one
	 * address, or the last of them.
	 */
	InetSocketAddress after(ProxyEndpoint endpoint, InetSocketAddress refused) {
		Resolved cached = endpoint.hasIpLiteralHost() ? null : this.cache.get(endpoint.host());
		if (cached == null) {
			return null;
		}
		for (int i = 0; i < cached.addresses.length - 1; i++) {
			if (cached.addresses[i].equals(refused.getAddress())) {
				return ProxyTls.address(endpoint, new InetSocketAddress(cached.addresses[i + 1], endpoint.port()));
			}
		}
		return null;
	}

	/**
	 * The address, looked up off the event loop when {@link #ready} has none.
	 * @param within how long the lookup may take
	 */
	Mono<InetSocketAddress> resolve(ProxyEndpoint endpoint, Duration within) {
		InetSocketAddress ready = ready(endpoint);
		if (ready != null) {
			return Mono.just(ready);
		}
		// the connects of a burst share one lookup; giving up does not cancel it
		return lookUp(endpoint.host())
			.onErrorMap(UnknownHostException.class, ProxyAddressResolver::ownCopy)
			// a DNS server that does not answer holds the JDK's lookup for the system resolver's
			// retries (10 s and more): the connect gives up, as for a name that does not resolve,
			// so that the next member is tried (the lookup runs on to its end, and keeps its answer)
			.timeout(within, Mono.error(() -> new UnknownHostException(endpoint.host()
					+ ": the lookup of the proxy's host name did not answer within " + Durations.format(within)
					+ " (connect-timeout)")))
			.map((addresses) -> ProxyTls.address(endpoint, new InetSocketAddress(addresses[0], endpoint.port())));
	}

	/**
	 * The lookup of the host under way, or a new one: on a worker thread, never an event loop,
	 * and its answer kept before anyone waiting hears it.
	 */
	private Mono<InetAddress[]> lookUp(String host) {
		return this.lookups.join(host, () -> Mono.fromCallable(() -> this.lookup.allByName(host))
			.subscribeOn(Schedulers.boundedElastic())
			.doOnNext((address) -> keep(host, address))).map(SharedAsks.Shared::value);
	}

	/**
	 * A failure of its own for each waiting connect: the connect's error handling adds to the
	 * exception it gets (suppressed failures), which must not pile up on one shared by a burst.
	 */
	private static UnknownHostException ownCopy(UnknownHostException shared) {
		UnknownHostException own = new UnknownHostException(shared.getMessage());
		own.initCause(shared);
		return own;
	}

	/** Keeps a name's looked-up addresses for the TTL, within the bound: connects use the first. */
	void keep(String host, InetAddress[] addresses) {
		if (this.cache.size() >= MAX_KEPT) {
			// names whose time is up go first (an answer that could stand in too); a new name waits for room
			long now = this.nanoTime.getAsLong();
			this.cache.values().removeIf((resolved) -> !resolved.isFresh(now));
		}
		if (this.cache.size() < MAX_KEPT || this.cache.containsKey(host)) {
			this.cache.put(host, new Resolved(addresses, this.nanoTime.getAsLong() + this.ttlNanos));
		}
	}

	/**
	 * Drops the addresses of members a reload removed, so that reloads which swap members do
	 * not fill the bound with gone ones.
	 */
	void forget(PoolsChange change) {
		change.removedMembers().forEach((removed) -> this.literals.remove(removed.member().endpoint().toString()));
	}

	/** Proxy host names whose address is kept. */
	int keptNames() {
		return this.cache.size();
	}

	/** Proxy host names whose lookup is under way. */
	int lookupsUnderWay() {
		return this.lookups.underWay();
	}

	/** IP-literal proxies whose address is kept. */
	int keptLiterals() {
		return this.literals.size();
	}

	/** A blocking lookup of all of a host name's addresses, as {@link InetAddress#getAllByName(String)}. */
	@FunctionalInterface
	interface Lookup {

		InetAddress[] allByName(String host) throws UnknownHostException;

	}

	/**
	 * @param addresses as the lookup gave them, never empty
	 * @param until the ticker's reading when the answer's time is up
	 */
	private record Resolved(InetAddress[] addresses, long until) {

		boolean isFresh(long now) {
			// a difference, as ticker readings may wrap
			return this.until - now > 0;
		}

		boolean mayStandIn(long now, long standsInNanos) {
			return this.until + standsInNanos - now > 0;
		}

	}

}
