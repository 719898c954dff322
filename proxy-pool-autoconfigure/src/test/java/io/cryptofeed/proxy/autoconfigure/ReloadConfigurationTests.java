package io.cryptofeed.proxy.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.cryptofeed.proxy.actuate.ProxyPoolEndpoint;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ReloadStatus;
import io.cryptofeed.proxy.core.SelectionStrategyFactory;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.health.MemberHealth;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** What a reload accepts, what it rejects, and how it is triggered. */
@ExtendWith(OutputCaptureExtension.class)
class ReloadConfigurationTests {

	private static final String CANARY = "canary-7f3a9c";

	private final Map<String, Object> reloadable = new LinkedHashMap<>();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ProxyPoolAutoConfiguration.class, ProxyPoolReloadAutoConfiguration.class))
		.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("reloadable", this.reloadable)))
		.withPropertyValues("cryptofeed.proxy.enabled=true");

	@Test
	void anInvalidConfigurationIsRejectedAndTheRunningPoolsKeepServing(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "socks5://feed:" + CANARY + "@127.0.0.1:1080");
		this.runner.run((context) -> {
			ProxyPool before = pool(context);

			this.reloadable.put("cryptofeed.proxy.default.http.pool[1].url", "socks5://feed:" + CANARY + "@127.0.0.1");
			this.reloadable.put("cryptofeed.proxy.default.http.strategy", "fastest");
			publishChange(context);

			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);
			ReloadStatus status = reloader.status();
			assertThat(status.lastRejected()).isNotNull();
			assertThat(status.lastApplied()).isNull();
			assertThat(status.rejectionReasons()).hasSize(2)
				.anySatisfy((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.http.pool[1].url"))
				.anySatisfy((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.http.strategy"));
			assertThat(pool(context)).isSameAs(before);
			assertThat(before.members()).hasSize(1);
			assertThat(before.select().endpoint().port()).isEqualTo(1080);
			assertThat(output).contains("ERROR").contains("proxy config reload rejected").doesNotContain(CANARY);
			assertThat(status.toString()).doesNotContain(CANARY);
		});
	}

	/** A host name DNS cannot carry is refused by a reload as at start-up, naming the property. */
	@Test
	void aHostNameLongerThanDnsCarriesIsRejectedAndTheRunningPoolsKeepServing(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "socks5://feed:" + CANARY + "@127.0.0.1:1080");
		this.runner.run((context) -> {
			ProxyPool before = pool(context);

			this.reloadable.put("cryptofeed.proxy.default.http.pool[1].url",
					"socks5://feed:" + CANARY + "@" + "a".repeat(64) + ".example:1080");
			publishChange(context);

			assertThat(context.getBean(ProxyPoolReloader.class).status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.http.pool[1].url")
					.contains("a label of the host name is 64 characters long")
					.doesNotContain(CANARY));
			assertThat(pool(context)).isSameAs(before);
			assertThat(before.members()).hasSize(1);
			assertThat(output).contains("proxy config reload rejected").doesNotContain(CANARY);
		});
	}

	/** Host patterns and the health check's URL are held to the same limit, and the running pools keep theirs. */
	@Test
	void patternsAndAProbeHostLongerThanDnsCarriesAreRejectedAndTheRunningPoolsKeepServing() {
		this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "http://127.0.0.1:3128");
		this.reloadable.put("cryptofeed.proxy.direct-hosts[0]", "risk.internal");
		this.runner.run((context) -> {
			ProxyPools pools = context.getBean(ProxyPools.class);
			ProxyPool before = pool(context);

			this.reloadable.put("cryptofeed.proxy.direct-hosts[0]", "oms.internal");
			this.reloadable.put("cryptofeed.proxy.direct-hosts[1]", "*." + "d".repeat(64) + ".internal");
			this.reloadable.put("cryptofeed.proxy.exchanges.binance.http.url", "http://127.0.0.1:3129");
			this.reloadable.put("cryptofeed.proxy.exchanges.binance.hosts[0]", "b.".repeat(127) + "com");
			this.reloadable.put("cryptofeed.proxy.default.http.health-check.method", "http");
			this.reloadable.put("cryptofeed.proxy.default.http.health-check.url",
					"https://" + "p".repeat(64) + ".binance.com/api/v3/ping");
			publishChange(context);

			assertThat(context.getBean(ProxyPoolReloader.class).status().rejectionReasons()).hasSize(3)
				.anySatisfy((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.direct-hosts[1]")
					.contains("64 characters long"))
				.anySatisfy((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.exchanges.binance.hosts[0]")
					.contains("257 characters long"))
				.anySatisfy((reason) -> assertThat(reason)
					.startsWith("cryptofeed.proxy.default.http.health-check.url")
					.contains("64 characters long"));
			assertThat(pool(context)).isSameAs(before);
			assertThat(pools.isDirectHost("risk.internal")).isTrue();
			assertThat(pools.isDirectHost("oms.internal")).isFalse();
			assertThat(pools.resolve("binance", ConnectionType.HTTP)).hasValue(before);
		});
	}

	/** Ids match ignoring case, '-' and '_': a reload that adds a second block for one exchange is refused. */
	@Test
	void aSecondBlockForOneExchangeSpeltAnotherWayIsRejectedAndTheRunningPoolKeepsServing(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.exchanges.coinbase-pro.http.url", "http://127.0.0.1:3128");
		this.runner.run((context) -> {
			ProxyPools pools = context.getBean(ProxyPools.class);
			ProxyPool before = pools.resolve("coinbase-pro", ConnectionType.HTTP).orElseThrow();

			this.reloadable.put("cryptofeed.proxy.exchanges[COINBASE_PRO].http.url", "http://127.0.0.1:3129");
			publishChange(context);

			assertThat(context.getBean(ProxyPoolReloader.class).status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).contains("cryptofeed.proxy.exchanges.coinbase-pro")
					.contains("cryptofeed.proxy.exchanges.COINBASE_PRO")
					.contains("merge the two blocks into one"));
			assertThat(output).contains("proxy config reload rejected");
			assertThat(pools.pools()).hasSize(1);
			assertThat(pools.resolve("coinbase-pro", ConnectionType.HTTP)).containsSame(before);
			assertThat(before.members()).singleElement()
				.satisfies((member) -> assertThat(member.endpoint().port()).isEqualTo(3128));
		});
	}

	/** Weights a reload brings to a pool whose strategy reads none are as silently ignored as at start-up. */
	@Test
	void weightsAReloadGivesAPoolWhoseStrategyIgnoresThemAreNamedInAWarning(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "socks5://127.0.0.1:1080");
		this.reloadable.put("cryptofeed.proxy.default.http.pool[1].url", "socks5://127.0.0.1:1081");
		String warning = "proxy pool: pool=default/http strategy=round-robin ignores the members' weights";
		this.runner.run((context) -> {
			assertThat(output).doesNotContain(warning);
			this.reloadable.put("cryptofeed.proxy.default.http.pool[1].weight", "3");
			publishChange(context);

			assertThat(context.getBean(ProxyPoolReloader.class).status().lastApplied()).isNotNull();
			assertThat(pool(context).members().get(1).weight()).isEqualTo(3);
			assertThat(output).contains(warning + "; use strategy: weighted");
		});
	}

	@Test
	void aMisspeltNameIsRejectedAndTheRunningPoolsKeepTheirStrategy(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "socks5://127.0.0.1:1080");
		this.reloadable.put("cryptofeed.proxy.default.http.strategy", "random");
		this.runner.run((context) -> {
			ProxyPool before = pool(context);
			this.reloadable.remove("cryptofeed.proxy.default.http.strategy");
			this.reloadable.put("cryptofeed.proxy.default.http.stratgy", "least-connections");
			publishChange(context);

			assertThat(context.getBean(ProxyPoolReloader.class).status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.http.stratgy")
					.contains("did you mean cryptofeed.proxy.default.http.strategy?"));
			assertThat(pool(context)).isSameAs(before);
			assertThat(before.strategyName()).isEqualTo("random");
			assertThat(output).contains("proxy config reload rejected");
		});
	}

	@Test
	void aValueThatCannotBeBoundIsRejectedWithoutQuotingIt(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.run((context) -> {
			this.reloadable.put("cryptofeed.proxy.default.http.pool", "socks5://u:" + CANARY + "@127.0.0.1:1080");
			this.reloadable.put("cryptofeed.proxy.default.http.timeout", "soon");
			this.reloadable.put("cryptofeed.proxy.default.websocket.strategy", "fastest");
			publishChange(context);

			// every one at once, rather than the first value that cannot be read
			ReloadStatus status = context.getBean(ProxyPoolReloader.class).status();
			assertThat(status.rejectionReasons()).hasSize(3)
				.anySatisfy((reason) -> assertThat(reason)
					.startsWith("cryptofeed.proxy.default.http.pool = 'socks5://***@127.0.0.1:1080': the value is not"))
				.anySatisfy((reason) -> assertThat(reason)
					.startsWith("cryptofeed.proxy.default.http.timeout = 'soon': the value is not a valid Duration"))
				.anySatisfy((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.websocket.strategy"))
				.as("each on one line, as the ERROR line that quotes them").allSatisfy((reason) -> assertThat(reason)
					.doesNotContain("\n"));
			assertThat(output).contains("proxy config reload rejected").doesNotContain(CANARY);
			assertThat(pool(context).members().get(0).endpoint().port()).isEqualTo(3128);
		});
	}

	/** One source that skips an index: Spring Boot binds up to the gap, with no second source to blame. */
	@Test
	void aListWhoseIndexesSkipOneIsRejectedNamingTheMissingIndex() {
		this.runner.run((context) -> {
			this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "http://127.0.0.1:3128");
			this.reloadable.put("cryptofeed.proxy.default.http.pool[2].url", "socks5://u:" + CANARY + "@127.0.0.1:1080");
			publishChange(context);

			assertThat(context.getBean(ProxyPoolReloader.class).status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.http.pool:")
					.contains("the list has no element [1]")
					.contains("cryptofeed.proxy.default.http.pool[2].url")
					.doesNotContain("more than one place")
					.doesNotContain(CANARY));
		});
	}

	/** A member added in a source above the one that holds the pool, as an env POST or a config server does. */
	@Test
	void aListSetInTwoPlacesIsRejectedWithTheElementsThatCameAlone(CapturedOutput output) {
		this.runner.withPropertyValues("cryptofeed.proxy.default.http.pool[0].url=http://127.0.0.1:3128").run((context) -> {
			this.reloadable.put("cryptofeed.proxy.default.http.pool[1].url", "socks5://u:" + CANARY + "@127.0.0.1:1080");
			publishChange(context);

			assertThat(context.getBean(ProxyPoolReloader.class).status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.http.pool:")
					.contains("set in more than one place")
					.contains("cryptofeed.proxy.default.http.pool[1].url")
					.doesNotContain("java.util")
					.doesNotContain(CANARY));
			assertThat(output).contains("proxy config reload rejected").doesNotContain(CANARY);
			assertThat(pool(context).members()).singleElement()
				.satisfies((member) -> assertThat(member.endpoint().port()).isEqualTo(3128));
		});
	}

	@Test
	void theEndpointShowsWhenAndWhyAReloadWasRejected() {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.withConfiguration(AutoConfigurations.of(ProxyPoolEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=proxypool")
			.run((context) -> {
				ProxyPoolEndpoint endpoint = context.getBean(ProxyPoolEndpoint.class);
				assertThat(endpoint.pools().reload().reloads()).isZero();

				this.reloadable.put("cryptofeed.proxy.default.http.url", "http://feed:" + CANARY + "@127.0.0.1:0");
				publishChange(context);

				ReloadStatus reload = endpoint.pools().reload();
				assertThat(reload.reloads()).isOne();
				assertThat(reload.lastRejected()).isNotNull();
				assertThat(reload.rejectionReasons()).singleElement()
					.satisfies((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.http.url")
						.doesNotContain(CANARY));
				assertThat(endpoint.pools().pools()).singleElement()
					.satisfies((pool) -> assertThat(pool.members()).singleElement()
						.satisfies((member) -> assertThat(member.url()).endsWith(":3128")));
			});
	}

	@Test
	void theReasonsStayWithTheLastRejectionAfterALaterReloadApplies() {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.run((context) -> {
			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);
			this.reloadable.put("cryptofeed.proxy.default.http.strategy", "fastest");
			assertThat(reloader.reload()).isFalse();
			this.reloadable.put("cryptofeed.proxy.default.http.strategy", "random");

			assertThat(reloader.reload()).isTrue();

			ReloadStatus status = reloader.status();
			assertThat(status.reloads()).isEqualTo(2);
			assertThat(status.lastApplied()).isAfterOrEqualTo(status.lastRejected());
			assertThat(status.rejectionReasons()).as("why lastRejected was rejected")
				.singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.http.strategy = 'fastest'"));
			assertThat(pool(context).strategyName()).isEqualTo("random");
		});
	}

	@Test
	void directHostsChangeOnReloadAndABadOneIsRejectedKeepingTheRunningOnes(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.reloadable.put("cryptofeed.proxy.direct-hosts[0]", "risk.internal");
		this.runner.withConfiguration(AutoConfigurations.of(ProxyPoolEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=proxypool")
			.run((context) -> {
				ProxyPools pools = context.getBean(ProxyPools.class);
				assertThat(pools.isDirectHost("risk.internal")).isTrue();
				assertThat(output).contains("proxy pools: direct hosts=[risk.internal]");

				this.reloadable.put("cryptofeed.proxy.direct-hosts[1]", "10.0.0.0/8");
				publishChange(context);
				assertThat(pools.isDirectHost("10.2.3.4")).isTrue();
				assertThat(pools.isDirectHost("risk.internal")).isTrue();
				assertThat(output).contains("proxy config reload: direct hosts=[risk.internal, 10.0.0.0/8]");
				assertThat(context.getBean(ProxyPoolEndpoint.class).pools().directHosts())
					.containsExactly("risk.internal", "10.0.0.0/8");

				this.reloadable.put("cryptofeed.proxy.direct-hosts[0]", "oms.internal");
				this.reloadable.put("cryptofeed.proxy.direct-hosts[1]", "10.0.0.0/64");
				publishChange(context);
				assertThat(context.getBean(ProxyPoolReloader.class).status().rejectionReasons()).singleElement()
					.satisfies((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.direct-hosts[1]"));
				assertThat(pools.isDirectHost("oms.internal")).isFalse();
				assertThat(pools.isDirectHost("10.2.3.4")).isTrue();
				assertThat(pools.resolveForHost("example.org", ConnectionType.HTTP)).isPresent();
			});
	}

	@Test
	void membersThatLeaveFromBehindOneAddressReadApartInTheReloadLog(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "socks5://de:" + CANARY + "@127.0.0.1:1080");
		this.reloadable.put("cryptofeed.proxy.default.http.pool[1].url", "socks5://fr:" + CANARY + "@127.0.0.1:1080");
		this.reloadable.put("cryptofeed.proxy.default.http.pool[2].url", "http://127.0.0.1:3128");
		this.runner.run((context) -> {
			this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "http://127.0.0.1:3128");
			this.reloadable.remove("cryptofeed.proxy.default.http.pool[1].url");
			this.reloadable.remove("cryptofeed.proxy.default.http.pool[2].url");
			publishChange(context);

			assertThat(pool(context).members()).hasSize(1);
			String first = "member=socks5://***@127.0.0.1:1080#0 change=removed";
			String second = "member=socks5://***@127.0.0.1:1080#1 change=removed";
			assertThat(output).contains(first).contains(second).doesNotContain(CANARY);
			assertThat(output.getOut().indexOf(first)).isLessThan(output.getOut().indexOf(second));
		});
	}

	@Test
	void aHealthCheckUrlTheProbeCannotUseIsRejectedBeforeAnythingChanges(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "http://127.0.0.1:3128");
		this.reloadable.put("cryptofeed.proxy.default.http.health-check.interval", "1h");
		this.runner.withConfiguration(AutoConfigurations.of(ProxyPoolHealthAutoConfiguration.class)).run((context) -> {
			ProxyPool before = pool(context);
			HealthChecker health = context.getBean(HealthChecker.class);
			assertThat(health.checkedMembers()).isOne();

			this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "http://127.0.0.1:3129");
			this.reloadable.put("cryptofeed.proxy.default.http.health-check.method", "http");
			this.reloadable.put("cryptofeed.proxy.default.http.health-check.url",
					"https://feed:" + CANARY + "@api_v3.binance.test/api/v3/ping?apikey=" + CANARY);
			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);

			assertThat(reloader.reload()).isFalse();

			assertThat(reloader.status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.http.health-check.url")
					.doesNotContain(CANARY));
			assertThat(pool(context)).isSameAs(before);
			assertThat(before.members()).singleElement()
				.satisfies((member) -> assertThat(member.endpoint().port()).isEqualTo(3128))
				.satisfies((member) -> assertThat(member.isRemoved()).isFalse())
				.satisfies((member) -> assertThat(health.healthOf(member)).isPresent());
			assertThat(output).contains("proxy config reload rejected").doesNotContain(CANARY);
		});
	}

	/** A tenth meant, a thousandth read: the reload says so instead of checking almost on the beat. */
	@Test
	void aBareJitterIsRejectedAndTheRunningChecksKeepTheirs(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "http://127.0.0.1:3128");
		this.reloadable.put("cryptofeed.proxy.default.http.health-check.interval", "1h");
		this.reloadable.put("cryptofeed.proxy.default.http.health-check.jitter", "20%");
		this.runner.withConfiguration(AutoConfigurations.of(ProxyPoolHealthAutoConfiguration.class)).run((context) -> {
			ProxyPool before = pool(context);
			HealthChecker health = context.getBean(HealthChecker.class);
			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);
			this.reloadable.put("cryptofeed.proxy.default.http.health-check.jitter", "0.1");

			assertThat(reloader.reload()).isFalse();

			assertThat(reloader.status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.http.health-check.jitter")
					.contains("10% for a tenth of the interval"));
			assertThat(reloader.current().healthChecks().values()).singleElement()
				.satisfies((settings) -> assertThat(settings.jitter()).isEqualTo(0.2));
			assertThat(pool(context)).isSameAs(before);
			assertThat(before.members()).singleElement()
				.satisfies((member) -> assertThat(health.healthOf(member)).isPresent());
			assertThat(output).contains("proxy config reload rejected");
		});
	}

	/** The application's own strategy may fail to be made: nothing else may have changed by then. */
	@Test
	void aStrategyTheApplicationCannotMakeRejectsTheReloadAndLeavesEveryTargetAsItWas(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.withUserConfiguration(UnmakeableStrategyConfiguration.class).run((context) -> {
			ProxyPool before = pool(context);
			RateLimits rateLimits = context.getBean(RateLimits.class);
			assertThat(rateLimits.forExchange("binance").policy().cooldown()).hasSeconds(30);
			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);
			this.reloadable.put("cryptofeed.proxy.default.rate-limit.cooldown", "45s");
			this.reloadable.put("cryptofeed.proxy.default.http.strategy", "unmakeable");

			assertThat(reloader.reload()).isFalse();

			assertThat(reloader.status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.http.strategy = 'unmakeable'")
					.contains("IllegalStateException"));
			assertThat(rateLimits.forExchange("binance").policy().cooldown()).as("back to the running one")
				.hasSeconds(30);
			assertThat(reloader.current().rateLimits().defaults().cooldown()).hasSeconds(30);
			assertThat(pool(context)).isSameAs(before);
			assertThat(before.strategyName()).isEqualTo("round-robin");
			assertThat(output).contains("proxy config reload rejected");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UnmakeableStrategyConfiguration {

		@Bean
		SelectionStrategyFactory unmakeable() {
			return SelectionStrategies.factory("unmakeable", () -> {
				throw new IllegalStateException("no strategy today");
			});
		}

	}

	@Test
	void aStrategyTheApplicationCannotMakeChangesNoTargetWhileItIsBeingMade(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.withConfiguration(AutoConfigurations.of(ProxyPoolTransportAutoConfiguration.class))
			.withUserConfiguration(WatchingUnmakeableStrategyConfiguration.class)
			.run((context) -> {
				this.reloadable.put("cryptofeed.proxy.default.rate-limit.cooldown", "45s");
				this.reloadable.put("cryptofeed.proxy.connection-pool.max-connections", "10");
				this.reloadable.put("cryptofeed.proxy.default.http.strategy", "unmakeable");

				assertThat(context.getBean(ProxyPoolReloader.class).reload()).isFalse();

				// what every other thread's request ran with while the factory was asked
				assertThat(context.getBean(WatchingUnmakeableStrategyConfiguration.class).cooldownSeen)
					.as("the exchange's cooldown while the strategy was being made")
					.hasSeconds(30);
				assertThat(output).contains("proxy config reload rejected")
					.doesNotContain("connection-pool settings apply at the next start");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class WatchingUnmakeableStrategyConfiguration {

		volatile Duration cooldownSeen;

		@Bean
		SelectionStrategyFactory unmakeable(ObjectProvider<RateLimits> rateLimits) {
			return SelectionStrategies.factory("unmakeable", () -> {
				this.cooldownSeen = rateLimits.getObject().forExchange("binance").policy().cooldown();
				throw new IllegalStateException("no strategy today");
			});
		}

	}

	/**
	 * A single url turned into a pool that lists it, and back: the proxy stays the same member
	 * throughout, with its breaker and its state, its health record and its drained flag; the
	 * member that came and went with the pool loses its breaker again.
	 */
	@Test
	void aUrlTurnedIntoAPoolAndBackKeepsItsMemberWithItsState() {
		String url = "cryptofeed.proxy.default.http.url";
		String pool = "cryptofeed.proxy.default.http.pool";
		this.reloadable.put(url, "http://127.0.0.1:3128");
		this.runner.withConfiguration(AutoConfigurations.of(ProxyPoolTransportAutoConfiguration.class,
				ProxyPoolHealthAutoConfiguration.class))
			.run((context) -> {
				ProxyPool running = pool(context);
				PoolMember member = running.members().get(0);
				MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
				HealthChecker health = context.getBean(HealthChecker.class);
				CircuitBreaker breaker = breakers.breakerOf(member);
				breaker.transitionToOpenState();
				running.setUnavailable(member, Unavailability.DRAINED, true);
				MemberHealth record = health.healthOf(member).orElseThrow();
				ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);

				this.reloadable.remove(url);
				this.reloadable.put(pool + "[0].url", "http://127.0.0.1:3129");
				this.reloadable.put(pool + "[1].url", "http://127.0.0.1:3128");
				assertThat(reloader.reload()).isTrue();

				assertThat(pool(context)).isSameAs(running);
				assertThat(running.origin()).isEqualTo(PoolSpec.Origin.POOL);
				assertThat(running.members()).hasSize(2).element(1).isSameAs(member);
				PoolMember joined = running.members().get(0);
				assertThat(breakers.breakerOf(joined)).isNotNull();
				assertKept(member, breaker, record, breakers, health);

				this.reloadable.remove(pool + "[0].url");
				this.reloadable.remove(pool + "[1].url");
				this.reloadable.put(url, "http://127.0.0.1:3128");
				assertThat(reloader.reload()).isTrue();

				assertThat(pool(context)).isSameAs(running);
				assertThat(running.origin()).isEqualTo(PoolSpec.Origin.URL);
				assertThat(running.members()).containsExactly(member);
				assertKept(member, breaker, record, breakers, health);
				assertThat(breakers.breakerOf(joined)).isNull();
				assertThat(breakers.registry().getAllCircuitBreakers()).containsExactly(breaker);
				assertThat(health.checkedMembers()).isOne();
			});
	}

	private static void assertKept(PoolMember member, CircuitBreaker breaker, MemberHealth record,
			MemberCircuitBreakers breakers, HealthChecker health) {
		assertThat(breakers.breakerOf(member)).isSameAs(breaker);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(member.isSetAsideFor(Unavailability.CIRCUIT_OPEN)).isTrue();
		assertThat(member.isSetAsideFor(Unavailability.DRAINED)).isTrue();
		assertThat(health.healthOf(member)).containsSame(record);
	}

	/**
	 * The application's own strategy may refuse the members a reload brings (a label it needs
	 * is missing), as it would stop the start: the reload is rejected before anything changes,
	 * not left half done with members in the pool that no breaker watches.
	 */
	@Test
	void membersTheApplicationsStrategyRefusesRejectTheReloadAndLeaveEveryTargetAsItWas(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "http://127.0.0.1:3128");
		this.reloadable.put("cryptofeed.proxy.default.http.pool[0].metadata.region", "eu");
		this.reloadable.put("cryptofeed.proxy.default.http.strategy", "by-region");
		this.runner.withConfiguration(AutoConfigurations.of(ProxyPoolTransportAutoConfiguration.class))
			.withUserConfiguration(RegionStrategyConfiguration.class)
			.run((context) -> {
				ProxyPool before = pool(context);
				PoolMember kept = before.members().get(0);
				RateLimits rateLimits = context.getBean(RateLimits.class);
				ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);
				this.reloadable.put("cryptofeed.proxy.default.rate-limit.cooldown", "45s");
				this.reloadable.put("cryptofeed.proxy.default.http.pool[0].weight", "2");
				this.reloadable.put("cryptofeed.proxy.default.http.pool[1].url",
						"http://feed:" + CANARY + "@127.0.0.1:3129");

				assertThat(reloader.reload()).isFalse();

				assertThat(reloader.status().rejectionReasons()).singleElement()
					.satisfies((reason) -> assertThat(reason)
						.startsWith("cryptofeed.proxy.default.http.strategy = 'by-region'")
						.contains("IllegalArgumentException")
						.contains("has no region")
						.doesNotContain(CANARY));
				assertThat(pool(context)).isSameAs(before);
				assertThat(before.members()).containsExactly(kept);
				assertThat(kept.weight()).isEqualTo(1);
				assertThat(before.select().member()).isSameAs(kept);
				assertThat(rateLimits.forExchange("binance").policy().cooldown()).hasSeconds(30);
				assertThat(output).contains("proxy config reload rejected").doesNotContain(CANARY);

				// fixed, the reload applies, and the member it adds has a breaker like any other
				this.reloadable.put("cryptofeed.proxy.default.http.pool[1].metadata.region", "us");
				assertThat(reloader.reload()).isTrue();
				assertThat(before.members()).hasSize(2)
					.allSatisfy((member) -> assertThat(context.getBean(MemberCircuitBreakers.class).breakerOf(member))
						.isNotNull());
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class RegionStrategyConfiguration {

		/** Round-robin among members that each name their region, as a region-aware strategy would need. */
		@Bean
		SelectionStrategyFactory byRegion() {
			return SelectionStrategies.factory("by-region", () -> (candidates) -> {
				for (PoolMember candidate : candidates) {
					if (!candidate.metadata().containsKey("region")) {
						// a message of the application's own, which may quote the member's URL whole
						ProxyEndpoint endpoint = candidate.endpoint();
						throw new IllegalArgumentException("member http://" + endpoint.username() + ":"
								+ endpoint.password() + "@" + endpoint.hostAndPort() + " has no region");
					}
				}
				return SelectionStrategies.builtIn().create("round-robin").prepare(candidates);
			});
		}

	}

	/**
	 * The strategy a reload tries a new pool's members with is the one the pool then runs on:
	 * an application's factory (which may count, log or register what it makes) is asked once
	 * per pool that takes a new strategy, not once for the trial and again for the pool.
	 */
	@Test
	void aPoolThatTakesANewStrategyOnAReloadGetsTheOneItsMembersWereTriedWith() {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.withUserConfiguration(CountedStrategyConfiguration.class).run((context) -> {
			CountedStrategyConfiguration counted = context.getBean(CountedStrategyConfiguration.class);
			assertThat(counted.made).hasValue(0);
			this.reloadable.put("cryptofeed.proxy.default.http.strategy", "counted");
			this.reloadable.put("cryptofeed.proxy.exchanges.binance.http.url", "http://127.0.0.1:3129");
			this.reloadable.put("cryptofeed.proxy.exchanges.binance.http.strategy", "counted");

			assertThat(context.getBean(ProxyPoolReloader.class).reload()).isTrue();

			assertThat(pool(context).strategyName()).isEqualTo("counted");
			assertThat(counted.made).as("one strategy for each of the two pools").hasValue(2);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CountedStrategyConfiguration {

		final AtomicInteger made = new AtomicInteger();

		@Bean
		SelectionStrategyFactory counted() {
			return SelectionStrategies.factory("counted", () -> {
				this.made.incrementAndGet();
				return SelectionStrategies.builtIn().create("round-robin");
			});
		}

	}

	@Test
	void aBreakerSettingResilience4jRefusesIsRejectedBeforeAnythingChanges(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.withConfiguration(AutoConfigurations.of(ProxyPoolTransportAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(MemberCircuitBreakers.class);
				this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3129");
				this.reloadable.put("cryptofeed.proxy.connection-pool.max-connections", "10");
				this.reloadable.put("cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state", "500us");
				ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);

				assertThat(reloader.reload()).isFalse();

				assertThat(reloader.status().rejectionReasons()).singleElement()
					.satisfies((reason) -> assertThat(reason)
						.startsWith("cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state"));
				assertThat(pool(context).members()).singleElement()
					.satisfies((member) -> assertThat(member.endpoint().port()).isEqualTo(3128));
				// the transport did not take its part of the rejected configuration either
				assertThat(output).contains("proxy config reload rejected")
					.doesNotContain("connection-pool settings apply at the next start");
			});
	}

	@Test
	void turningPoolsOffWhileRunningIsRejected() {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.run((context) -> {
			this.reloadable.put("cryptofeed.proxy.enabled", "false");
			publishChange(context);
			assertThat(context.getBean(ProxyPoolReloader.class).status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.enabled"));
			assertThat(pool(context).members()).hasSize(1);
		});
	}

	@Test
	void anUnreadableMainSwitchIsRejectedWithoutAnException() {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.run((context) -> {
			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);
			this.reloadable.put("cryptofeed.proxy.enabled", "ture");
			this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3129");

			assertThat(reloader.reload()).isFalse();

			assertThat(reloader.status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.enabled = 'ture'")
					.contains("set cryptofeed.proxy.enabled to true"));
			assertThat(pool(context).members()).singleElement()
				.satisfies((member) -> assertThat(member.endpoint().port()).isEqualTo(3128));

			this.reloadable.put("cryptofeed.proxy.enabled", "true ");
			assertThat(reloader.reload()).as("Boot's conditions would read it as off").isFalse();
			assertThat(reloader.status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).contains("to true or false, without spaces"));

			this.reloadable.put("cryptofeed.proxy.enabled", "TRUE");
			assertThat(reloader.reload()).as("Boot reads booleans in any case").isTrue();
			assertThat(pool(context).members()).singleElement()
				.satisfies((member) -> assertThat(member.endpoint().port()).isEqualTo(3129));
		});
	}

	@Test
	void changesOutsideTheProxyPropertiesDoNotReload() {
		this.runner.run((context) -> {
			context.publishEvent(new EnvironmentChangeEvent(context, java.util.Set.of("logging.level.root")));
			assertThat(context.getBean(ProxyPoolReloader.class).status().reloads()).isZero();
		});
	}

	@Test
	void keysAreRecognisedInEverySpellingTheirSourcesUse() {
		assertThat(ProxyPoolRefreshListener.concernsProxies(java.util.Set.of("CRYPTOFEED_PROXY_DEFAULT_HTTP_URL")))
			.isTrue();
		assertThat(ProxyPoolRefreshListener.concernsProxies(java.util.Set.of("cryptofeed.proxy.exchanges.binance.http.url")))
			.isTrue();
		assertThat(ProxyPoolRefreshListener.concernsProxies(java.util.Set.of("cryptofeed.proxyish", "server.port")))
			.isFalse();
	}

	@Test
	void withoutSpringCloudTheReloaderStillReloadsWhenCalled() {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.withClassLoader(new FilteredClassLoader(EnvironmentChangeEvent.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(ProxyPoolRefreshListener.class).hasSingleBean(ProxyPoolReloader.class);
			this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3129");

			assertThat(context.getBean(ProxyPoolReloader.class).reload()).isTrue();

			assertThat(pool(context).members()).singleElement()
				.satisfies((member) -> assertThat(member.endpoint().port()).isEqualTo(3129));
		});
	}

	@Test
	void springCloudsContextRefresherReloadsThePools(@TempDir Path directory) throws IOException {
		String key = "cryptofeed.proxy.default.http.url";
		Path file = directory.resolve("proxies.properties");
		Files.writeString(file, key + "=http://127.0.0.1:3128\n");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(RefreshableApplication.class)
			.web(WebApplicationType.NONE)
			.properties("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.health-check.enabled=false",
					"spring.config.import=file:" + file)
			.run()) {
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
			Files.writeString(file, key + "=http://127.0.0.1:3130\n");

			assertThat(context.getBean(ContextRefresher.class).refresh()).contains(key);

			assertThat(context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP)).containsSame(pool);
			assertThat(pool.members()).singleElement()
				.satisfies((member) -> assertThat(member.endpoint().port()).isEqualTo(3130));
			assertThat(context.getBean(ProxyPoolReloader.class).status().lastApplied()).isNotNull();
		}
	}

	/** The quickstart's placeholder: a password rotated where it is kept is a change to the pools too. */
	@Test
	void aRefreshThatChangesOnlyWhatAPlaceholderNamesReloadsThePools(@TempDir Path directory) throws IOException {
		Path file = directory.resolve("secrets.properties");
		Files.writeString(file, "PROXY_PASSWORD=old-" + CANARY + "\n");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(RefreshableApplication.class)
			.web(WebApplicationType.NONE)
			.properties("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.health-check.enabled=false",
					"cryptofeed.proxy.default.http.url=socks5://feed:${PROXY_PASSWORD}@127.0.0.1:1080",
					"spring.config.import=file:" + file)
			.run()) {
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
			PoolMember member = pool.members().get(0);
			assertThat(member.endpoint().password()).isEqualTo("old-" + CANARY);
			Files.writeString(file, "PROXY_PASSWORD=new-" + CANARY + "\n");

			assertThat(context.getBean(ContextRefresher.class).refresh()).containsExactly("PROXY_PASSWORD");

			assertThat(context.getBean(ProxyPoolReloader.class).status().lastApplied()).isNotNull();
			assertThat(pool.members()).singleElement().isSameAs(member);
			assertThat(member.endpoint().password()).isEqualTo("new-" + CANARY);
		}
	}

	@Test
	void aChangeToWhatAPlaceholderNamesInTurnReloadsThePools() {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "${desk.proxy-url}");
		this.reloadable.put("desk.proxy-url", "http://feed:${DESK_PROXY_PASSWORD}@127.0.0.1:3128");
		this.reloadable.put("DESK_PROXY_PASSWORD", "old");
		this.reloadable.put("unrelated.setting", "a");
		this.runner.run((context) -> {
			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);
			this.reloadable.put("unrelated.setting", "b");
			context.publishEvent(new EnvironmentChangeEvent(context, java.util.Set.of("unrelated.setting")));
			assertThat(reloader.status().reloads()).isZero();

			this.reloadable.put("DESK_PROXY_PASSWORD", "new");
			context.publishEvent(new EnvironmentChangeEvent(context, java.util.Set.of("DESK_PROXY_PASSWORD")));

			assertThat(reloader.status().reloads()).isOne();
			assertThat(pool(context).members()).singleElement()
				.satisfies((member) -> assertThat(member.endpoint().password()).isEqualTo("new"));
		});
	}

	@Test
	void aValueSpringCloudCannotRebindIsStillRejectedAndRecorded(@TempDir Path directory, CapturedOutput output)
			throws IOException {
		String pool = "cryptofeed.proxy.default.http.pool";
		String members = pool + "[0].url=http://127.0.0.1:3128\n" + pool + "[1].url=http://127.0.0.1:3129\n" + pool
				+ "[2].url=http://127.0.0.1:3130\n";
		Path file = directory.resolve("proxies.properties");
		Files.writeString(file, members);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(RebindingApplication.class)
			.web(WebApplicationType.NONE)
			.properties("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.health-check.enabled=false",
					"spring.config.import=file:" + file)
			.run()) {
			ProxyPool running = context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
			Files.writeString(file, members + pool + "[2].weight=abc\n");

			// Spring Cloud's rebinder runs after the reload and fails on the same value
			assertThatExceptionOfType(ConfigurationPropertiesBindException.class)
				.isThrownBy(() -> context.getBean(ContextRefresher.class).refresh());

			ReloadStatus status = context.getBean(ProxyPoolReloader.class).status();
			assertThat(status.lastRejected()).isNotNull();
			assertThat(status.rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith(pool + "[2].weight = 'abc'"));
			assertThat(output).contains("ERROR").contains("proxy config reload rejected");
			assertThat(running.members()).hasSize(3).allSatisfy((member) -> assertThat(member.weight()).isOne());
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ProxyPoolAutoConfiguration.class, ProxyPoolReloadAutoConfiguration.class,
			RefreshAutoConfiguration.class, ConfigurationPropertiesRebinderAutoConfiguration.class })
	static class RefreshableApplication {

	}

	/**
	 * Listeners without an order are called in the order they were created, which the
	 * application decides: here a bean of its own needs the rebinder, so it comes first.
	 */
	@Configuration(proxyBeanMethods = false)
	@Import(RefreshableApplication.class)
	static class RebindingApplication {

		@Bean
		Runnable rebindsOnItsOwn(ConfigurationPropertiesRebinder rebinder) {
			return rebinder::rebind;
		}

	}

	private void publishChange(AssertableApplicationContext context) {
		context.publishEvent(new EnvironmentChangeEvent(context, this.reloadable.keySet()));
	}

	private static ProxyPool pool(AssertableApplicationContext context) {
		return context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
	}

}
