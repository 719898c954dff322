package io.cryptofeed.proxy.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyPoolHealthIndicatorTests {

	private final ProxyPools pools = TestPools.of(Map.of("default/http",
			List.of("http://127.0.0.1:3128", "socks5://feed:" + TestPools.CANARY + "@127.0.0.2:1080",
					"http://127.0.0.3:3128"),
			"binance/websocket", List.of("http://127.0.0.4:3128")));

	private final ProxyPool http = this.pools.pools().get(PoolKey.ofDefault(ConnectionType.HTTP));

	private final ProxyPool binance = this.pools.pools().get(new PoolKey("binance", ConnectionType.WEBSOCKET));

	@Test
	void upWhileEveryPoolHasAnAvailableMemberWithNumbersPerPool() {
		this.http.setUnavailable(this.http.members().get(0), Unavailability.UNHEALTHY, true);
		this.http.setUnavailable(this.http.members().get(1), Unavailability.CIRCUIT_OPEN, true);
		Health health = new ProxyPoolHealthIndicator(this.pools, Status.DOWN).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsOnlyKeys("default/http", "binance/websocket");
		assertThat(health.getDetails().get("default/http")).isEqualTo(
				Map.of("members", 3, "available", 1, "unhealthy", 1, "openBreakers", 1, "drained", 0, "disabled", 0));
		assertThat(health.getDetails().get("binance/websocket")).isEqualTo(
				Map.of("members", 1, "available", 1, "unhealthy", 0, "openBreakers", 0, "drained", 0, "disabled", 0));
	}

	@Test
	void downWhenAPoolHasNoAvailableMemberReadingThePoolsAtEachCall() {
		ProxyPoolHealthIndicator indicator = new ProxyPoolHealthIndicator(this.pools, Status.DOWN);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		this.binance.setUnavailable(this.binance.members().get(0), Unavailability.DRAINED, true);
		Health health = indicator.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails().get("binance/websocket")).isEqualTo(
				Map.of("members", 1, "available", 0, "unhealthy", 0, "openBreakers", 0, "drained", 1, "disabled", 0));
		this.binance.setUnavailable(this.binance.members().get(0), Unavailability.DRAINED, false);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
	}

	/**
	 * Members set {@code enabled: false} leave the pool up and are counted apart, so that the
	 * numbers say why they are not available.
	 */
	@Test
	void membersDisabledByConfigurationAreCountedApart() {
		ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP),
				PoolSpec.Origin.POOL,
				List.of(MemberSpec.of(ProxyEndpoint.parse("http://127.0.0.1:3128")),
						new MemberSpec(ProxyEndpoint.parse("http://127.0.0.2:3128"), 1, false, Map.of()),
						new MemberSpec(ProxyEndpoint.parse("http://127.0.0.3:3128"), 1, false, Map.of())),
				"round-robin", Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);
		Health health = new ProxyPoolHealthIndicator(pools, Status.DOWN).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails().get("default/http")).isEqualTo(
				Map.of("members", 3, "available", 1, "unhealthy", 0, "openBreakers", 0, "drained", 0, "disabled", 2));
	}

	@Test
	void aPoolWithoutAvailableMembersMayReportAnotherStandardStatus() {
		this.binance.setUnavailable(this.binance.members().get(0), Unavailability.UNHEALTHY, true);
		assertThat(new ProxyPoolHealthIndicator(this.pools, Status.OUT_OF_SERVICE).health().getStatus())
			.isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(new ProxyPoolHealthIndicator(this.pools, Status.UP).health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void noPoolsIsUpWithoutDetails() {
		Health health = new ProxyPoolHealthIndicator(TestPools.of(Map.of()), Status.DOWN).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).isEmpty();
	}

	@Test
	void detailsHoldNoCredential() {
		assertThat(new ProxyPoolHealthIndicator(this.pools, Status.DOWN).health().toString())
			.doesNotContain(TestPools.CANARY)
			.doesNotContain("feed");
	}

}
