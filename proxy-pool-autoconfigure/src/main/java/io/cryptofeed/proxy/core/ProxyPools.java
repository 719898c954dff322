package io.cryptofeed.proxy.core;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Every pool, and which one a connection uses. Per connection type: the exchange's own pool,
 * else the default pool, else none (a direct connection, as without this library); none for
 * a direct host either, unless the connection names its exchange. A pool built from a single
 * {@code url} is one fixed proxy.
 */
public final class ProxyPools {

	private static final System.Logger log = System.getLogger(ProxyPools.class.getName());

	private final Object reconcileLock = new Object();

	private final CopyOnWriteArrayList<PoolsListener> listeners = new CopyOnWriteArrayList<>();

	private final List<ProxyPool.AvailabilityListener> availabilityListeners = new CopyOnWriteArrayList<>();

	private final ProxyPool.AvailabilityListener forwarder = this::tellEach;

	/**
	 * Pools a reload closed whose members may still carry leases, by key; guarded by the
	 * reconcile lock. A pool of the same key configured again counts them.
	 */
	private final Map<PoolKey, ProxyPool> closedPools = new HashMap<>();

	/**
	 * What the pools of each key ever configured counted, guarded by the reconcile lock: a
	 * pool made again for a key takes them on. A few counters per key the application named.
	 */
	private final Map<PoolKey, PoolCounts> counts = new HashMap<>();

	/** What routing reads: replaced as a whole by {@link #reconcile}. */
	private volatile Routing routing;

	/** Pools without direct hosts. */
	public ProxyPools(Collection<ProxyPool> pools, Map<String, ? extends Collection<String>> hostPatterns) {
		this(pools, hostPatterns, List.of());
	}

	/**
	 * @param pools at most one pool per key
	 * @param hostPatterns host patterns by exchange id
	 * @param directHosts host patterns and address ranges reached without a proxy (see {@link HostPatterns})
	 */
	public ProxyPools(Collection<ProxyPool> pools, Map<String, ? extends Collection<String>> hostPatterns,
			List<String> directHosts) {
		this.routing = new Routing(pools, hostPatterns, directHosts);
		pools.forEach((pool) -> pool.addAvailabilityListener(this.forwarder));
		pools.forEach((pool) -> this.counts.put(pool.key(), pool.counts()));
	}

	/** Builds the pools from validated specs, each with a new strategy instance, without direct hosts. */
	public static ProxyPools of(Collection<PoolSpec> specs, Map<String, ? extends Collection<String>> hostPatterns,
			Function<String, SelectionStrategy> strategies) {
		return of(specs, hostPatterns, List.of(), strategies);
	}

	/** Builds the pools from validated specs, each with a new strategy instance. */
	public static ProxyPools of(Collection<PoolSpec> specs, Map<String, ? extends Collection<String>> hostPatterns,
			List<String> directHosts, Function<String, SelectionStrategy> strategies) {
		List<ProxyPool> pools = specs.stream()
			.map((spec) -> new ProxyPool(spec, strategies.apply(spec.strategy())))
			.toList();
		return new ProxyPools(pools, hostPatterns, directHosts);
	}

	/** {@link #reconcile(Collection, Map, List, Function)} without direct hosts. */
	public PoolsChange reconcile(Collection<PoolSpec> specs, Map<String, ? extends Collection<String>> hostPatterns,
			Function<String, SelectionStrategy> strategies) {
		return reconcile(specs, hostPatterns, List.of(), strategies);
	}

	/**
	 * Takes a new configuration in place: pools whose key stays are
	 * {@linkplain ProxyPool#reconcile reconciled} (members kept by identity keep their state),
	 * new keys get new pools, and pools whose key is gone are {@linkplain ProxyPool#close()
	 * closed} (a pool of the key configured again counts the leases still open through them).
	 * A pool keeps its strategy instance (a round-robin keeps its position) unless the
	 * strategy's name changed. Routing switches to the new pools, host patterns and direct
	 * hosts in one step, then {@link PoolsListener}s hear what changed (of each member that
	 * joins, they hear before any selection can see it: {@link PoolsListener#joining}).
	 * Every new strategy is made first: when a factory throws, nothing has changed (strategies
	 * made before it are dropped unused).
	 * @param specs validated specs, at most one per key
	 * @return what changed
	 */
	public PoolsChange reconcile(Collection<PoolSpec> specs, Map<String, ? extends Collection<String>> hostPatterns,
			List<String> directHosts, Function<String, SelectionStrategy> strategies) {
		return reconcile(specs, hostPatterns, directHosts, strategies, () -> {
		});
	}

	/**
	 * {@link #reconcile(Collection, Map, List, Function)}, running {@code strategiesMade} once
	 * every new strategy is made and before the pools change: what must change with the pools
	 * changes there, and nothing has when a factory throws.
	 */
	public PoolsChange reconcile(Collection<PoolSpec> specs, Map<String, ? extends Collection<String>> hostPatterns,
			List<String> directHosts, Function<String, SelectionStrategy> strategies, Runnable strategiesMade) {
		PoolsChange change;
		synchronized (this.reconcileLock) {
			Map<PoolKey, ProxyPool> current = this.routing.pools;
			// every new strategy first: a factory that throws (an application's own strategy)
			// then leaves the running pools as they were, not half reloaded
			Map<PoolKey, SelectionStrategy> newStrategies = new HashMap<>();
			for (PoolSpec spec : specs) {
				ProxyPool pool = current.get(spec.key());
				if (pool == null || !pool.strategyName().equals(spec.strategy())) {
					newStrategies.put(spec.key(), strategies.apply(spec.strategy()));
				}
			}
			strategiesMade.run();
			this.closedPools.values().removeIf((pool) -> !pool.mayStillCarryLeases());
			List<ProxyPool> pools = new ArrayList<>();
			List<ProxyPool> addedPools = new ArrayList<>();
			List<PoolsChange.Member> added = new ArrayList<>();
			List<PoolsChange.Member> removed = new ArrayList<>();
			List<PoolsChange.Member> newCredentials = new ArrayList<>();
			for (PoolSpec spec : specs) {
				ProxyPool pool = current.get(spec.key());
				if (pool == null) {
					pool = new ProxyPool(spec, newStrategies.get(spec.key()),
							this.counts.computeIfAbsent(spec.key(), (key) -> new PoolCounts()));
					ProxyPool closed = this.closedPools.remove(spec.key());
					if (closed != null) {
						pool.takeLeasesOver(closed);
					}
					for (PoolMember member : pool.members()) {
						tellJoining(pool, member);
					}
					pool.addAvailabilityListener(this.forwarder);
					addedPools.add(pool);
					for (PoolMember member : pool.members()) {
						added.add(new PoolsChange.Member(pool, member));
					}
				}
				else {
					ProxyPool reconciled = pool;
					ProxyPool.MemberChanges changes = pool.reconcile(spec, newStrategies.get(spec.key()),
							(member) -> tellJoining(reconciled, member));
					for (PoolMember member : changes.added()) {
						added.add(new PoolsChange.Member(pool, member));
					}
					for (PoolMember member : changes.removed()) {
						removed.add(new PoolsChange.Member(pool, member));
					}
					for (PoolMember member : changes.newCredentials()) {
						newCredentials.add(new PoolsChange.Member(pool, member));
					}
				}
				pools.add(pool);
			}
			Set<PoolKey> keys = new HashSet<>();
			specs.forEach((spec) -> keys.add(spec.key()));
			List<ProxyPool> removedPools = new ArrayList<>();
			for (ProxyPool pool : current.values()) {
				if (!keys.contains(pool.key())) {
					removedPools.add(pool);
				}
			}
			// route away from removed pools before closing them: a connection routed in between
			// would find a closed pool and fail instead of taking the block that now serves it
			this.routing = new Routing(pools, hostPatterns, directHosts);
			for (ProxyPool pool : removedPools) {
				for (PoolMember member : pool.close()) {
					removed.add(new PoolsChange.Member(pool, member));
				}
				this.closedPools.put(pool.key(), pool);
			}
			change = new PoolsChange(addedPools, removedPools, added, removed, newCredentials);
		}
		tellEach(change);
		return change;
	}

	/**
	 * Tells every pools listener, also when one throws (an application's): the pools changed
	 * already, so the listeners after it (the metrics, the rate limits) must hear it all the
	 * same, and the reload must go on to its end (its health checks) rather than stop half done.
	 */
	private void tellEach(PoolsChange change) {
		for (PoolsListener listener : this.listeners) {
			try {
				listener.poolsChanged(change);
			}
			catch (RuntimeException ex) {
				log.log(Level.WARNING, "proxy pools: pools listener {0} failed: {1}", listener.getClass().getName(),
						ProxyUrls.maskedSummary(ex));
			}
		}
	}

	/**
	 * Tells every pools listener of a member joining in a reload, also when one throws (an
	 * application's): the member joins all the same, and the listeners after it must hear it.
	 */
	private void tellJoining(ProxyPool pool, PoolMember member) {
		for (PoolsListener listener : this.listeners) {
			try {
				listener.joining(pool, member);
			}
			catch (RuntimeException ex) {
				log.log(Level.WARNING, "proxy pools: pools listener {0} failed on a joining member: {1}",
						listener.getClass().getName(), ProxyUrls.maskedSummary(ex));
			}
		}
	}

	/**
	 * Tells every availability listener, also when one throws (an application's): the
	 * transport's, which retires the member's connections, must hear it all the same. The
	 * first exception is thrown once each was told.
	 */
	private void tellEach(ProxyPool pool, PoolMember member, boolean available) {
		RuntimeException failure = null;
		for (ProxyPool.AvailabilityListener listener : this.availabilityListeners) {
			try {
				listener.availabilityChanged(pool, member, available);
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else if (ex != failure) {
					// one exception thrown twice (a listener added twice) cannot suppress itself
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	/** Tells the listener what each later {@link #reconcile} changed; once, however often it is added. */
	public void addPoolsListener(PoolsListener listener) {
		this.listeners.addIfAbsent(listener);
	}

	/** Tells the listener about availability changes of the members of every pool, present and future. */
	public void addAvailabilityListener(ProxyPool.AvailabilityListener listener) {
		this.availabilityListeners.add(listener);
	}

	/**
	 * The pool for a connection of this type to this exchange; empty means connect directly.
	 * @param exchange an exchange id spelt any way {@link ExchangeIds} matches, or {@code null}
	 * for the default settings
	 */
	public Optional<ProxyPool> resolve(String exchange, ConnectionType type) {
		return this.routing.route(exchange, type).pool();
	}

	/**
	 * Where a connection of this type that names this exchange goes, and the id the
	 * configuration spells the exchange with, found without allocating: the ids match by the
	 * rule of {@link ExchangeIds}, so {@code COINBASE_PRO} finds {@code coinbase-pro}. An id
	 * named as configured, or in another case, costs what it did before the rule.
	 * @param exchange the id a request names, or {@code null} for the default settings
	 */
	public Route route(String exchange, ConnectionType type) {
		return this.routing.route(exchange, type);
	}

	/**
	 * The id the configuration spells the named exchange with, by the rule of
	 * {@link ExchangeIds}; the named id in lower case when no exchange has settings of its own
	 * under it (as {@value PoolKey#DEFAULT}).
	 */
	public String exchangeId(String named) {
		Route route = this.routing.route(named, ConnectionType.HTTP);
		return (route.exchange() != null) ? route.exchange() : named.toLowerCase(Locale.ROOT);
	}

	/** The pool for a connection to this host, found through the exchanges' host patterns; empty for a direct host. */
	public Optional<ProxyPool> resolveForHost(String host, ConnectionType type) {
		Routing routing = this.routing;
		HostPatterns.Answer answer = routing.hosts.answer(host);
		return answer.direct() ? Optional.empty() : routing.route(answer.exchange().orElse(null), type).pool();
	}

	/** Which exchange the host belongs to, and whether it is a direct host, in one lookup. */
	public HostPatterns.Answer hostAnswer(String host) {
		return this.routing.hosts.answer(host);
	}

	/** The exchange whose {@code hosts} patterns match this host. */
	public Optional<String> exchangeForHost(String host) {
		return this.routing.hosts.exchangeFor(host);
	}

	/** Whether this host is one of the direct hosts: a connection to it that names no exchange goes direct. */
	public boolean isDirectHost(String host) {
		return this.routing.hosts.isDirect(host);
	}

	/** The direct hosts' patterns and address ranges, as configured. */
	public List<String> directHosts() {
		return this.routing.directHosts;
	}

	/** Whether any pool serves this connection type; without one every such connection is direct. */
	public boolean hasPoolFor(ConnectionType type) {
		return this.routing.typesWithPools.contains(type);
	}

	/** Every pool by key, in configuration order. */
	public Map<PoolKey, ProxyPool> pools() {
		return this.routing.pools;
	}

	/** The exchange ids with settings of their own, lower case. */
	public Set<String> exchanges() {
		return Collections.unmodifiableSet(this.routing.exchanges.keySet());
	}

	/**
	 * One line per pool with masked members, for start-up logs, in the key=value form of the
	 * other log lines, and with members named as they are ({@link ProxyPool#nameOf}):
	 * {@code pool=binance/http strategy=round-robin members=[…]}, or
	 * {@code pool=default/http single=socks5://***@10.0.0.5:1080} for a single {@code url}.
	 */
	public List<String> describe() {
		List<String> lines = new ArrayList<>();
		for (ProxyPool pool : pools().values()) {
			StringBuilder line = new StringBuilder().append("pool=").append(pool.key()).append(' ');
			if (pool.origin() == PoolSpec.Origin.URL) {
				line.append("single=").append(pool.members().get(0).endpoint());
			}
			else {
				line.append("strategy=").append(pool.strategyName()).append(" members=[");
				for (int i = 0; i < pool.members().size(); i++) {
					PoolMember member = pool.members().get(i);
					line.append((i > 0) ? ", " : "").append(pool.nameOf(member));
					if (member.weight() != 1) {
						line.append(" weight=").append(member.weight());
					}
					if (!member.enabled()) {
						line.append(" disabled");
					}
				}
				line.append(']');
			}
			lines.add(line.toString());
		}
		return lines;
	}


	/**
	 * Where connections that name an exchange go, for one connection type.
	 * @param exchange the exchange's id as the configuration spells it, lower case; {@code null}
	 * for the default settings, which also serve an exchange without settings of its own
	 * @param pool the pool; empty means connect directly
	 */
	public record Route(String exchange, Optional<ProxyPool> pool) {

		/** The exchange a connection that names this id belongs to: the configured id, else the one named. */
		public String exchangeOr(String named) {
			return (this.exchange != null) ? this.exchange : named;
		}

	}

	/** Pools by key and the routes to them: immutable, replaced as a whole. */
	private static final class Routing {

		final Map<PoolKey, ProxyPool> pools;

		final Map<ConnectionType, Route> defaults = new EnumMap<>(ConnectionType.class);

		/** By id ignoring case: an id named as configured, or in another case, costs one lookup. */
		final Map<String, Map<ConnectionType, Route>> exchanges = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

		/**
		 * The same by the rule of ExchangeIds, asked only when the first misses: COINBASE_PRO and
		 * coinbasepro find coinbase-pro without allocating, at about the cost of a second lookup.
		 */
		final Map<String, Map<ConnectionType, Route>> byRule = new TreeMap<>(ExchangeIds.ORDER);

		final Set<ConnectionType> typesWithPools = EnumSet.noneOf(ConnectionType.class);

		final HostPatterns hosts;

		final List<String> directHosts;

		Routing(Collection<ProxyPool> pools, Map<String, ? extends Collection<String>> hostPatterns,
				List<String> directHosts) {
			Map<PoolKey, ProxyPool> byKey = new LinkedHashMap<>();
			for (ProxyPool pool : pools) {
				if (byKey.putIfAbsent(pool.key(), pool) != null) {
					throw new IllegalArgumentException("two pools for " + pool.key());
				}
				this.typesWithPools.add(pool.key().type());
			}
			this.pools = Collections.unmodifiableMap(byKey);
			this.hosts = new HostPatterns(hostPatterns, directHosts);
			this.directHosts = List.copyOf(directHosts);
			for (ConnectionType type : ConnectionType.values()) {
				this.defaults.put(type, new Route(null, Optional.ofNullable(byKey.get(PoolKey.ofDefault(type)))));
			}
			List<String> exchangeIds = new ArrayList<>(hostPatterns.keySet());
			byKey.keySet().stream().filter((key) -> !key.isDefault()).map(PoolKey::settings).forEach(exchangeIds::add);
			for (String configured : exchangeIds) {
				int odd = ExchangeIds.oddCharacter(configured);
				if (odd >= 0) {
					throw new IllegalArgumentException("exchange id '" + configured + "' holds '" + configured.charAt(odd)
							+ "': name the exchange with letters, digits, '-', '_' and '.' only");
				}
				String exchange = configured.toLowerCase(Locale.ROOT);
				Map<ConnectionType, Route> known = this.byRule.get(exchange);
				if (known != null) {
					String other = known.get(ConnectionType.HTTP).exchange();
					if (!other.equals(exchange)) {
						throw new IllegalArgumentException("exchange ids '" + other + "' and '" + exchange
								+ "' name one exchange: ids match ignoring case, '-' and '_'");
					}
					continue;
				}
				Map<ConnectionType, Route> routes = new EnumMap<>(ConnectionType.class);
				for (ConnectionType type : ConnectionType.values()) {
					ProxyPool own = byKey.get(new PoolKey(exchange, type));
					routes.put(type, new Route(exchange,
							(own != null) ? Optional.of(own) : this.defaults.get(type).pool()));
				}
				this.exchanges.put(exchange, routes);
				this.byRule.put(exchange, routes);
			}
		}

		Route route(String exchange, ConnectionType type) {
			if (exchange != null) {
				Map<ConnectionType, Route> routes = this.exchanges.get(exchange);
				if (routes == null) {
					routes = this.byRule.get(exchange);
				}
				if (routes != null) {
					return routes.get(type);
				}
			}
			return this.defaults.get(type);
		}

	}

}
