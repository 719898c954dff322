package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.util.function.Consumer;

import io.cryptofeed.proxy.core.ratelimit.Budget;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicy;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** How rate-limit and connect-budget properties become each exchange's policy. */
class RateLimitConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class))
		.withPropertyValues("cryptofeed.proxy.enabled=true");

	@Test
	void withoutPropertiesEveryExchangeGetsTheBuiltInDefaults() {
		policies((policies) -> {
			assertThat(policies.defaults()).isEqualTo(RateLimitPolicy.DEFAULTS);
			assertThat(policies.of("binance")).isEqualTo(RateLimitPolicy.DEFAULTS);
			assertThat(RateLimitPolicy.DEFAULTS.statuses()).containsExactlyInAnyOrder(429, 418, 451, 403);
			assertThat(RateLimitPolicy.DEFAULTS.geoBlockStatuses()).containsExactly(451);
			assertThat(RateLimitPolicy.DEFAULTS.cooldown()).isEqualTo(Duration.ofSeconds(30));
			assertThat(RateLimitPolicy.DEFAULTS.maxCooldown()).isEqualTo(Duration.ofMinutes(10));
			assertThat(RateLimitPolicy.DEFAULTS.geoBlockCooldown()).isEqualTo(Duration.ofHours(1));
			assertThat(RateLimitPolicy.DEFAULTS.retryOnCooldown()).isFalse();
			assertThat(RateLimitPolicy.DEFAULTS.websocketBudget()).isNull();
		});
	}

	@Test
	void anExchangeTakesEachUnsetValueFromTheDefaultBlock() {
		policies((policies) -> {
			RateLimitPolicy bybit = policies.of("bybit");
			assertThat(bybit.cooldown()).isEqualTo(Duration.ofMinutes(10));
			assertThat(bybit.maxCooldown()).isEqualTo(Duration.ofMinutes(30));
			assertThat(bybit.statuses()).containsExactlyInAnyOrder(429, 403);
			assertThat(bybit.retryOnCooldown()).isTrue();
			assertThat(bybit.websocketBudget()).isEqualTo(new Budget(500, Duration.ofMinutes(5)));
			RateLimitPolicy binance = policies.of("binance");
			assertThat(binance.cooldown()).isEqualTo(Duration.ofSeconds(30));
			assertThat(binance.websocketBudget()).isEqualTo(new Budget(300, Duration.ofMinutes(5)));
			assertThat(binance.httpBudget()).isNull();
			assertThat(policies.of("coinbase").httpBudget()).isEqualTo(new Budget(10, Duration.ofSeconds(1)));
		}, "cryptofeed.proxy.default.rate-limit.statuses=429,403", "cryptofeed.proxy.default.rate-limit.geo-block-statuses=",
				"cryptofeed.proxy.default.rate-limit.max-cooldown=30m",
				"cryptofeed.proxy.default.rate-limit.retry-on-cooldown=true",
				"cryptofeed.proxy.default.websocket.budget.max-connects=500",
				"cryptofeed.proxy.default.websocket.budget.window=5m",
				"cryptofeed.proxy.exchanges.bybit.rate-limit.cooldown=10m",
				"cryptofeed.proxy.exchanges.binance.websocket.budget.max-connects=300",
				"cryptofeed.proxy.exchanges.binance.websocket.budget.window=5m",
				"cryptofeed.proxy.exchanges.coinbase.http.budget.max-requests=10",
				"cryptofeed.proxy.exchanges.coinbase.http.budget.window=1s");
	}

	@Test
	void anExchangeTakesTheBudgetValueItDoesNotSetFromTheDefaultBlock() {
		policies((policies) -> {
			assertThat(policies.of("binance").httpBudget()).isEqualTo(new Budget(10, Duration.ofSeconds(2)));
			assertThat(policies.of("okx").httpBudget()).isEqualTo(new Budget(5, Duration.ofSeconds(1)));
			assertThat(policies.of("kraken").httpBudget()).isEqualTo(new Budget(10, Duration.ofSeconds(1)));
		}, "cryptofeed.proxy.default.http.budget.max-requests=10", "cryptofeed.proxy.default.http.budget.window=1s",
				"cryptofeed.proxy.exchanges.binance.http.budget.window=2s",
				"cryptofeed.proxy.exchanges.okx.http.budget.max-requests=5",
				"cryptofeed.proxy.exchanges.kraken.rate-limit.cooldown=1m");
	}

	@Test
	void anEmptyStatusListTurnsCooldownsOffForThatExchange() {
		policies((policies) -> {
			assertThat(policies.of("kraken").statuses()).isEmpty();
			assertThat(policies.defaults().statuses()).isNotEmpty();
		}, "cryptofeed.proxy.exchanges.kraken.rate-limit.statuses=",
				"cryptofeed.proxy.exchanges.kraken.rate-limit.geo-block-statuses=");
	}

	private void policies(Consumer<RateLimitPolicies> assertions, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			assertions.accept(context.getBean(CompiledProxyConfiguration.class).rateLimits());
		});
	}

}
