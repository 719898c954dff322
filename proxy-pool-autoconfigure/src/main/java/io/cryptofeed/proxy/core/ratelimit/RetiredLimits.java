package io.cryptofeed.proxy.core.ratelimit;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.ProxyEndpoint;

/**
 * What the exchanges knew of members a reload removed while one still rested or had uses in
 * a budget's window, by pool and proxy: exchanges limit the address, so a member a later
 * reload adds to that pool for the same proxy takes it over. Kept only while it restricts
 * something, and for at most {@code kept} proxies, the longest gone forgotten first (at each
 * reload). Changed by reloads, and by answers through members after a reload removed them;
 * guarded by this.
 */
final class RetiredLimits {

	private final int kept;

	/** By exchange id for each proxy, in the order they were removed. */
	private final Map<Proxy, Map<String, MemberLimit>> limits = new LinkedHashMap<>();

	RetiredLimits(int kept) {
		this.kept = kept;
	}

	/** Keeps what the exchange knew of a member removed now, when it still restricts something. */
	synchronized void keep(PoolKey pool, ProxyEndpoint.Identity proxy, String exchange, MemberLimit limit,
			long now) {
		if (limit.restrictsNothing(now)) {
			return;
		}
		Proxy key = new Proxy(pool, proxy);
		// removed again after it came back: the last removal is the one gone most recently
		Map<String, MemberLimit> byExchange = this.limits.remove(key);
		if (byExchange == null) {
			byExchange = new TreeMap<>();
		}
		byExchange.put(exchange, limit);
		this.limits.put(key, byExchange);
	}

	/**
	 * What the exchange knows of the proxy whose member a reload removed from that pool, made
	 * when it knows nothing: an answer through that member after the reload (to a request sent
	 * before it) still limits the proxy's address. Forgotten as the others once it restricts
	 * nothing.
	 */
	synchronized MemberLimit limitOf(PoolKey pool, ProxyEndpoint.Identity proxy, String exchange, Budget budget) {
		return this.limits.computeIfAbsent(new Proxy(pool, proxy), (key) -> new TreeMap<>())
			.computeIfAbsent(exchange, (id) -> new MemberLimit(budget));
	}

	/**
	 * Gives up what the exchanges knew of the proxy's removed member in that pool, for the
	 * member a reload adds for it: by exchange id, those that still restrict something now.
	 */
	synchronized Map<String, MemberLimit> takeOver(PoolKey pool, ProxyEndpoint.Identity proxy, long now) {
		Map<String, MemberLimit> byExchange = this.limits.remove(new Proxy(pool, proxy));
		if (byExchange == null) {
			return Map.of();
		}
		byExchange.values().removeIf((limit) -> limit.restrictsNothing(now));
		return byExchange;
	}

	/** Forgets what restricts nothing any more, then the longest gone past the bound. */
	synchronized void forgetUnrestricting(long now) {
		this.limits.values().removeIf((byExchange) -> {
			byExchange.values().removeIf((limit) -> limit.restrictsNothing(now));
			return byExchange.isEmpty();
		});
		Iterator<Map<String, MemberLimit>> longestGone = this.limits.values().iterator();
		for (int excess = this.limits.size() - this.kept; excess > 0; excess--) {
			longestGone.next();
			longestGone.remove();
		}
	}

	/** Proxies kept now. */
	synchronized int size() {
		return this.limits.size();
	}

	/** A proxy by the identity a reload keeps members by, in one pool. */
	private record Proxy(PoolKey pool, ProxyEndpoint.Identity identity) {
	}

}
