package io.cryptofeed.proxy.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;

/** Pools built from proxy URLs, as configuration would build them. */
final class TestPools {

	/** A password that must never show up in anything operators or metrics see. */
	static final String CANARY = "canary-0p5-Pa55-7d1e";

	private TestPools() {
	}

	/** Pools keyed "settings/type", e.g. "binance/http", each with its member URLs. */
	static ProxyPools of(Map<String, List<String>> pools) {
		return ProxyPools.of(specs(pools), Map.of(), SelectionStrategies.builtIn()::create);
	}

	/** What a reload of the pools to these member URLs hands the pools. */
	static List<PoolSpec> specs(Map<String, List<String>> pools) {
		List<PoolSpec> specs = new ArrayList<>();
		pools.forEach((key, urls) -> {
			String[] parts = key.split("/");
			ConnectionType type = parts[1].equals("http") ? ConnectionType.HTTP : ConnectionType.WEBSOCKET;
			List<MemberSpec> members = urls.stream().map(ProxyEndpoint::parse).map(MemberSpec::of).toList();
			specs.add(new PoolSpec(new PoolKey(parts[0], type), PoolSpec.Origin.POOL, members, "round-robin",
					Duration.ofSeconds(30)));
		});
		return specs;
	}

}
