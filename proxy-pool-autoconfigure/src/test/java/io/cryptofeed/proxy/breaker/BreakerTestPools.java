package io.cryptofeed.proxy.breaker;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;

/**
 * The breaker tests' set-up: one default HTTP pool, round-robin, and breakers that open after
 * two failed connects out of two and stay open for minutes, so that only the test moves them.
 */
final class BreakerTestPools {

	static final PoolKey KEY = PoolKey.ofDefault(ConnectionType.HTTP);

	private BreakerTestPools() {
	}

	static PoolSpec spec(List<MemberSpec> members) {
		return new PoolSpec(KEY, PoolSpec.Origin.POOL, members, "round-robin", Duration.ofSeconds(30));
	}

	static ProxyPools pools(List<MemberSpec> members) {
		return ProxyPools.of(List.of(spec(members)), Map.of(), SelectionStrategies.builtIn()::create);
	}

	/** A reload that leaves the pool with these members. */
	static void reload(ProxyPools pools, List<MemberSpec> members) {
		pools.reconcile(List.of(spec(members)), Map.of(), SelectionStrategies.builtIn()::create);
	}

	static MemberCircuitBreakers openingAfterTwoFailures(ProxyPools pools) {
		return new MemberCircuitBreakers(
				MemberCircuitBreakers.registry(new BreakerSettings(50, 2, 2, Duration.ofMinutes(5), 1)), pools);
	}

}
