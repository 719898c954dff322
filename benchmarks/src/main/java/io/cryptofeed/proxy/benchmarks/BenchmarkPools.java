package io.cryptofeed.proxy.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyScheme;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;

/** Pools of a given size, the same members for every benchmark. */
final class BenchmarkPools {

	private BenchmarkPools() {
	}

	/** Weights cycle 1..4 so the weighted strategy has real work; the others ignore them. */
	static ProxyPool pool(String strategy, int size) {
		List<MemberSpec> members = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			members.add(new MemberSpec(endpoint(i), 1 + (i % 4), true, Map.of()));
		}
		PoolSpec spec = new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP), PoolSpec.Origin.POOL, members, strategy,
				Duration.ofSeconds(30));
		return new ProxyPool(spec, SelectionStrategies.builtIn().create(strategy));
	}

	static ProxyEndpoint endpoint(int i) {
		return new ProxyEndpoint(ProxyScheme.SOCKS5, host(i), 1080, null, null);
	}

	static String host(int i) {
		return "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255);
	}

}
