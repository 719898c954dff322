package io.cryptofeed.proxy.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cryptofeed.proxy.autoconfigure.ProxyProperties.Connection;
import io.cryptofeed.proxy.autoconfigure.ProxyProperties.ExchangeSettings;
import io.cryptofeed.proxy.autoconfigure.ProxyProperties.HealthCheck;
import io.cryptofeed.proxy.autoconfigure.ProxyProperties.Member;
import io.cryptofeed.proxy.autoconfigure.ProxyProperties.Settings;
import io.cryptofeed.proxy.breaker.BreakerSettings;
import io.cryptofeed.proxy.core.AddressRange;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.ExchangeIds;
import io.cryptofeed.proxy.core.HostNames;
import io.cryptofeed.proxy.core.InvalidProxyUrlException;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.health.HealthCheckSettings;
import io.cryptofeed.proxy.netty.ProxyTls;
import io.cryptofeed.proxy.netty.TransportSettings;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.unit.DataSize;

/**
 * Checks bound {@link ProxyProperties} against every rule and turns them into immutable pool
 * specs. All violations are collected, so one start-up reports every mistake at once.
 */
public final class ProxyConfigurationCompiler {

	private static final Log logger = LogFactory.getLog(ProxyConfigurationCompiler.class);

	/** An exact host or a '*.' wildcard; no empty label ({@code api..binance.com} would match no host). */
	private static final Pattern HOST_PATTERN = Pattern
		.compile("(?!.*\\.\\.)(\\*\\.)?[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\\.?");

	/** A placeholder's name, without its default: {@code ${PING_KEY}} or {@code ${ping.key:x}}. */
	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)");

	private static final Pattern STATUS_RANGE = Pattern.compile("\\d{3}(-\\d{3})?");

	/** A decimal number and an optional percent sign: what Double.parseDouble reads besides (10d, 1e1, NaN) is refused. */
	private static final Pattern JITTER = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(%)?");

	private final SelectionStrategies strategies;

	private final SslBundles sslBundles;

	/** A compiler for an application without SSL bundles: {@code proxy-tls.bundle} cannot be set. */
	public ProxyConfigurationCompiler(SelectionStrategies strategies) {
		this(strategies, null);
	}

	/** @param sslBundles where {@code proxy-tls.bundle} is looked up, or {@code null} */
	public ProxyConfigurationCompiler(SelectionStrategies strategies, SslBundles sslBundles) {
		this.strategies = strategies;
		this.sslBundles = sslBundles;
	}

	/**
	 * The pools and host patterns the properties describe.
	 * @throws InvalidProxyConfigurationException listing every rule broken
	 */
	public CompiledProxyConfiguration compile(ProxyProperties properties) {
		return compile(properties, List.of());
	}

	/**
	 * The pools and host patterns the properties describe.
	 * @param earlier violations found before binding (names that no property binds), reported
	 * with the rest
	 * @throws InvalidProxyConfigurationException listing every rule broken
	 */
	public CompiledProxyConfiguration compile(ProxyProperties properties, List<ConfigurationViolation> earlier) {
		Violations violations = new Violations();
		violations.list.addAll(earlier);
		List<PoolSpec> pools = new ArrayList<>();
		Map<PoolKey, HealthCheckSettings> healthChecks = new LinkedHashMap<>();
		Map<String, List<String>> hosts = new LinkedHashMap<>();
		String prefix = ProxyProperties.PREFIX;
		ProxyTls proxyTls = ProxyTlsCompiler.compile(properties.getProxyTls(), this.sslBundles, violations);
		// logged once the whole configuration compiled: a failed one shapes no pool
		List<String> notes = new ArrayList<>();
		compileSettings(PoolKey.DEFAULT, prefix + ".default", properties.getDefault(), null, proxyTls, pools,
				healthChecks, notes, violations);
		Map<String, String> exchangeIds = new HashMap<>();
		Map<String, String> patternOwners = new HashMap<>();
		VariableSpellings variableSpellings = new VariableSpellings(properties.getExchanges());
		properties.getExchanges().forEach((id, exchange) -> {
			String path = prefix + "." + PoolKey.exchangePath(id);
			String normalized = id.strip().toLowerCase(Locale.ROOT);
			// ids match ignoring '-' and '_': one of only those would be what a request naming "" gets
			if (ExchangeIds.fold(normalized).isEmpty()) {
				violations.add(prefix + ".exchanges", id, "an exchange id is empty",
						"name the exchange, e.g. cryptofeed.proxy.exchanges.binance");
				return;
			}
			int odd = ExchangeIds.oddCharacter(normalized);
			if (odd >= 0) {
				violations.add(path, null, "the exchange id holds '" + normalized.charAt(odd) + "'",
						"name the exchange with letters, digits, '-', '_' and '.' only: the id is a path segment of"
								+ " the proxypool endpoint and a word of the logs (pool=<id>/<type>)");
				return;
			}
			if (variableSpellings.spellsAnother(normalized, exchange)) {
				// an environment variable's spelling (COINBASEPRO) of an id written with a dash
				return;
			}
			if (ExchangeIds.same(normalized, PoolKey.DEFAULT)) {
				// however spelt: a request or an operator naming default would get this block
				violations.add(path, null, "'default' is not an exchange id",
						"put settings for every exchange under cryptofeed.proxy.default");
				return;
			}
			// requests name an exchange by the rule of ExchangeIds: one id per exchange
			String clash = exchangeIds.putIfAbsent(ExchangeIds.fold(normalized), id);
			if (clash != null) {
				// Spring binds each spelling with the values of every spelling: the same values are
				// one exchange written in two cases in two sources (Binance in YAML, BINANCE in a variable)
				if (BoundValues.same(properties.getExchanges().get(clash), exchange)) {
					return;
				}
				violations.add(path, null,
						prefix + "." + PoolKey.exchangePath(clash)
								+ " names this exchange too: exchange ids match ignoring case, '-' and '_'",
						"merge the two blocks into one, under one spelling of the id");
				return;
			}
			List<String> patterns = compileHosts(normalized, path, exchange, patternOwners, violations);
			hosts.put(normalized, patterns);
			compileSettings(normalized, path, exchange, properties.getDefault(), proxyTls, pools, healthChecks, notes,
					violations);
		});
		List<String> directHosts = compileDirectHosts(properties.getDirectHosts(), patternOwners, violations);
		atLeastOne(prefix + ".max-concurrent-health-checks", properties.getMaxConcurrentHealthChecks(), violations);
		TransportSettings transport = transport(properties, proxyTls, violations);
		BreakerSettings breaker = breaker(properties.getCircuitBreaker(), violations);
		RateLimitPolicies rateLimits = RateLimitCompiler.compile(properties, violations);
		violations.throwIfAny();
		notes.forEach(logger::info);
		return new CompiledProxyConfiguration(pools, hosts, directHosts, transport, breaker, healthChecks,
				properties.getMaxConcurrentHealthChecks(), rateLimits);
	}

	/** The settings, or {@code null} when a value is invalid: the record refuses it, and its violation says why. */
	private TransportSettings transport(ProxyProperties properties, ProxyTls proxyTls, Violations violations) {
		String prefix = ProxyProperties.PREFIX;
		int found = violations.count();
		// Netty takes the connect timeout as an int of milliseconds, where 0 means none at all
		Duration connectTimeout = properties.getConnectTimeout();
		milliseconds(prefix + ".connect-timeout", connectTimeout, "1s", violations);
		milliseconds(prefix + ".handshake-timeout", properties.getHandshakeTimeout(), "1s", violations);
		milliseconds(prefix + ".tls-handshake-timeout", properties.getTlsHandshakeTimeout(), "2s", violations);
		int maxAttempts = properties.getFailover().getMaxAttempts();
		if (maxAttempts < 1) {
			violations.add(prefix + ".failover.max-attempts", String.valueOf(maxAttempts),
					"a connection needs at least one attempt", "set 1 (no failover) or more");
		}
		Duration quietTimeout = properties.getFailover().getQuietTimeout();
		millisecondsOrZero(prefix + ".failover.quiet-timeout", quietTimeout, "10s",
				"to leave quiet sessions and requests alone", violations);
		TransportSettings.ConnectionPoolSettings connectionPool = connectionPool(properties.getConnectionPool(),
				violations);
		TransportSettings.WebSocketClientSettings webSocketClient = webSocketClient(properties.getWebsocketClient(),
				violations);
		if (violations.count() > found) {
			return null;
		}
		return new TransportSettings(properties.getConnectTimeout(), properties.getHandshakeTimeout(),
				properties.getTlsHandshakeTimeout(), maxAttempts, properties.getFailover().isRetryIdempotent(),
				quietTimeout, connectionPool, webSocketClient, proxyTls);
	}

	private static TransportSettings.WebSocketClientSettings webSocketClient(ProxyProperties.WebsocketClient client,
			Violations violations) {
		int found = violations.count();
		int maxFramePayloadLength = maxFramePayloadLength(client.getMaxFramePayloadLength(), violations);
		Duration directHandshakeTimeout = client.getDirectHandshakeTimeout();
		millisecondsOrZero(ProxyProperties.PREFIX + ".websocket-client.direct-handshake-timeout",
				directHandshakeTimeout, "30s", "to let a direct handshake wait for ever", violations);
		if (violations.count() > found) {
			return null;
		}
		return new TransportSettings.WebSocketClientSettings(maxFramePayloadLength, client.isCompress(),
				directHandshakeTimeout);
	}

	/** Netty takes the frame limit as an int of bytes. */
	private static int maxFramePayloadLength(DataSize size, Violations violations) {
		String path = ProxyProperties.PREFIX + ".websocket-client.max-frame-payload-length";
		if (size == null || size.toBytes() < 1 || size.toBytes() > Integer.MAX_VALUE) {
			violations.add(path, String.valueOf(size), "the size must be at least 1B and below 2GB",
					"set a size such as 64KB or 8MB");
			return TransportSettings.WebSocketClientSettings.DEFAULTS.maxFramePayloadLength();
		}
		return (int) size.toBytes();
	}

	private static TransportSettings.ConnectionPoolSettings connectionPool(ProxyProperties.ConnectionPool pool,
			Violations violations) {
		String path = ProxyProperties.PREFIX + ".connection-pool";
		int found = violations.count();
		atLeastOne(path + ".max-connections", pool.getMaxConnections(), violations);
		positive(path + ".max-idle-time", pool.getMaxIdleTime(), "30s", violations);
		if (violations.count() > found) {
			return null;
		}
		return new TransportSettings.ConnectionPoolSettings(pool.getMaxConnections(), pool.getMaxIdleTime());
	}

	/** The settings, or {@code null} when a value is invalid: the record refuses it, and its violation says why. */
	private BreakerSettings breaker(ProxyProperties.CircuitBreaker breaker, Violations violations) {
		String path = ProxyProperties.PREFIX + ".circuit-breaker";
		int found = violations.count();
		if (breaker.getFailureRateThreshold() < 1 || breaker.getFailureRateThreshold() > 100) {
			violations.add(path + ".failure-rate-threshold", String.valueOf(breaker.getFailureRateThreshold()),
					"not a percentage from 1 to 100", "set e.g. 50");
		}
		outcomes(path + ".sliding-window-size", breaker.getSlidingWindowSize(), "e.g. 10", violations);
		atLeastOne(path + ".minimum-number-of-calls", breaker.getMinimumNumberOfCalls(), violations);
		int minimumNumberOfCalls = breaker.getMinimumNumberOfCalls();
		if (!breaker.minimumNumberOfCallsWasSet() && breaker.getSlidingWindowSize() >= 1) {
			// the default follows a smaller window: nobody asked for more outcomes than it holds
			minimumNumberOfCalls = Math.min(minimumNumberOfCalls, breaker.getSlidingWindowSize());
		}
		if (breaker.getSlidingWindowSize() >= 1 && minimumNumberOfCalls > breaker.getSlidingWindowSize()) {
			// Resilience4j would judge after a full window without a word, however many calls were asked for
			violations.add(path + ".minimum-number-of-calls", String.valueOf(breaker.getMinimumNumberOfCalls()),
					"more than sliding-window-size (" + breaker.getSlidingWindowSize()
							+ ") remembers: the failure rate would be judged after " + breaker.getSlidingWindowSize()
							+ " outcomes",
					"lower it to sliding-window-size or less, or raise sliding-window-size");
		}
		outcomes(path + ".permitted-calls-in-half-open-state", breaker.getPermittedCallsInHalfOpenState(), "e.g. 2",
				violations);
		// Resilience4j refuses less than a millisecond, and only once a breaker is built: after a reload has begun
		milliseconds(path + ".wait-duration-in-open-state", breaker.getWaitDurationInOpenState(), "30s", violations);
		if (violations.count() > found) {
			return null;
		}
		return new BreakerSettings(breaker.getFailureRateThreshold(), breaker.getSlidingWindowSize(),
				minimumNumberOfCalls, breaker.getWaitDurationInOpenState(),
				breaker.getPermittedCallsInHalfOpenState());
	}

	/** A count of outcomes a breaker keeps a slot for each of (see {@link BreakerSettings#MAX_OUTCOMES}). */
	private static void outcomes(String property, int value, String example, Violations violations) {
		if (value < 1 || value > BreakerSettings.MAX_OUTCOMES) {
			violations.add(property, String.valueOf(value), "not a number from 1 to " + BreakerSettings.MAX_OUTCOMES,
					"set " + example + "; Resilience4j keeps a slot for each outcome, per member");
		}
	}

	private static void positive(String property, Duration value, String example, Violations violations) {
		if (value == null || value.isZero() || value.isNegative()) {
			violations.add(property, Durations.format(value), "the duration must be positive",
					"set a duration such as " + example + " (a bare number means seconds)");
		}
	}

	/** A positive timer's duration (see {@link Durations#timerProblem}). */
	private static void milliseconds(String property, Duration value, String example, Violations violations) {
		positive(property, value, example, violations);
		if (value == null || value.isNegative() || value.isZero()) {
			return;
		}
		String problem = Durations.timerProblem(value);
		if (problem != null) {
			violations.add(property, Durations.format(value), "the duration " + problem,
					"set a duration such as " + example + " (a bare number means seconds)");
		}
	}

	/** A timeout that 0 turns off: otherwise as {@link #milliseconds}. */
	private static void millisecondsOrZero(String property, Duration value, String example, String zeroDoes,
			Violations violations) {
		if (value == null || value.isNegative()) {
			violations.add(property, Durations.format(value), "the duration must not be negative",
					"set a duration such as " + example + " (a bare number means seconds), or 0 " + zeroDoes);
		}
		else if (!value.isZero()) {
			milliseconds(property, value, example, violations);
		}
	}

	private static void atLeastOne(String property, int value, Violations violations) {
		if (value < 1) {
			violations.add(property, String.valueOf(value), "must be at least 1", "set 1 or more");
		}
	}

	private List<String> compileHosts(String exchange, String path, ExchangeSettings settings,
			Map<String, String> patternOwners, Violations violations) {
		List<String> patterns = new ArrayList<>();
		List<String> configured = settings.getHosts();
		for (int i = 0; i < configured.size(); i++) {
			String pattern = configured.get(i);
			String property = path + ".hosts[" + i + "]";
			if (pattern == null || pattern.isBlank()) {
				violations.add(property, pattern, "a host pattern is empty",
						"write a host such as api.binance.com or a wildcard such as *.binance.com, or remove the entry");
				continue;
			}
			// an internationalized name is kept in its ASCII form, as requests and DNS have it
			String normalized = HostNames.ascii(pattern.strip().toLowerCase(Locale.ROOT));
			if (normalized == null || !HOST_PATTERN.matcher(normalized).matches()) {
				// masked: a proxy URL pasted here by mistake brings its password
				violations.add(property, ProxyBindFailureAnalyzer.shown(pattern), "not a host name or '*.' wildcard",
						"write an exact host (binance.com) or a leading wildcard for subdomains (*.binance.com)");
				continue;
			}
			ConfigurationViolation tooLong = hostTooLong(property, ProxyBindFailureAnalyzer.shown(pattern), normalized);
			if (tooLong != null) {
				violations.add(tooLong);
				continue;
			}
			String owner = patternOwners.putIfAbsent(patternKey(normalized), exchange);
			if (owner != null && !owner.equals(exchange)) {
				violations.add(property, pattern, "the pattern is already claimed by exchange '" + owner + "'",
						"give each host pattern to one exchange only");
				continue;
			}
			patterns.add(normalized);
		}
		return patterns;
	}

	/**
	 * A host name or pattern longer than DNS carries, refused as a proxy's host is: no lookup
	 * could answer it, nor a request's host match it.
	 * @param shown the value as the report may show it
	 * @return the violation, or {@code null} when the name fits
	 */
	static ConfigurationViolation hostTooLong(String property, String shown, String host) {
		try {
			HostNames.checkLength(host);
			return null;
		}
		catch (InvalidProxyUrlException ex) {
			return new ConfigurationViolation(property, shown, ex.getMessage(), ex.fix());
		}
	}

	/** A trailing dot names the same host: HostPatterns matches without it. */
	private static String patternKey(String normalized) {
		return normalized.endsWith(".") ? normalized.substring(0, normalized.length() - 1) : normalized;
	}

	/**
	 * Host patterns as an exchange's {@code hosts} has them, or address ranges; a pattern that
	 * an exchange claims cannot be direct too.
	 */
	private static List<String> compileDirectHosts(List<String> configured, Map<String, String> patternOwners,
			Violations violations) {
		List<String> directHosts = new ArrayList<>();
		for (int i = 0; i < configured.size(); i++) {
			String entry = configured.get(i);
			String property = ProxyProperties.PREFIX + ".direct-hosts[" + i + "]";
			if (entry == null || entry.isBlank()) {
				violations.add(property, entry, "a direct host is empty", "write a host such as risk.internal, a"
						+ " wildcard such as *.internal or an address range such as 10.0.0.0/8, or remove the entry");
				continue;
			}
			String normalized = entry.strip().toLowerCase(Locale.ROOT);
			if (AddressRange.looksLikeRange(normalized)) {
				try {
					AddressRange.parse(normalized);
					directHosts.add(normalized);
				}
				catch (IllegalArgumentException ex) {
					// masked: a proxy URL pasted here by mistake brings its password
					violations.add(property, ProxyBindFailureAnalyzer.shown(entry),
							"not an address range: " + ProxyUrls.maskWords(ex.getMessage()),
							"write an IP address and a prefix length, such as 10.0.0.0/8 or fd00::/8");
				}
				continue;
			}
			normalized = HostNames.ascii(normalized);
			if (normalized == null || !HOST_PATTERN.matcher(normalized).matches()) {
				violations.add(property, ProxyBindFailureAnalyzer.shown(entry),
						"not a host name, '*.' wildcard or address range", "write an exact"
						+ " host (risk.internal), a leading wildcard for subdomains (*.internal) or a range (10.0.0.0/8)");
				continue;
			}
			ConfigurationViolation tooLong = hostTooLong(property, ProxyBindFailureAnalyzer.shown(entry), normalized);
			if (tooLong != null) {
				violations.add(tooLong);
				continue;
			}
			String owner = patternOwners.get(patternKey(normalized));
			if (owner != null) {
				violations.add(property, entry, "the pattern is claimed by exchange '" + owner + "'",
						"a host either belongs to an exchange or is reached directly: remove it from one of the two");
				continue;
			}
			directHosts.add(normalized);
		}
		return directHosts;
	}

	/** @param defaults the default block, or {@code null} when {@code settings} is it */
	private void compileSettings(String settingsName, String path, Settings settings, Settings defaults,
			ProxyTls proxyTls, List<PoolSpec> pools, Map<PoolKey, HealthCheckSettings> healthChecks,
			List<String> notes, Violations violations) {
		compileConnection(new PoolKey(settingsName, ConnectionType.HTTP), path + ".http", settings.getHttp(),
				(defaults != null) ? defaults.getHttp() : null, proxyTls, pools, healthChecks, notes, violations);
		compileConnection(new PoolKey(settingsName, ConnectionType.WEBSOCKET), path + ".websocket",
				settings.getWebsocket(), (defaults != null) ? defaults.getWebsocket() : null, proxyTls, pools,
				healthChecks, notes, violations);
	}

	/**
	 * @param defaults the default block's connection block of this type, or {@code null} when
	 * {@code connection} is it
	 * @param proxyTls what the pool's health checks speak to its {@code https} members
	 * @param notes where the INFO lines about the block go, logged once everything compiled
	 */
	private void compileConnection(PoolKey key, String path, Connection connection, Connection defaults,
			ProxyTls proxyTls, List<PoolSpec> pools, Map<PoolKey, HealthCheckSettings> healthChecks,
			List<String> notes, Violations violations) {
		Duration timeout = timeout(path, connection, violations);
		String strategy = connection.getStrategy();
		if (strategy == null || this.strategies.find(strategy).isEmpty()) {
			violations.add(path + ".strategy", strategy, "unknown selection strategy",
					"use one of " + String.join(", ", this.strategies.names()));
		}
		checkHealthCheck(path + ".health-check", connection.getHealthCheck(), violations);
		List<MemberSpec> members = members(path, connection.getPool(), violations);
		ProxyEndpoint single = null;
		boolean hasUrl = connection.getUrl() != null && !connection.getUrl().isBlank();
		if (hasUrl) {
			single = endpoint(path + ".url", connection.getUrl(), violations);
		}
		// a url left empty (a placeholder nothing sets: ${BINANCE_PROXY:}) keeps the settings
		// for when it is set, as a pool whose members are all disabled does. A warning, not a
		// violation: a profile that brings the pool (application-prod.yml) leaves the settings of
		// the shared file without one elsewhere, and that must still start
		if (!key.isDefault() && connection.getUrl() == null && connection.getPool().isEmpty()) {
			// the default block was compiled first: its pool of this type, if any, is in pools
			PoolKey fallback = new PoolKey(PoolKey.DEFAULT, key.type());
			boolean defaultPool = pools.stream().anyMatch((pool) -> pool.key().equals(fallback));
			String type = key.type().id();
			String consequence = defaultPool ? "the block has no url or pool of its own, so exchange '" + key.settings()
					+ "' connects through the default block's proxies, with the default block's settings; give this"
					+ " block a url or pool of its own, or set it under " + ProxyProperties.PREFIX + ".default." + type
					: "neither this block nor the default block has a url or pool for " + type + ", so exchange '"
							+ key.settings() + "' has no " + type + " pool; give this block a url or pool of its own,"
							+ " or remove the setting";
			Map<String, String> unreached = new LinkedHashMap<>(OwnProxySettings.setIn(connection));
			if (!defaultPool) {
				// a budget counts the uses of members: without any, the exchange connects directly
				unreached.putAll(budgetSetIn(connection));
			}
			unreached.forEach((setting, value) -> logger
				.warn("proxy config: " + path + "." + setting + "=" + value + " applies to nothing: " + consequence));
		}
		if (violations.any()) {
			return;
		}
		boolean pooled = members.stream().anyMatch(MemberSpec::enabled);
		// one spelling per strategy, so a reload can tell whether the strategy changed
		String strategyName = SelectionStrategies.canonicalName(strategy);
		if (pooled) {
			pools.add(new PoolSpec(key, PoolSpec.Origin.POOL, members, strategyName, timeout));
		}
		else if (single != null) {
			pools.add(new PoolSpec(key, PoolSpec.Origin.URL, List.of(MemberSpec.of(single)), strategyName, timeout));
		}
		if ((pooled || single != null) && connection.getHealthCheck().isEnabled()) {
			healthChecks.put(key, healthCheck(connection.getHealthCheck(), proxyTls));
		}
		if (defaults != null && (pooled || single != null)) {
			keptBuiltIn(path, OwnProxySettings.keptBuiltIn(connection, defaults, !pooled), pooled, notes);
		}
	}

	/**
	 * An INFO, not a WARN: the documented rule (an exchange's pool takes none of the default
	 * block's settings), which an operator may mean; it names what the rule gives the pool where
	 * the default block sets otherwise, and how to take the default block's values.
	 */
	private static void keptBuiltIn(String path, List<OwnProxySettings.Kept> kept, boolean pooled,
			List<String> notes) {
		if (kept.isEmpty()) {
			return;
		}
		String used = String.join(", ",
				kept.stream().map((setting) -> setting.name() + "=" + setting.used()).toList());
		String defaults = String.join(", ", kept.stream().map(OwnProxySettings.Kept::defaults).toList());
		String fix = (kept.size() == 1) ? "set it in " + path + " to use that"
				: "set them in " + path + " to use those";
		// each line whole, as the pages quote it
		if (pooled) {
			notes.add("proxy config: " + path + " has a pool of its own and uses " + used + " (the default block sets "
					+ defaults + "); " + fix);
		}
		else {
			notes.add("proxy config: " + path + " has a url of its own and uses " + used + " (the default block sets "
					+ defaults + "); " + fix);
		}
	}

	/** The block's budget values that are set, by name under the block. */
	private static Map<String, String> budgetSetIn(Connection connection) {
		ProxyProperties.Budget budget = connection.getBudget();
		Map<String, String> set = new LinkedHashMap<>();
		if (budget.getMaxRequests() != null) {
			set.put("budget.max-requests", budget.getMaxRequests().toString());
		}
		if (budget.getMaxConnects() != null) {
			set.put("budget.max-connects", budget.getMaxConnects().toString());
		}
		if (budget.getWindow() != null) {
			set.put("budget.window", Durations.format(budget.getWindow()));
		}
		return set;
	}

	private static HealthCheckSettings healthCheck(HealthCheck check, ProxyTls proxyTls) {
		URI url = (check.getUrl() != null && !check.getUrl().isBlank()) ? URI.create(check.getUrl().strip()) : null;
		return new HealthCheckSettings(check.getMethod(), check.getInterval(), check.getTimeout(), check.getRetryCount(),
				check.getUnhealthyThreshold(), check.getHealthyThreshold(), parseJitterPercent(check.getJitter()) / 100,
				url, statusPredicate(check.getExpectedStatus()), proxyTls);
	}

	/** A predicate for validated ranges such as {@code 200-299,204}. */
	static IntPredicate statusPredicate(String ranges) {
		IntPredicate predicate = (status) -> false;
		for (String range : ranges.split(",")) {
			String[] bounds = range.strip().split("-");
			int low = Integer.parseInt(bounds[0]);
			int high = Integer.parseInt(bounds[bounds.length - 1]);
			predicate = predicate.or((status) -> status >= low && status <= high);
		}
		return predicate;
	}

	private Duration timeout(String path, Connection connection, Violations violations) {
		Duration timeout = connection.getTimeout();
		Integer seconds = connection.getTimeoutSeconds();
		if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
			violations.add(path + ".timeout", Durations.format(timeout), "the timeout must be positive",
					"set a duration such as 30s (a bare number means seconds)");
		}
		else if (timeout != null && Durations.timerProblem(timeout) != null) {
			// beyond about 292 years its nanoseconds overflow on each request: a huge value for "none" hung requests
			violations.add(path + ".timeout", Durations.format(timeout), "the duration " + Durations.timerProblem(timeout),
					"set a duration such as 30s (a bare number means seconds)");
		}
		if (seconds != null && seconds <= 0) {
			violations.add(path + ".timeout-seconds", seconds.toString(), "the timeout must be positive",
					"set a number of seconds such as 30, or use 'timeout: 30s'");
		}
		else if (seconds != null && Durations.timerProblem(Duration.ofSeconds(seconds)) != null) {
			violations.add(path + ".timeout-seconds", seconds.toString(),
					"the duration " + Durations.timerProblem(Duration.ofSeconds(seconds)),
					"set a number of seconds such as 30, or use 'timeout: 30s'");
		}
		if (timeout != null && seconds != null && !timeout.equals(Duration.ofSeconds(seconds))) {
			violations.add(path + ".timeout-seconds", seconds.toString(),
					"contradicts " + path + ".timeout = " + Durations.format(timeout), "keep only 'timeout'");
		}
		return timeoutOf(connection);
	}

	/** The timeout the block's pool uses: {@code timeout}, else {@code timeout-seconds}, else the built-in one. */
	static Duration timeoutOf(Connection connection) {
		if (connection.getTimeout() != null) {
			return connection.getTimeout();
		}
		Integer seconds = connection.getTimeoutSeconds();
		return (seconds != null) ? Duration.ofSeconds(seconds) : PoolSpec.DEFAULT_TIMEOUT;
	}

	private List<MemberSpec> members(String path, List<Member> pool, Violations violations) {
		List<MemberSpec> members = new ArrayList<>();
		Map<ProxyEndpoint.Identity, Integer> seen = new HashMap<>();
		for (int i = 0; i < pool.size(); i++) {
			Member member = pool.get(i);
			String memberPath = path + ".pool[" + i + "]";
			if (member == null) {
				violations.add(memberPath, null, "the pool entry is empty", "give the entry a url, or remove it");
				continue;
			}
			Integer weight = member.getWeight();
			boolean weightValid = weight != null && weight >= 1;
			if (!weightValid) {
				violations.add(memberPath + ".weight", String.valueOf(weight), "the weight must be at least 1",
						"set a whole number of 1 or more (relative share under the weighted strategy)");
			}
			if (member.getUrl() == null || member.getUrl().isBlank()) {
				violations.add(memberPath + ".url", null, "the pool member has no url",
						"set url: scheme://host:port, e.g. socks5://10.0.0.6:1080, or remove the entry"
								+ " (a stray '-' in YAML is a member with nothing set)");
				continue;
			}
			ProxyEndpoint endpoint = endpoint(memberPath + ".url", member.getUrl(), violations);
			if (endpoint == null) {
				continue;
			}
			Integer first = seen.putIfAbsent(endpoint.identity(), i);
			if (first != null) {
				violations.add(memberPath + ".url", ProxyUrls.mask(member.getUrl()),
						"the same proxy is already member pool[" + first + "]",
						"remove the duplicate, or raise the first one's weight");
				continue;
			}
			List<ConfigurationViolation> labels = MetadataLabels.violations(memberPath + ".metadata",
					member.getMetadata());
			violations.list.addAll(labels);
			if (weightValid && labels.isEmpty()) {
				members.add(new MemberSpec(endpoint, weight, member.isEnabled(), member.getMetadata()));
			}
		}
		return members;
	}

	private ProxyEndpoint endpoint(String property, String url, Violations violations) {
		if (holdsPlaceholder(url)) {
			// Spring binds a placeholder nothing defines as written: the proxy would be sent
			// "${PROXY_PASSWORD}" as the password, and refuse every connect
			violations.add(property, ProxyUrls.mask(url), "the value holds a ${...} placeholder that nothing resolved",
					"set the environment variable or property the placeholder names, or give it a default"
							+ " (${NAME:value}); a $ meant literally in a password is written %24");
			return null;
		}
		try {
			return ProxyEndpoint.parse(url);
		}
		catch (InvalidProxyUrlException ex) {
			violations.add(property, ProxyUrls.mask(url), ex.getMessage(), ex.fix());
			return null;
		}
	}

	/** The names of the placeholders in a value, which are no secret: {@code ${PING_KEY}}. */
	private static String placeholders(String value) {
		List<String> names = new ArrayList<>();
		Matcher placeholder = PLACEHOLDER.matcher(value);
		while (placeholder.find()) {
			names.add("${" + placeholder.group(1) + "}");
		}
		return String.join(", ", names);
	}

	private static boolean holdsPlaceholder(String value) {
		int start = value.indexOf("${");
		return start >= 0 && value.indexOf('}', start + 2) > start + 2;
	}

	private void checkHealthCheck(String path, HealthCheck check, Violations violations) {
		Duration interval = check.getInterval();
		Duration timeout = check.getTimeout();
		// the checker counts in nanoseconds: far beyond 24 days (292 years) the count overflows
		String intervalProblem = (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0)
				? "must be at least 1 second" : Durations.timerProblem(interval);
		boolean intervalValid = intervalProblem == null;
		if (!intervalValid) {
			violations.add(path + ".interval", Durations.format(interval), "the interval " + intervalProblem,
					"set a duration such as 30s");
		}
		if (timeout == null || timeout.isZero() || timeout.isNegative()) {
			// the default 5s would be no fix beside an interval of 5s or less: it must be shorter
			Duration suggested = (intervalValid && interval.compareTo(Duration.ofSeconds(5)) <= 0)
					? interval.dividedBy(2) : Duration.ofSeconds(5);
			violations.add(path + ".timeout", Durations.format(timeout), "the timeout must be positive",
					"set a duration such as " + Durations.format(suggested));
		}
		else if (intervalValid && timeout.compareTo(interval) >= 0) {
			// against an interval reported above, "lower the timeout" would be no fix: its own fix
			// comes first (the 30s it suggests is above every usual timeout)
			violations.add(path + ".timeout", Durations.format(timeout),
					"the timeout must be shorter than the interval (" + Durations.format(interval) + ")",
					"lower the timeout or raise the interval");
		}
		if (check.getRetryCount() < 1) {
			violations.add(path + ".retry-count", String.valueOf(check.getRetryCount()),
					"a check needs at least one attempt", "set 1 or more");
		}
		if (check.getUnhealthyThreshold() < 1) {
			violations.add(path + ".unhealthy-threshold", String.valueOf(check.getUnhealthyThreshold()),
					"the threshold must be at least 1", "set 1 or more consecutive failed checks");
		}
		if (check.getHealthyThreshold() < 1) {
			violations.add(path + ".healthy-threshold", String.valueOf(check.getHealthyThreshold()),
					"the threshold must be at least 1", "set 1 or more consecutive passed checks");
		}
		Matcher jitter = jitterMatch(check.getJitter());
		if (jitter != null && isBareNumberOtherThanZero(jitter)) {
			violations.add(path + ".jitter", check.getJitter(),
					"a number without % is ambiguous: 0.1 may mean a tenth of the interval or 0.1% of it",
					"write it with %, e.g. 10% for a tenth of the interval (0 alone turns jitter off)");
		}
		else if (parseJitterPercent(check.getJitter()) < 0) {
			violations.add(path + ".jitter", check.getJitter(), "not a percentage from 0% to 50%",
					"write e.g. 10%");
		}
		if (check.getMethod() == HealthCheckSettings.Method.HTTP
				&& (check.getUrl() == null || check.getUrl().isBlank())) {
			violations.add(path + ".url", null, "the http method needs a URL to request through the proxy",
					"set health-check.url, e.g. the exchange's ping endpoint, or use method: tcp");
		}
		if (check.getUrl() != null && holdsPlaceholder(check.getUrl())) {
			// else reported as not an http URL, shown as one without the query that held the placeholder
			violations.add(path + ".url", ProxyUrls.withoutSecrets(check.getUrl()),
					"the value holds a ${...} placeholder that nothing resolved: " + placeholders(check.getUrl()),
					"set the environment variable or property the placeholder names, or give it a default"
							+ " (${NAME:value})");
		}
		else if (check.getUrl() != null && !check.getUrl().isBlank() && !isHttpUrlWithHost(check.getUrl())) {
			// shown as the probe would show it: a query or fragment may hold a key
			violations.add(path + ".url", ProxyUrls.withoutSecrets(check.getUrl()), "not an http or https URL",
					"write e.g. https://api.binance.com/api/v3/ping, with a host name and %-encoded special characters");
		}
		else if (check.getUrl() != null && !check.getUrl().isBlank()
				&& passwordCutShort(URI.create(check.getUrl().strip()))) {
			// the check would go to the user name's "host" and the password's digits as port
			violations.add(path + ".url", ProxyUrls.withoutSecrets(check.getUrl()),
					"its user info holds a '/', '?' or '#' that is not %-encoded, so Java reads part of it as host"
							+ " and port",
					"leave the user info out (the check does not send it), or %-encode those characters"
							+ " (%2F, %3F, %23)");
		}
		else if (check.getUrl() != null && !check.getUrl().isBlank()
				&& !hasPortInRange(URI.create(check.getUrl().strip()))) {
			// URI takes any number as the port: every check would fail, and take the members out
			violations.add(path + ".url", ProxyUrls.withoutSecrets(check.getUrl()),
					"the port " + URI.create(check.getUrl().strip()).getPort() + " is out of range (1 to 65535)",
					"write the exchange's port, or leave it out for the scheme's own");
		}
		else if (check.getUrl() != null && !check.getUrl().isBlank()) {
			// every check would fail, as the exchange's name could never be looked up, and take the members out
			ConfigurationViolation tooLong = hostTooLong(path + ".url", ProxyUrls.withoutSecrets(check.getUrl()),
					URI.create(check.getUrl().strip()).getHost());
			if (tooLong != null) {
				violations.add(tooLong);
			}
		}
		if (!isStatusRanges(check.getExpectedStatus())) {
			violations.add(path + ".expected-status", check.getExpectedStatus(), "not a status range or list",
					"write e.g. 200-299 or 200,204 with statuses from 100 to 599");
		}
	}

	/** Whether the health check's probe can use the URL: http or https, a host, and parseable as a URI. */
	private static boolean isHttpUrlWithHost(String url) {
		if (!url.matches("(?i)https?://[^/\\s]+.*")) {
			return false;
		}
		try {
			return new URI(url.strip()).getHost() != null;
		}
		catch (URISyntaxException ex) {
			// not quoted: the message repeats the URL, credentials and all
			return false;
		}
	}

	/**
	 * Whether the URL's password holds a '/', '?' or '#' not %-encoded
	 * ({@code https://u:12/34@h/ping}): Java then read the user name as the host and the
	 * password's digits, if any, as the port, and the '@' lies in the first path segment, or in
	 * the query or fragment of a URL without a path. An '@' further down the path
	 * ({@code /users/@me}) or behind no port is the URL's own.
	 */
	static boolean passwordCutShort(URI url) {
		if (!ProxyUrls.userInfoCutShort(url)) {
			return false;
		}
		boolean portWritten = url.getPort() != -1 || url.getRawAuthority().endsWith(":");
		String path = url.getRawPath();
		int secondSegment = (path != null) ? path.indexOf('/', 1) : -1;
		return portWritten && (secondSegment < 0 || path.indexOf('@') < secondSegment);
	}

	/** Whether a parseable URL has no port, or one a connection can use. */
	static boolean hasPortInRange(URI url) {
		int port = url.getPort();
		return port == -1 || (port >= 1 && port <= 65535);
	}

	/**
	 * The percentage, or -1 when malformed, outside 0..50, or a number other than 0 without a
	 * percent sign: 0.1 was once read as 0.1% where a tenth was meant, so only 0 may go without.
	 */
	static double parseJitterPercent(String jitter) {
		Matcher matcher = jitterMatch(jitter);
		if (matcher == null) {
			return -1;
		}
		double percent = Double.parseDouble(matcher.group(1));
		return (isBareNumberOtherThanZero(matcher) || percent > HealthCheckSettings.MAX_JITTER * 100) ? -1 : percent;
	}

	/** The jitter read as a number and an optional percent sign, or {@code null} when it is none. */
	private static Matcher jitterMatch(String jitter) {
		Matcher matcher = (jitter != null) ? JITTER.matcher(jitter.strip()) : null;
		return (matcher != null && matcher.matches()) ? matcher : null;
	}

	private static boolean isBareNumberOtherThanZero(Matcher jitter) {
		return jitter.group(2) == null && Double.parseDouble(jitter.group(1)) != 0;
	}

	static boolean isStatusRanges(String ranges) {
		if (ranges == null || ranges.isBlank()) {
			return false;
		}
		for (String range : ranges.split(",")) {
			String trimmed = range.strip();
			if (!STATUS_RANGE.matcher(trimmed).matches()) {
				return false;
			}
			String[] bounds = trimmed.split("-");
			int low = Integer.parseInt(bounds[0]);
			int high = Integer.parseInt(bounds[bounds.length - 1]);
			if (low < 100 || high > 599 || low > high) {
				return false;
			}
		}
		return true;
	}

	static final class Violations {

		private final List<ConfigurationViolation> list = new ArrayList<>();

		void add(String property, String value, String problem, String fix) {
			this.list.add(new ConfigurationViolation(property, value, problem, fix));
		}

		void add(ConfigurationViolation violation) {
			this.list.add(violation);
		}

		boolean any() {
			return !this.list.isEmpty();
		}

		int count() {
			return this.list.size();
		}

		void throwIfAny() {
			if (any()) {
				throw new InvalidProxyConfigurationException(this.list);
			}
		}

	}

}
