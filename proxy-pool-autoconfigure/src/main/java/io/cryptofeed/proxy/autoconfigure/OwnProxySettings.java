package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
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

	private static String shown(Object value) {
		return (value instanceof Duration duration) ? Durations.format(duration) : String.valueOf(value);
	}

}
