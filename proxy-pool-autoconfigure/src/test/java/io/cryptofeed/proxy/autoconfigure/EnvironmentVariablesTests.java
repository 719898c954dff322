package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Both environment-variable styles: Spring's single underscore and the original double one. */
class EnvironmentVariablesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class));

	@Test
	void springStyleVariablesBind() {
		withEnvironment(Map.of("CRYPTOFEED_PROXY_ENABLED", "true", "CRYPTOFEED_PROXY_DEFAULT_HTTP_URL",
				"socks5://10.0.0.5:1080", "CRYPTOFEED_PROXY_EXCHANGES_BINANCE_HTTP_URL", "http://10.0.1.1:3128"),
				(pools) -> {
					assertThat(address(pools.resolve(null, ConnectionType.HTTP).orElseThrow()))
						.isEqualTo("10.0.0.5:1080");
					assertThat(address(pools.resolve("binance", ConnectionType.HTTP).orElseThrow()))
						.isEqualTo("10.0.1.1:3128");
				});
	}

	@Test
	void directHostsBindFromOneCommaSeparatedVariableOrOneVariablePerEntry() {
		withEnvironment(Map.of("CRYPTOFEED_PROXY_ENABLED", "true", "CRYPTOFEED_PROXY_DIRECTHOSTS",
				"*.internal,10.0.0.0/8"), (pools) -> assertThat(pools.directHosts())
					.containsExactly("*.internal", "10.0.0.0/8"));
		withEnvironment(Map.of("CRYPTOFEED_PROXY_ENABLED", "true", "CRYPTOFEED_PROXY_DIRECT_HOSTS__0", "*.internal",
				"CRYPTOFEED_PROXY_DIRECT_HOSTS__1", "10.0.0.0/8"), (pools) -> assertThat(pools.directHosts())
					.containsExactly("*.internal", "10.0.0.0/8"));
	}

	@Test
	void originalDoubleUnderscoreVariablesBind() {
		Map<String, Object> env = new LinkedHashMap<>();
		env.put("CRYPTOFEED_PROXY_ENABLED", "true");
		env.put("CRYPTOFEED_PROXY_DEFAULT__HTTP__URL", "socks5://10.0.0.5:1080");
		env.put("CRYPTOFEED_PROXY_DEFAULT__HTTP__TIMEOUT_SECONDS", "12");
		env.put("CRYPTOFEED_PROXY_EXCHANGES__BINANCE__HTTP__URL", "http://10.0.1.1:3128");
		env.put("CRYPTOFEED_PROXY_EXCHANGES__COINBASE_PRO__WEBSOCKET__POOL__0__URL", "socks5://10.0.4.1:1080");
		env.put("CRYPTOFEED_PROXY_EXCHANGES__COINBASE_PRO__WEBSOCKET__POOL__1__URL", "socks5://10.0.4.2:1080");
		env.put("CRYPTOFEED_PROXY_EXCHANGES__COINBASE_PRO__WEBSOCKET__STRATEGY", "least_connections");
		withEnvironment(env, (pools) -> {
			ProxyPool defaults = pools.resolve(null, ConnectionType.HTTP).orElseThrow();
			assertThat(address(defaults)).isEqualTo("10.0.0.5:1080");
			assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(12));
			assertThat(address(pools.resolve("Binance", ConnectionType.HTTP).orElseThrow()))
				.isEqualTo("10.0.1.1:3128");
			ProxyPool coinbase = pools.resolve("coinbase_pro", ConnectionType.WEBSOCKET).orElseThrow();
			assertThat(coinbase.members()).hasSize(2);
			assertThat(coinbase.strategyName()).isEqualTo("least-connections");
		});
	}

	@Test
	void bothStylesWorkSideBySide() {
		withEnvironment(Map.of("CRYPTOFEED_PROXY_ENABLED", "true", "CRYPTOFEED_PROXY_DEFAULT_HTTP_URL",
				"socks5://10.0.0.5:1080", "CRYPTOFEED_PROXY_DEFAULT__WEBSOCKET__URL", "socks5://10.0.0.6:1080"),
				(pools) -> {
					assertThat(address(pools.resolve(null, ConnectionType.HTTP).orElseThrow()))
						.isEqualTo("10.0.0.5:1080");
					assertThat(address(pools.resolve(null, ConnectionType.WEBSOCKET).orElseThrow()))
						.isEqualTo("10.0.0.6:1080");
				});
	}

	@Test
	void variablesOverrideAnExchangeWrittenInAnotherCase() {
		// ids are case-insensitive: application.yml's 'Binance' and the variables' 'binance' are one exchange
		ApplicationContextRunner yaml = this.runner
			.withPropertyValues("cryptofeed.proxy.exchanges.Binance.hosts[0]=*.binance.com");
		for (Map<String, Object> env : List.of(
				Map.<String, Object>of("CRYPTOFEED_PROXY_ENABLED", "true", "CRYPTOFEED_PROXY_EXCHANGES_BINANCE_HTTP_URL",
						"http://10.0.1.1:3128"),
				Map.<String, Object>of("CRYPTOFEED_PROXY_ENABLED", "true",
						"CRYPTOFEED_PROXY_EXCHANGES__BINANCE__HTTP__URL", "http://10.0.1.1:3128"))) {
			withEnvironment(yaml, env, (pools) -> {
				assertThat(pools.exchangeForHost("api.binance.com")).contains("binance");
				assertThat(address(pools.resolve("binance", ConnectionType.HTTP).orElseThrow()))
					.isEqualTo("10.0.1.1:3128");
			});
		}
	}

	/**
	 * Spring binds coinbase-pro, coinbase_pro and coinbasepro as one name, and a variable cannot
	 * hold the dash: its form of an id application.yml writes with one is that exchange.
	 */
	@Test
	void variablesOverrideAnExchangeWhoseIdHasADashOrUnderscore() {
		for (String id : List.of("coinbase-pro", "gate_io")) {
			String variable = "CRYPTOFEED_PROXY_EXCHANGES_" + id.replaceAll("[-_]", "").toUpperCase() + "_HTTP_URL";
			ApplicationContextRunner yaml = this.runner.withPropertyValues(
					"cryptofeed.proxy.exchanges." + id + ".hosts[0]=*.exchange.test",
					"cryptofeed.proxy.exchanges." + id + ".http.strategy=random");
			withEnvironment(yaml, Map.of("CRYPTOFEED_PROXY_ENABLED", "true", variable, "http://10.0.1.1:3128"),
					(pools) -> {
						assertThat(pools.exchangeForHost("api.exchange.test")).as(variable).contains(id);
						ProxyPool pool = pools.resolve(id, ConnectionType.HTTP).orElseThrow();
						assertThat(address(pool)).isEqualTo("10.0.1.1:3128");
						assertThat(pool.strategyName()).isEqualTo("random");
						assertThat(pools.pools()).as("one exchange, not one per spelling").hasSize(1);
					});
		}
	}

	/**
	 * The variable's spelling of such an id is that exchange for its rate limits too: one
	 * policy, and a bad value reported once, under the id written.
	 */
	@Test
	void anExchangeWhoseIdHasADashGetsOneRateLimitPolicyWhateverTheSpelling() {
		Map<String, Object> variables = Map.of("CRYPTOFEED_PROXY_ENABLED", "true",
				"CRYPTOFEED_PROXY_EXCHANGES_COINBASEPRO_HTTP_URL", "http://10.0.1.1:3128");
		run(this.runner.withPropertyValues("cryptofeed.proxy.exchanges.coinbase-pro.rate-limit.cooldown=2m"),
				variables, (context) -> {
					assertThat(context).hasNotFailed();
					RateLimitPolicies policies = context.getBean(CompiledProxyConfiguration.class).rateLimits();
					assertThat(policies.exchanges()).containsOnlyKeys("coinbase-pro");
					assertThat(policies.of("coinbase-pro").cooldown()).isEqualTo(Duration.ofMinutes(2));
				});
		run(this.runner.withPropertyValues("cryptofeed.proxy.exchanges.coinbase-pro.rate-limit.cooldown=0s"),
				variables, (context) -> assertThat(
						ProxyConfigurationValidationTests.findCause(context.getStartupFailure()).violations())
					.singleElement()
					.satisfies((violation) -> assertThat(violation.property())
						.isEqualTo("cryptofeed.proxy.exchanges.coinbase-pro.rate-limit.cooldown")));
	}

	/**
	 * The original form keeps an id's underscore, in brackets, where Spring fills in nothing from
	 * another spelling: next to a YAML block written with a dash it is a second block for the
	 * exchange, which requests find by either spelling, so start-up stops naming both.
	 */
	@Test
	void anOriginalVariableForAnExchangeThatYamlSpellsWithADashFailsStartupNamingBoth() {
		run(this.runner.withPropertyValues("cryptofeed.proxy.exchanges.coinbase-pro.hosts[0]=*.coinbase.com"),
				Map.of("CRYPTOFEED_PROXY_ENABLED", "true", "CRYPTOFEED_PROXY_EXCHANGES__COINBASE_PRO__HTTP__URL",
						"http://10.0.1.1:3128"),
				(context) -> assertThat(
						ProxyConfigurationValidationTests.findCause(context.getStartupFailure()).violations())
					.singleElement()
					.asString()
					.contains("cryptofeed.proxy.exchanges.coinbase-pro")
					.contains("cryptofeed.proxy.exchanges.coinbase_pro")
					.contains("merge the two blocks into one"));
	}

	@Test
	void unrelatedVariablesAreLeftAlone() {
		assertThat(LegacyEnvironmentVariables.map(Map.of("PATH", "/bin", "CRYPTOFEED_PROXY_ENABLED", "true",
				"OTHER__NESTED", "x"))).isEmpty();
	}

	private void withEnvironment(Map<String, Object> variables, Consumer<ProxyPools> assertions) {
		withEnvironment(this.runner, variables, assertions);
	}

	private static void withEnvironment(ApplicationContextRunner runner, Map<String, Object> variables,
			Consumer<ProxyPools> assertions) {
		run(runner, variables, (context) -> {
			assertThat(context).hasNotFailed();
			assertions.accept(context.getBean(ProxyPools.class));
		});
	}

	private static void run(ApplicationContextRunner runner, Map<String, Object> variables,
			ContextConsumer<AssertableApplicationContext> assertions) {
		runner.withInitializer((context) -> {
			ConfigurableEnvironment environment = context.getEnvironment();
			environment.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
			new LegacyEnvironmentVariables().postProcessEnvironment(environment, new SpringApplication());
		}).run(assertions);
	}

	private static String address(ProxyPool pool) {
		return pool.members().get(0).endpoint().hostAndPort();
	}

}
