package io.cryptofeed.proxy.autoconfigure;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.PoolsChange;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.core.ReloadStatus;
import io.cryptofeed.proxy.core.SelectionStrategy;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.core.env.Environment;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * Applies the {@code cryptofeed.proxy.*} configuration the environment holds now to the running
 * pools, without a restart. The new configuration is bound and validated in full first; if
 * any rule is broken nothing changes, the running pools keep serving, and the rejection is
 * logged and kept in {@link #status()}. A valid one is reconciled in place: members kept by
 * proxy identity keep their health, breaker, counters and leases. The settings read at start
 * only ({@link StartOnlySettings}: the switches, the external service's client and server)
 * are validated with the rest, and a change to them is logged as waiting for the next start.
 *
 * <p>Spring Cloud's refresh calls this on its own (see {@code ProxyPoolReloadAutoConfiguration});
 * without Spring Cloud, call {@link #reload()} after changing a property source.
 */
public final class ProxyPoolReloader {

	private static final Log logger = LogFactory.getLog(ProxyPoolReloader.class);

	private static final String ENABLED = ProxyProperties.PREFIX + ".enabled";

	private final Environment environment;

	private final ProxyConfigurationCompiler compiler;

	private final SelectionStrategies strategies;

	private final ProxyPools pools;

	private final Targets targets;

	private final Clock clock;

	private final StartOnlySettings startOnly;

	private volatile CompiledProxyConfiguration current;

	private volatile ReloadStatus status = ReloadStatus.NONE;

	/**
	 * @param environment where new configurations are read; the settings read at start only
	 * are taken as it holds them now
	 * @param current the configuration the pools were built from
	 * @param targets the parts besides the pools that take a new configuration
	 */
	public ProxyPoolReloader(Environment environment, ProxyConfigurationCompiler compiler,
			SelectionStrategies strategies, ProxyPools pools, CompiledProxyConfiguration current, Targets targets,
			Clock clock) {
		this(environment, compiler, strategies, pools, current, targets, clock,
				StartOnlySettings.boundAt(environment, new DefaultResourceLoader()));
	}

	/** @param startOnly the settings read at start, as the environment holds them now */
	ProxyPoolReloader(Environment environment, ProxyConfigurationCompiler compiler, SelectionStrategies strategies,
			ProxyPools pools, CompiledProxyConfiguration current, Targets targets, Clock clock,
			StartOnlySettings startOnly) {
		this.environment = environment;
		this.startOnly = startOnly;
		this.compiler = compiler;
		this.strategies = strategies;
		this.pools = pools;
		this.current = current;
		this.targets = targets;
		this.clock = clock;
	}

	/**
	 * Binds, validates and applies the configuration the environment holds now.
	 * @return whether it was applied; {@code false} means rejected, with the reasons in
	 * {@link #status()}
	 */
	public synchronized boolean reload() {
		UnknownProxyProperties unknown = UnknownProxyProperties.in(this.environment);
		unknown.environmentVariables().forEach((variable) -> logger.warn("proxy config reload: " + variable));
		List<String> reasons = new ArrayList<>();
		CompiledProxyConfiguration next = check(reasons, () -> compile(unknown));
		List<String> waiting = check(reasons, () -> this.startOnly.changes(this.environment));
		if (!reasons.isEmpty()) {
			return reject(reasons);
		}
		if (!waiting.isEmpty()) {
			logger.warn("proxy config reload: settings read at start only apply at the next start: changed="
					+ String.join(",", waiting));
		}
		PoolsChange change;
		try {
			Map<String, Deque<SelectionStrategy>> tried = new HashMap<>();
			List<String> refused = refusedMembers(next, tried);
			if (!refused.isEmpty()) {
				return reject(refused);
			}
			// the targets change once every strategy is made: a factory that throws leaves them
			// as they were, never half applied to the requests under way meanwhile
			change = this.pools.reconcile(next.pools(), next.hostPatterns(), next.directHosts(),
					(name) -> triedOrNew(tried, name), () -> this.targets.beforePools(next));
		}
		catch (UnmakeableStrategyException ex) {
			return reject(List.of(ex.reason(next)));
		}
		this.targets.afterPools(next);
		ProxyPoolAutoConfiguration.warnOfIgnoredWeights(next.pools());
		List<String> previousDirectHosts = this.current.directHosts();
		this.current = next;
		this.status = this.status.applied(this.clock.instant());
		logger.info("proxy config reload applied: pools=" + this.pools.pools().size() + " pools_added="
				+ change.addedPools().size() + " pools_removed=" + change.removedPools().size() + " members_added="
				+ change.addedMembers().size() + " members_removed=" + change.removedMembers().size());
		change.addedMembers()
			.forEach((added) -> logger.info("proxy config reload: pool=" + added.pool().key() + " member="
					+ added.pool().nameOf(added.member()) + " change=added"));
		logRemoved(change.removedMembers());
		if (!previousDirectHosts.equals(next.directHosts())) {
			logger.info("proxy config reload: direct hosts=" + next.directHosts());
		}
		return true;
	}

	/** A strategy for a pool: an application's own factory may throw, which rejects the reload. */
	private SelectionStrategy strategy(String name) {
		try {
			return this.strategies.create(name);
		}
		catch (RuntimeException ex) {
			throw new UnmakeableStrategyException(name, ex);
		}
	}

	/** The strategy a pool's members were tried with, so that a factory is asked once per pool. */
	private SelectionStrategy triedOrNew(Map<String, Deque<SelectionStrategy>> tried, String name) {
		Deque<SelectionStrategy> strategies = tried.get(name);
		SelectionStrategy strategy = (strategies != null) ? strategies.poll() : null;
		return (strategy != null) ? strategy : strategy(name);
	}

	/**
	 * Why a pool's strategy, made afresh, refuses the pool's members as a start would build
	 * them: an application's strategy may throw at them (a metadata label it needs is missing),
	 * which would stop a start. Asked before anything changes, since a pool that met it half
	 * way through would keep the members it took without their breakers, and the targets the
	 * settings they took.
	 */
	private List<String> refusedMembers(CompiledProxyConfiguration next, Map<String, Deque<SelectionStrategy>> tried) {
		List<String> reasons = new ArrayList<>();
		Map<PoolKey, ProxyPool> running = this.pools.pools();
		for (PoolSpec spec : next.pools()) {
			try {
				SelectionStrategy strategy = strategy(spec.strategy());
				new ProxyPool(spec, strategy);
				ProxyPool pool = running.get(spec.key());
				if (pool == null || !pool.strategyName().equals(spec.strategy())) {
					// the pools ask for a new strategy where this is so, in this order: they get this one
					tried.computeIfAbsent(spec.strategy(), (name) -> new ArrayDeque<>()).add(strategy);
				}
			}
			catch (UnmakeableStrategyException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				reasons.add(strategyViolation(spec, spec.strategy(), "it refused the pool's members", ex,
						"give the members what the application's strategy '" + spec.strategy()
								+ "' needs, or fix its SelectionStrategy"));
			}
		}
		return reasons;
	}

	/** A strategy's failure, named by its pool's strategy property; the message masked, as it is not ours. */
	private static String strategyViolation(PoolSpec spec, String strategy, String problem, Throwable cause,
			String fix) {
		String property = (spec != null) ? ProxyProperties.PREFIX + "." + spec.key().settingsPath() + ".strategy"
				: ProxyProperties.PREFIX + ".*.strategy";
		return new ConfigurationViolation(property, strategy,
				problem + ": " + cause.getClass().getName() + ": " + ProxyUrls.maskWords(cause.getMessage()), fix)
			.toString();
	}

	/** A line per member that left, per pool in configuration order. */
	private static void logRemoved(List<PoolsChange.Member> removed) {
		Map<ProxyPool, List<PoolMember>> byPool = removed.stream()
			.collect(Collectors.groupingBy(PoolsChange.Member::pool, LinkedHashMap::new,
					Collectors.mapping(PoolsChange.Member::member, Collectors.toList())));
		byPool.forEach((pool, members) -> members.stream()
			.sorted(Comparator.comparingInt(PoolMember::serial))
			.forEach((member) -> logger.info("proxy config reload: pool=" + pool.key() + " member="
					+ pool.nameOf(member) + " change=removed draining=true")));
	}

	/** The step's result, or {@code null} with the reasons it failed added. */
	private <T> T check(List<String> reasons, Supplier<T> step) {
		try {
			return step.get();
		}
		catch (InvalidProxyConfigurationException ex) {
			ex.violations().forEach((violation) -> reasons.add(violation.toString()));
		}
		catch (BindException ex) {
			reasons.add(describe(ex));
		}
		return null;
	}

	/** Every reason at once: the names nothing binds, the values that cannot be read, and the rules broken. */
	private CompiledProxyConfiguration compile(UnknownProxyProperties unknown) {
		ConfigurationViolation off = switchedOff();
		if (off != null) {
			throw new InvalidProxyConfigurationException(List.of(off));
		}
		UnreadableValues bound = UnreadableValues.bind(this.environment);
		List<ConfigurationViolation> earlier = new ArrayList<>(unknown.written());
		earlier.addAll(bound.violations());
		return this.compiler.compile(bound.properties(), earlier);
	}

	/**
	 * Why the main switch no longer reads {@code true}, or {@code null}. Read as text, as Boot
	 * binds a boolean: {@code true} or {@code false} in any case; anything else would throw
	 * a conversion error instead of a reason.
	 */
	private ConfigurationViolation switchedOff() {
		String value = this.environment.getProperty(ENABLED);
		if (ProxyPoolSwitches.isTrue(value)) {
			return null;
		}
		if (value == null || value.equalsIgnoreCase("false")) {
			return new ConfigurationViolation(ENABLED, value, "pools cannot be turned off while running",
					"set it back to true and leave pools empty for direct connections, or restart the application");
		}
		return ProxyPoolSwitches.unreadable(this.environment, List.of(ENABLED)).get(0);
	}

	private boolean reject(List<String> reasons) {
		this.status = this.status.rejected(this.clock.instant(), reasons);
		logger.error("proxy config reload rejected: running pools unchanged, violations=" + reasons.size()
				+ " reasons=\"" + String.join("; ", reasons) + "\"");
		return false;
	}

	/** The property and the target type; never the converter's message, which may quote a password. */
	private String describe(BindException ex) {
		ConfigurationProperty property = ex.getProperty();
		String name = (property != null) ? property.getName().toString() : ex.getName().toString();
		String written = ProxyBindFailureAnalyzer.valueOf(ex, this.environment);
		String value = (written != null) ? " = '" + ProxyBindFailureAnalyzer.shown(written) + "'" : "";
		if (ex.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
			String elements = unbound.getUnboundProperties()
				.stream()
				.map((element) -> element.getName().toString())
				.collect(Collectors.joining(", "));
			Integer missing = ProxyBindFailureAnalyzer.missingIndex(name, unbound, this.environment);
			if (missing != null) {
				return name + ": the list has no element [" + missing + "], and Spring Boot binds a list's elements"
						+ " from [0] up to the first index missing, so " + elements
						+ " were left out (number the elements from [0] without a gap)";
			}
			return name + ": the list is set in more than one place, and Spring Boot takes a list from the source of"
					+ " highest priority only, so " + elements + " came without the rest of it (set the whole list in"
					+ " one place)";
		}
		return name + value + ": cannot be read as "
				+ ProxyBindFailureAnalyzer.simpleName(ex.getTarget().getType().toString());
	}

	/** A strategy's factory threw while the pools took a new configuration. */
	private static final class UnmakeableStrategyException extends RuntimeException {

		private final String strategy;

		UnmakeableStrategyException(String strategy, RuntimeException cause) {
			super(cause);
			this.strategy = strategy;
		}

		/** Named by the first pool that asked for the strategy. */
		String reason(CompiledProxyConfiguration next) {
			PoolSpec first = next.pools()
				.stream()
				.filter((spec) -> spec.strategy().equals(this.strategy))
				.findFirst()
				.orElse(null);
			return strategyViolation(first, this.strategy, "its factory failed to make a strategy", getCause(),
					"fix the application's SelectionStrategyFactory '" + this.strategy + "', or use another strategy");
		}

	}

	/** The configuration the pools run on now. */
	public CompiledProxyConfiguration current() {
		return this.current;
	}

	public ReloadStatus status() {
		return this.status;
	}

	/** What else follows a new configuration: transport, breakers, health checks and exchange limits, where present. */
	public record Targets(ProxyPoolHttpClients transport, MemberCircuitBreakers breakers, HealthChecker health,
			RateLimits rateLimits) {

		/** Settings that members joining in this reload must already see. */
		void beforePools(CompiledProxyConfiguration next) {
			if (this.transport != null) {
				this.transport.update(next.transport());
			}
			if (this.breakers != null) {
				this.breakers.reconfigure(next.breaker());
			}
			if (this.rateLimits != null) {
				this.rateLimits.reconfigure(next.rateLimits());
			}
		}

		/** Health checks follow the members the pools hold after the reload. */
		void afterPools(CompiledProxyConfiguration next) {
			if (this.health != null) {
				this.health.reconcile(next.healthChecks(), next.maxConcurrentHealthChecks());
			}
		}

	}

}
