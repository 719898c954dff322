package io.cryptofeed.proxy.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Every pool, and which one a connection uses. Per connection type: the exchange's own pool,
 * else the default pool, else none (a direct connection, as without this library). A pool
 * built from a single {@code url} is one fixed proxy.
 */
public final class ProxyPools {

	private final Map<PoolKey, ProxyPool> pools;

	private final Map<ConnectionType, Optional<ProxyPool>> defaults = new EnumMap<>(ConnectionType.class);

	private final Map<String, Map<ConnectionType, Optional<ProxyPool>>> exchanges = new TreeMap<>(
			String.CASE_INSENSITIVE_ORDER);

	private final HostPatterns hosts;

	/**
	 * @param pools at most one pool per key
	 * @param hostPatterns host patterns by exchange id
	 */
	public ProxyPools(Collection<ProxyPool> pools, Map<String, ? extends Collection<String>> hostPatterns) {
		Map<PoolKey, ProxyPool> byKey = new LinkedHashMap<>();
		for (ProxyPool pool : pools) {
			if (byKey.putIfAbsent(pool.key(), pool) != null) {
				throw new IllegalArgumentException("two pools for " + pool.key());
			}
		}
		this.pools = Collections.unmodifiableMap(byKey);
		this.hosts = new HostPatterns(hostPatterns);
		for (ConnectionType type : ConnectionType.values()) {
			this.defaults.put(type, Optional.ofNullable(byKey.get(PoolKey.ofDefault(type))));
		}
		List<String> exchangeIds = new ArrayList<>(hostPatterns.keySet());
		byKey.keySet().stream().filter((key) -> !key.isDefault()).map(PoolKey::settings).forEach(exchangeIds::add);
		for (String exchange : exchangeIds) {
			Map<ConnectionType, Optional<ProxyPool>> routes = new EnumMap<>(ConnectionType.class);
			for (ConnectionType type : ConnectionType.values()) {
				ProxyPool own = byKey.get(new PoolKey(exchange, type));
				routes.put(type, (own != null) ? Optional.of(own) : this.defaults.get(type));
			}
			this.exchanges.put(exchange, routes);
		}
	}

	/** Builds the pools from validated specs, each with a new strategy instance. */
	public static ProxyPools of(Collection<PoolSpec> specs, Map<String, ? extends Collection<String>> hostPatterns,
			Function<String, SelectionStrategy> strategies) {
		List<ProxyPool> pools = specs.stream()
			.map((spec) -> new ProxyPool(spec, strategies.apply(spec.strategy())))
			.toList();
		return new ProxyPools(pools, hostPatterns);
	}

	/**
	 * The pool for a connection of this type to this exchange; empty means connect directly.
	 * @param exchange an exchange id in any case, or {@code null} for the default settings
	 */
	public Optional<ProxyPool> resolve(String exchange, ConnectionType type) {
		if (exchange != null) {
			Map<ConnectionType, Optional<ProxyPool>> routes = this.exchanges.get(exchange);
			if (routes != null) {
				return routes.get(type);
			}
		}
		return this.defaults.get(type);
	}

	/** The pool for a connection to this host, found through the exchanges' host patterns. */
	public Optional<ProxyPool> resolveForHost(String host, ConnectionType type) {
		return resolve(exchangeForHost(host).orElse(null), type);
	}

	/** The exchange whose {@code hosts} patterns match this host. */
	public Optional<String> exchangeForHost(String host) {
		return this.hosts.exchangeFor(host);
	}

	/** Every pool by key, in configuration order. */
	public Map<PoolKey, ProxyPool> pools() {
		return this.pools;
	}

	/** The exchange ids with settings of their own, lower case. */
	public Set<String> exchanges() {
		return Collections.unmodifiableSet(this.exchanges.keySet());
	}

	/** One line per pool with masked members, for startup logs. */
	public List<String> describe() {
		List<String> lines = new ArrayList<>();
		for (ProxyPool pool : this.pools.values()) {
			StringBuilder line = new StringBuilder().append(pool.key()).append(": ");
			if (pool.origin() == PoolSpec.Origin.URL) {
				line.append("single proxy ").append(pool.members().get(0).endpoint());
			}
			else {
				line.append(pool.strategyName()).append(" over [");
				for (int i = 0; i < pool.members().size(); i++) {
					PoolMember member = pool.members().get(i);
					line.append((i > 0) ? ", " : "").append(member.endpoint());
					if (member.weight() != 1) {
						line.append(" weight=").append(member.weight());
					}
					if (!member.enabled()) {
						line.append(" (disabled)");
					}
				}
				line.append(']');
			}
			lines.add(line.toString());
		}
		return lines;
	}

}
