package io.cryptofeed.proxy.autoconfigure;

import java.time.Clock;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

class PoolsOffFailureAnalyzerTests {

	private static final String POOL = "cryptofeed.proxy.default.websocket.url=socks5://h:1080";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolSwitchesAutoConfiguration.class,
				ProxyPoolAutoConfiguration.class, ProxyPoolTransportAutoConfiguration.class))
		.withUserConfiguration(TradeStream.class);

	@Test
	void aWebSocketClientMissingWhileThePoolsAreNotSwitchedOnNamesTheSwitch() {
		this.runner.withPropertyValues(POOL).run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure(), new MockEnvironment());
			assertThat(analysis.getDescription()).contains("'" + WebSocketClient.class.getName() + "'")
				.contains("only when cryptofeed.proxy.enabled is true, and it is not set");
			assertThat(analysis.getAction()).startsWith("Set cryptofeed.proxy.enabled: true");
		});
	}

	@Test
	void theSwitchTurnedOffIsQuotedWithAWayToKeepAClientForThatCase() {
		this.runner.withPropertyValues(POOL, "cryptofeed.proxy.enabled=false").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure(),
					new MockEnvironment().withProperty("cryptofeed.proxy.enabled", "false"));
			assertThat(analysis.getDescription()).contains("and it is 'false'");
			assertThat(analysis.getAction()).contains("new ReactorNettyWebSocketClient()")
				.contains("havingValue = false, matchIfMissing = true");
		});
	}

	@Test
	void aWebSocketClientMissingWithThePoolsOnIsLeftToSpringBoot() {
		new ApplicationContextRunner().withUserConfiguration(TradeStream.class)
			.run((context) -> assertThat(analyze(context.getStartupFailure(),
					new MockEnvironment().withProperty("cryptofeed.proxy.enabled", "true")))
				.isNull());
	}

	@Test
	void anotherMissingBeanIsLeftToSpringBoot() {
		new ApplicationContextRunner().withUserConfiguration(NeedsClock.class)
			.run((context) -> assertThat(analyze(context.getStartupFailure(), new MockEnvironment())).isNull());
	}

	@Test
	void twoWebSocketClientsWhereOneWasWantedAreLeftToSpringBoot() {
		new ApplicationContextRunner().withUserConfiguration(TwoClients.class, TradeStream.class)
			.run((context) -> assertThat(analyze(context.getStartupFailure(), new MockEnvironment())).isNull());
	}

	private static FailureAnalysis analyze(Throwable failure, MockEnvironment environment) {
		assertThat(failure).isNotNull();
		return new PoolsOffFailureAnalyzer(environment).analyze(failure);
	}

	@Configuration(proxyBeanMethods = false)
	static class TradeStream {

		@Bean
		String tradeStream(WebSocketClient client) {
			return "trades";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoClients {

		@Bean
		WebSocketClient first() {
			return new ReactorNettyWebSocketClient();
		}

		@Bean
		WebSocketClient second() {
			return new ReactorNettyWebSocketClient();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NeedsClock {

		@Bean
		String ticker(Clock clock) {
			return "ticker";
		}

	}

}
