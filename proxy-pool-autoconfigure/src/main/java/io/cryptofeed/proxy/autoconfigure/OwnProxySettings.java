package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.cryptofeed.proxy.autoconfigure.ProxyProperties.Connection;
import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;

/**
 * The settings of a connection block that shape only the block's own pool: its timeout,
 * strategy and health checks. An exchange's block without a url or pool has no pool, so its
 * connections use the default block's, with the default block's settings, and these would be
 * ignored without a word. (Its budget is not one of them: budgets count per member and
 * exchange, through whichever pool.)
 */
final class OwnProxySettings {

	private static final Map<String, Function<Connection, Object>> SETTINGS = settings();

	private static final Connection DEFAULTS = new Connection();

	private OwnProxySettings() {
	}

	private static Map<String, Function<Connection, Object>> settings() {
		Map<String, Function<Connection, Object>> settings = new LinkedHashMap<>();
		settings.put("timeout", Connection::getTimeout);
		settings.put("timeout-seconds", Connection::getTimeoutSeconds);
		settings.put("strategy", (c) -> (c.getStrategy() != null) ? SelectionStrategies.canonicalName(c.getStrategy())
				: null);
		settings.put("health-check.enabled", (c) -> c.getHealthCheck().isEnabled());
		settings.put("health-check.method", (c) -> c.getHealthCheck().getMethod());
		settings.put("health-check.interval", (c) -> c.getHealthCheck().getInterval());
		settings.put("health-check.timeout", (c) -> c.getHealthCheck().getTimeout());
		settings.put("health-check.retry-count", (c) -> c.getHealthCheck().getRetryCount());
		settings.put("health-check.unhealthy-threshold", (c) -> c.getHealthCheck().getUnhealthyThreshold());
		settings.put("health-check.healthy-threshold", (c) -> c.getHealthCheck().getHealthyThreshold());
		settings.put("health-check.jitter", (c) -> c.getHealthCheck().getJitter());
		// as violations show it: its query or fragment may hold a key
		settings.put("health-check.url", (c) -> ProxyUrls.withoutSecrets(c.getHealthCheck().getUrl()));
		settings.put("health-check.expected-status", (c) -> c.getHealthCheck().getExpectedStatus());
		return settings;
	}

	/**
	 * The settings of the block that differ from their defaults, by name under the block, with
	 * their values as a violation shows them.
	 */
	static Map<String, String> setIn(Connection connection) {
		Map<String, String> set = new LinkedHashMap<>();
		SETTINGS.forEach((name, setting) -> {
			Object value = setting.apply(connection);
			if (!Objects.equals(value, setting.apply(DEFAULTS))) {
				set.put(name, shown(value));
			}
		});
		return set;
	}

	/**
	 * The settings an exchange's block with a url or pool of its own keeps at the built-in value
	 * where the default block sets another (by the documented rule, the block takes none of the
	 * default block's): each as the pool uses it, with the default block's value. A value the
	 * exchange's block sets other than the built-in one is what the operator wrote, and not
	 * named; nor a health-check value where either block has no checks, nor the strategy of a
	 * block with a url, whose one proxy makes it moot.
	 * @param single whether the block has a url rather than a pool
	 */
	static List<Kept> keptBuiltIn(Connection own, Connection defaults, boolean single) {
		List<Kept> kept = new ArrayList<>();
		if (!single) {
			keep(kept, "strategy", (c) -> SelectionStrategies.canonicalName(c.getStrategy()), String::valueOf, own,
					defaults);
		}
		keep(kept, "timeout", ProxyConfigurationCompiler::timeoutOf, Durations::format, own, defaults);
		keep(kept, "health-check.enabled", (c) -> c.getHealthCheck().isEnabled(), String::valueOf, own, defaults);
		if (!own.getHealthCheck().isEnabled() || !defaults.getHealthCheck().isEnabled()) {
			return kept;
		}
		keep(kept, "health-check.method", (c) -> c.getHealthCheck().getMethod().name().toLowerCase(Locale.ROOT),
				String::valueOf, own, defaults);
		keep(kept, "health-check.interval", (c) -> c.getHealthCheck().getInterval(), Durations::format, own,
				defaults);
		keep(kept, "health-check.timeout", (c) -> c.getHealthCheck().getTimeout(), Durations::format, own, defaults);
		keep(kept, "health-check.retry-count", (c) -> c.getHealthCheck().getRetryCount(), String::valueOf, own,
				defaults);
		keep(kept, "health-check.unhealthy-threshold", (c) -> c.getHealthCheck().getUnhealthyThreshold(),
				String::valueOf, own, defaults);
		keep(kept, "health-check.healthy-threshold", (c) -> c.getHealthCheck().getHealthyThreshold(),
				String::valueOf, own, defaults);
		// 10% and 10.0 % are one jitter: compared as read, shown as written
		keepShown(kept, "health-check.jitter",
				(c) -> ProxyConfigurationCompiler.parseJitterPercent(c.getHealthCheck().getJitter()),
				(c) -> c.getHealthCheck().getJitter().strip(), own, defaults);
		// as violations show it: its query or fragment may hold a key
		keep(kept, "health-check.url", (c) -> blankless(ProxyUrls.withoutSecrets(c.getHealthCheck().getUrl())),
				(url) -> (url != null) ? url : "none", own, defaults);
		keep(kept, "health-check.expected-status",
				(c) -> c.getHealthCheck().getExpectedStatus().replaceAll("\\s", ""), String::valueOf, own, defaults);
		return kept;
	}

	private static <T> void keep(List<Kept> kept, String name, Function<Connection, T> value,
			Function<T, String> shown, Connection own, Connection defaults) {
		keepShown(kept, name, value, (c) -> shown.apply(value.apply(c)), own, defaults);
	}

	private static <T> void keepShown(List<Kept> kept, String name, Function<Connection, T> value,
			Function<Connection, String> shown, Connection own, Connection defaults) {
		T builtIn = value.apply(DEFAULTS);
		if (!Objects.equals(value.apply(defaults), builtIn) && Objects.equals(value.apply(own), builtIn)) {
			kept.add(new Kept(name, shown.apply(own), shown.apply(defaults)));
		}
	}

	private static String blankless(String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

	/**
	 * A setting an exchange's pool keeps at the built-in value.
	 * @param used the value the pool uses, as a violation shows it
	 * @param defaults the default block's value
	 */
	record Kept(String name, String used, String defaults) {

	}

	private static String shown(Object value) {
		return (value instanceof Duration duration) ? Durations.format(duration) : String.valueOf(value);
	}

}
