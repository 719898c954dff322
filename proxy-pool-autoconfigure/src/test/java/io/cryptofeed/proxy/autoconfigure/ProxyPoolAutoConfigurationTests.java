package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ProxyScheme;
import io.cryptofeed.proxy.core.SelectionStrategyFactory;
import io.cryptofeed.proxy.core.strategy.RoundRobinStrategy;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyPoolAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class));

	@Test
	void changesNothingUnlessEnabled() {
		this.runner.withPropertyValues("cryptofeed.proxy.default.http.url=socks5://10.0.0.5:1080")
			.run((context) -> assertThat(context).doesNotHaveBean(ProxyPools.class)
				.doesNotHaveBean(ProxyProperties.class));
	}

	@Test
	void changesNothingWhenDisabledEvenIfTheRestIsInvalid() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.enabled=false", "cryptofeed.proxy.default.http.url=ftp://nope")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProxyPools.class));
	}

	@Test
	void enabledWithoutSettingsConnectsDirectly() {
		withPools((pools) -> {
			assertThat(pools.pools()).isEmpty();
			assertThat(pools.resolve("binance", ConnectionType.HTTP)).isEmpty();
		}, "cryptofeed.proxy.enabled=true");
	}

	@Test
	void aSingleUrlIsOneFixedProxy() {
		withPools((pools) -> {
			ProxyPool pool = pools.resolve(null, ConnectionType.HTTP).orElseThrow();
			assertThat(pool.origin()).isEqualTo(PoolSpec.Origin.URL);
			assertThat(pool.members()).singleElement().satisfies((member) -> {
				assertThat(member.endpoint().scheme()).isEqualTo(ProxyScheme.SOCKS5);
				assertThat(member.endpoint().username()).isEqualTo("user");
				assertThat(member.endpoint().password()).isEqualTo("pass");
				assertThat(member.endpoint().hostAndPort()).isEqualTo("10.0.0.5:1080");
			});
			assertThat(pool.timeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(pools.resolve(null, ConnectionType.WEBSOCKET)).isEmpty();
		}, "cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.url=socks5://user:pass@10.0.0.5:1080");
	}

	@Test
	void poolMembersBindWithWeightEnabledAndMetadata() {
		withPools((pools) -> {
			ProxyPool pool = pools.resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
			assertThat(pool.origin()).isEqualTo(PoolSpec.Origin.POOL);
			assertThat(pool.strategyName()).isEqualTo("weighted");
			PoolMember first = pool.members().get(0);
			PoolMember second = pool.members().get(1);
			assertThat(first.weight()).isEqualTo(2);
			assertThat(first.enabled()).isTrue();
			assertThat(second.endpoint().scheme()).isEqualTo(ProxyScheme.HTTP);
			assertThat(second.enabled()).isFalse();
			assertThat(second.metadata()).containsEntry("region", "eu-west");
			assertThat(pool.availableMembers()).containsExactly(first);
		}, "cryptofeed.proxy.enabled=true",
				"cryptofeed.proxy.default.websocket.pool[0].url=socks5://10.0.0.6:1080",
				"cryptofeed.proxy.default.websocket.pool[0].weight=2",
				"cryptofeed.proxy.default.websocket.pool[1].url=http://10.0.0.7:8080",
				"cryptofeed.proxy.default.websocket.pool[1].enabled=false",
				"cryptofeed.proxy.default.websocket.pool[1].metadata.region=eu-west",
				"cryptofeed.proxy.default.websocket.strategy=weighted");
	}

	@Test
	void timeoutTakesADurationOrBareSeconds() {
		withPools((pools) -> {
			assertThat(pools.resolve(null, ConnectionType.HTTP).orElseThrow().timeout()).isEqualTo(Duration.ofMillis(1500));
			assertThat(pools.resolve(null, ConnectionType.WEBSOCKET).orElseThrow().timeout())
				.isEqualTo(Duration.ofSeconds(45));
		}, "cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.url=http://h:3128",
				"cryptofeed.proxy.default.http.timeout=1500ms", "cryptofeed.proxy.default.websocket.url=http://h:3128",
				"cryptofeed.proxy.default.websocket.timeout=45");
	}

	@Test
	void theOriginalSnakeCaseKeysBind() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.enabled=true",
					"cryptofeed.proxy.default.http.pool[0].url=http://10.0.0.1:3128",
					"cryptofeed.proxy.default.http.pool[1].url=http://10.0.0.2:3128",
					"cryptofeed.proxy.default.http.strategy=least_connections",
					"cryptofeed.proxy.default.http.timeout_seconds=20",
					"cryptofeed.proxy.default.http.health_check.retry_count=5",
					"cryptofeed.proxy.default.http.health_check.unhealthy_threshold=4",
					"cryptofeed.proxy.default.websocket.url=socks5://10.0.0.3:1080",
					"cryptofeed.proxy.default.websocket.strategy=ROUND_ROBIN")
			.run((context) -> {
				ProxyPools pools = context.getBean(ProxyPools.class);
				ProxyPool http = pools.resolve(null, ConnectionType.HTTP).orElseThrow();
				assertThat(http.strategyName()).isEqualTo("least-connections");
				assertThat(http.timeout()).isEqualTo(Duration.ofSeconds(20));
				ProxyProperties.HealthCheck check = context.getBean(ProxyProperties.class)
					.getDefault()
					.getHttp()
					.getHealthCheck();
				assertThat(check.getRetryCount()).isEqualTo(5);
				assertThat(check.getUnhealthyThreshold()).isEqualTo(4);
				assertThat(pools.resolve(null, ConnectionType.WEBSOCKET).orElseThrow().strategyName())
					.isEqualTo("round-robin");
			});
	}

	@Test
	void snakeCaseStrategyNamesSelectTheBuiltInStrategy() {
		SelectionStrategies strategies = SelectionStrategies.builtIn();
		assertThat(strategies.create("round_robin")).isInstanceOf(RoundRobinStrategy.class);
		assertThat(strategies.find("LEAST_CONNECTIONS")).containsSame(strategies.find("least-connections").get());
		assertThat(strategies.find("leastConnections")).containsSame(strategies.find("least-connections").get());
	}

	@Test
	void exchangesGetTheirOwnPoolsAndHosts() {
		withPools((pools) -> {
			ProxyPool binance = pools.resolve("binance", ConnectionType.HTTP).orElseThrow();
			assertThat(binance.strategyName()).isEqualTo("least-connections");
			assertThat(binance.members()).extracting((m) -> m.endpoint().hostAndPort())
				.containsExactly("10.0.1.1:3128", "10.0.1.2:3128");
			assertThat(pools.resolveForHost("api.binance.com", ConnectionType.HTTP)).containsSame(binance);
			assertThat(pools.resolveForHost("binance.com", ConnectionType.HTTP)).containsSame(binance);
			assertThat(pools.resolve("BINANCE", ConnectionType.HTTP)).containsSame(binance);
			assertThat(pools.resolve("binance", ConnectionType.WEBSOCKET))
				.containsSame(pools.resolve(null, ConnectionType.WEBSOCKET).orElseThrow());
		}, "cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.websocket.url=socks5://10.0.0.6:1080",
				"cryptofeed.proxy.exchanges.binance.hosts=*.binance.com,binance.com",
				"cryptofeed.proxy.exchanges.binance.http.pool[0].url=http://10.0.1.1:3128",
				"cryptofeed.proxy.exchanges.binance.http.pool[1].url=http://10.0.1.2:3128",
				"cryptofeed.proxy.exchanges.binance.http.strategy=least-connections");
	}

	@Test
	void exchangeIdsAreCaseInsensitive() {
		withPools((pools) -> {
			assertThat(pools.exchanges()).containsExactly("kraken");
			assertThat(pools.resolve("kraken", ConnectionType.HTTP)).isPresent();
			assertThat(pools.resolveForHost("api.kraken.com", ConnectionType.HTTP)).isPresent();
		}, "cryptofeed.proxy.enabled=true", "cryptofeed.proxy.exchanges[KRAKEN].http.url=http://10.0.2.1:3128",
				"cryptofeed.proxy.exchanges[KRAKEN].hosts=api.kraken.com");
	}

	@Test
	void anAllDisabledPoolFallsBackToTheUrl() {
		withPools((pools) -> {
			ProxyPool pool = pools.resolve(null, ConnectionType.HTTP).orElseThrow();
			assertThat(pool.origin()).isEqualTo(PoolSpec.Origin.URL);
			assertThat(pool.members()).singleElement()
				.satisfies((m) -> assertThat(m.endpoint().hostAndPort()).isEqualTo("10.0.0.9:3128"));
		}, "cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.url=http://10.0.0.9:3128",
				"cryptofeed.proxy.default.http.pool[0].url=http://10.0.0.1:3128",
				"cryptofeed.proxy.default.http.pool[0].enabled=false");
	}

	@Test
	void aPoolWithAnEnabledMemberWinsOverTheUrl() {
		withPools((pools) -> assertThat(pools.resolve(null, ConnectionType.HTTP).orElseThrow().origin())
			.isEqualTo(PoolSpec.Origin.POOL), "cryptofeed.proxy.enabled=true",
				"cryptofeed.proxy.default.http.url=http://10.0.0.9:3128",
				"cryptofeed.proxy.default.http.pool[0].url=http://10.0.0.1:3128");
	}

	@Test
	void anExchangeBlockWithNeitherPoolNorUrlFallsToTheDefault() {
		withPools((pools) -> assertThat(pools.resolve("bybit", ConnectionType.HTTP).orElseThrow().members())
			.singleElement()
			.satisfies((m) -> assertThat(m.endpoint().hostAndPort()).isEqualTo("10.0.0.9:3128")),
				"cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.url=http://10.0.0.9:3128",
				"cryptofeed.proxy.exchanges.bybit.hosts=api.bybit.com",
				"cryptofeed.proxy.exchanges.bybit.http.pool[0].url=http://10.0.3.1:3128",
				"cryptofeed.proxy.exchanges.bybit.http.pool[0].enabled=false");
	}

	@Test
	void aCustomStrategyBeanCanBeNamedInConfiguration() {
		this.runner.withUserConfiguration(CustomStrategyConfiguration.class)
			.withPropertyValues("cryptofeed.proxy.enabled=true",
					"cryptofeed.proxy.default.http.pool[0].url=http://10.0.0.1:3128",
					"cryptofeed.proxy.default.http.pool[1].url=http://10.0.0.2:3128",
					"cryptofeed.proxy.default.http.strategy=always-last")
			.run((context) -> {
				ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
				for (int i = 0; i < 5; i++) {
					assertThat(pool.select().member()).isSameAs(pool.members().get(1));
				}
			});
	}

	@Test
	void backsOffWhenTheUserDefinesTheirOwnPools() {
		this.runner.withUserConfiguration(OwnPoolsConfiguration.class)
			.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.url=http://10.0.0.1:3128")
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(ProxyPools.class)
				.isSameAs(context.getBean(OwnPoolsConfiguration.class).pools));
	}

	private void withPools(Consumer<ProxyPools> assertions, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(ProxyPools.class);
			assertions.accept(context.getBean(ProxyPools.class));
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomStrategyConfiguration {

		@Bean
		SelectionStrategyFactory alwaysLast() {
			return SelectionStrategies.factory("alwaysLast",
					() -> (candidates) -> (exclusion) -> candidates[candidates.length - 1]);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnPoolsConfiguration {

		final ProxyPools pools = new ProxyPools(java.util.List.of(), Map.of());

		@Bean
		ProxyPools myPools() {
			return this.pools;
		}

	}

}
