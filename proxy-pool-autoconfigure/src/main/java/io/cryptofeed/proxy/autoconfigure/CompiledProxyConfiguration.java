package io.cryptofeed.proxy.autoconfigure;

import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.breaker.BreakerSettings;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.health.HealthCheckSettings;
import io.cryptofeed.proxy.netty.TransportSettings;

/**
 * Validated configuration, ready to build pools from.
 *
 * @param pools at most one per settings block and connection type
 * @param hostPatterns each exchange's host patterns, normalized, keyed by lower-case id
 * @param directHosts host patterns and address ranges reached without a proxy, normalized
 * @param transport timeouts and failover of connections through the pools
 * @param breaker the circuit breaker settings of every member
 * @param healthChecks health checking of each pool that has it on
 * @param maxConcurrentHealthChecks health checks in flight at once across all pools
 * @param rateLimits cooldowns and budgets of each exchange
 */
public record CompiledProxyConfiguration(List<PoolSpec> pools, Map<String, List<String>> hostPatterns,
		List<String> directHosts, TransportSettings transport, BreakerSettings breaker,
		Map<PoolKey, HealthCheckSettings> healthChecks, int maxConcurrentHealthChecks, RateLimitPolicies rateLimits) {

	public CompiledProxyConfiguration {
		pools = List.copyOf(pools);
		hostPatterns = Map.copyOf(hostPatterns);
		directHosts = List.copyOf(directHosts);
		healthChecks = Map.copyOf(healthChecks);
	}

}
