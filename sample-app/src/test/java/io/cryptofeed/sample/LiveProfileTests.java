package io.cryptofeed.sample;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolAutoConfiguration;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.sample.feed.FeedProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live profile's configuration, read and compiled without starting the feed (it would
 * connect to the real exchanges). Proxy URLs come from the environment in real use; here from
 * the same property names.
 */
class LiveProfileTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer((context) -> context.getEnvironment().setActiveProfiles("live"))
		.withInitializer(new ConfigDataApplicationContextInitializer())
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class))
		.withUserConfiguration(FeedPropertiesConfiguration.class);

	@Test
	void routesEachExchangeByItsHostsToTheProxiesFromTheEnvironment() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.http.pool[0].url=http://user:secret@127.0.0.1:3128",
					"cryptofeed.proxy.default.http.pool[1].url=socks5://user:secret@127.0.0.1:1080",
					"cryptofeed.proxy.default.websocket.pool[0].url=socks5://user:secret@127.0.0.1:1080")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ProxyPools pools = context.getBean(ProxyPools.class);
				assertThat(pools.exchangeForHost("api.binance.com")).hasValue("binance");
				assertThat(pools.exchangeForHost("stream.binance.com")).hasValue("binance");
				assertThat(pools.exchangeForHost("ws.kraken.com")).hasValue("kraken");
				assertThat(pools.resolveForHost("api.binance.com", ConnectionType.HTTP).orElseThrow().members())
					.hasSize(2);
				assertThat(pools.resolveForHost("ws.kraken.com", ConnectionType.WEBSOCKET).orElseThrow().members())
					.hasSize(1);
				FeedProperties feed = context.getBean(FeedProperties.class);
				assertThat(feed.getExchanges()).containsOnlyKeys("binance", "kraken");
				assertThat(feed.getExchanges().get("kraken").getSubscribeMessage()).contains("\"channel\":\"trade\"");
			});
	}

	@Test
	void withoutProxyUrlsEveryConnectionGoesDirect() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ProxyPools.class).resolveForHost("api.binance.com", ConnectionType.HTTP))
				.isEmpty();
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(FeedProperties.class)
	static class FeedPropertiesConfiguration {

	}

}
