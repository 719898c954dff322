package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.cryptofeed.proxy.autoconfigure.ProxyConfigurationCompiler.Violations;
import io.cryptofeed.proxy.autoconfigure.ProxyProperties.Connection;
import io.cryptofeed.proxy.autoconfigure.ProxyProperties.RateLimit;
import io.cryptofeed.proxy.autoconfigure.ProxyProperties.Settings;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.ExchangeIds;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.ratelimit.Budget;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicy;

/**
 * Checks the {@code rate-limit} and {@code budget} properties and resolves each exchange's
 * policy: its own values, else the default block's, else the built-in defaults.
 */
final class RateLimitCompiler {

	/** Spends are kept per member and exchange for a window: a bound on that memory. */
	static final int MAX_BUDGET = 100_000;

	private RateLimitCompiler() {
	}

	static RateLimitPolicies compile(ProxyProperties properties, Violations violations) {
		String prefix = ProxyProperties.PREFIX;
		RateLimitPolicy defaults = policy(prefix + ".default", properties.getDefault(), RateLimitPolicy.DEFAULTS,
				violations);
		Map<String, RateLimitPolicy> exchanges = new LinkedHashMap<>();
		Set<String> folded = new HashSet<>();
		VariableSpellings variableSpellings = new VariableSpellings(properties.getExchanges());
		properties.getExchanges().forEach((id, settings) -> {
			String normalized = id.strip().toLowerCase(Locale.ROOT);
			// empty, 'default' and duplicate ids (by the rule of ExchangeIds) are reported with the
			// pools; a variable's spelling of an id with a dash is that exchange, compiled under the
			// id written
			if (!normalized.isEmpty() && !ExchangeIds.same(normalized, PoolKey.DEFAULT)
					&& !variableSpellings.spellsAnother(normalized, settings)
					&& folded.add(ExchangeIds.fold(normalized))) {
				exchanges.put(normalized, policy(prefix + "." + PoolKey.exchangePath(id), settings, defaults, violations));
			}
		});
		return new RateLimitPolicies(defaults, exchanges);
	}

	private static RateLimitPolicy policy(String path, Settings settings, RateLimitPolicy inherited,
			Violations violations) {
		RateLimit own = settings.getRateLimit();
		String limitPath = path + ".rate-limit";
		Set<Integer> statuses = statuses(limitPath + ".statuses", own.getStatuses(), inherited.statuses(), violations);
		Set<Integer> geoBlock = statuses(limitPath + ".geo-block-statuses", own.getGeoBlockStatuses(),
				inherited.geoBlockStatuses(), violations);
		List<Integer> ownGeoBlock = own.getGeoBlockStatuses();
		for (int i = 0; ownGeoBlock != null && i < ownGeoBlock.size(); i++) {
			Integer status = ownGeoBlock.get(i);
			if (geoBlock.contains(status) && !statuses.contains(status)) {
				violations.add(limitPath + ".geo-block-statuses[" + i + "]", status.toString(),
						"not among the cooldown statuses " + statuses, "add it to rate-limit.statuses, or remove it");
			}
		}
		Duration cooldown = duration(limitPath + ".cooldown", own.getCooldown(), inherited.cooldown(), violations);
		Duration max = duration(limitPath + ".max-cooldown", own.getMaxCooldown(), inherited.maxCooldown(),
				violations);
		Duration geoBlockCooldown = duration(limitPath + ".geo-block-cooldown", own.getGeoBlockCooldown(),
				inherited.geoBlockCooldown(), violations);
		if (max.compareTo(cooldown) < 0) {
			boolean ownMax = own.getMaxCooldown() != null;
			violations.add(limitPath + (ownMax ? ".max-cooldown" : ".cooldown"),
					Durations.format(ownMax ? max : cooldown),
					"max-cooldown " + Durations.format(max) + " is shorter than cooldown " + Durations.format(cooldown),
					"raise max-cooldown or lower cooldown");
			max = cooldown;
		}
		boolean retry = (own.getRetryOnCooldown() != null) ? own.getRetryOnCooldown() : inherited.retryOnCooldown();
		Budget http = budget(path + ".http", settings.getHttp(), ConnectionType.HTTP, inherited.httpBudget(),
				violations);
		Budget websocket = budget(path + ".websocket", settings.getWebsocket(), ConnectionType.WEBSOCKET,
				inherited.websocketBudget(), violations);
		return new RateLimitPolicy(statuses, geoBlock, cooldown, max, geoBlockCooldown, retry, http, websocket);
	}

	private static Set<Integer> statuses(String property, List<Integer> own, Set<Integer> inherited,
			Violations violations) {
		if (own == null) {
			return inherited;
		}
		Set<Integer> statuses = new LinkedHashSet<>();
		for (int i = 0; i < own.size(); i++) {
			Integer status = own.get(i);
			if (status == null || status < 400 || status > 599) {
				violations.add(property + "[" + i + "]", String.valueOf(status), "not an error status from 400 to 599",
						"list statuses such as 429, 418");
				continue;
			}
			statuses.add(status);
		}
		return statuses;
	}

	private static Duration duration(String property, Duration own, Duration inherited, Violations violations) {
		if (own == null) {
			return inherited;
		}
		if (own.isZero() || own.isNegative()) {
			violations.add(property, Durations.format(own), "the duration must be positive",
					"set a duration such as " + Durations.format(inherited) + " (a bare number means seconds)");
			return inherited;
		}
		return own;
	}

	private static Budget budget(String path, Connection connection, ConnectionType type, Budget inherited,
			Violations violations) {
		ProxyProperties.Budget own = connection.getBudget();
		String budgetPath = path + ".budget";
		boolean http = type == ConnectionType.HTTP;
		String name = http ? "max-requests" : "max-connects";
		Integer max = http ? own.getMaxRequests() : own.getMaxConnects();
		Integer misplaced = http ? own.getMaxConnects() : own.getMaxRequests();
		if (misplaced != null) {
			violations.add(budgetPath + (http ? ".max-connects" : ".max-requests"), misplaced.toString(),
					http ? "http connections are kept alive and reused; exchanges limit their requests"
							: "each WebSocket session is one connect",
					"use " + budgetPath + "." + name);
		}
		Duration window = own.getWindow();
		if (inherited != null) {
			// like every other value, each of the two comes from the default block when unset
			max = (max != null) ? max : Integer.valueOf(inherited.max());
			window = (window != null) ? window : inherited.window();
		}
		if (max == null) {
			if (window != null) {
				violations.add(budgetPath + "." + name, null, "a window is set without " + name,
						"set " + name + ", e.g. " + (http ? "10 with window: 1s" : "300 with window: 5m")
								+ ", or remove the window");
			}
			return inherited;
		}
		boolean valid = true;
		if (max < 1 || max > MAX_BUDGET) {
			violations.add(budgetPath + "." + name, max.toString(), "not a number from 1 to " + MAX_BUDGET,
					"set e.g. " + (http ? "10 (with window: 1s)" : "300 (with window: 5m)"));
			valid = false;
		}
		if (window == null || window.isZero() || window.isNegative()) {
			violations.add(budgetPath + ".window", Durations.format(window), "a budget needs a positive window",
					"set the window " + name + " counts in, e.g. " + (http ? "1s" : "5m"));
			valid = false;
		}
		else if (window.compareTo(Duration.ofMillis(1)) < 0) {
			// uses are counted in whole milliseconds: a shorter window would count nothing
			violations.add(budgetPath + ".window", Durations.format(window), "a budget window must be at least 1ms",
					"set the window " + name + " counts in, e.g. " + (http ? "1s" : "5m"));
			valid = false;
		}
		return valid ? new Budget(max, window) : inherited;
	}

}
