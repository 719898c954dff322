package io.cryptofeed.proxy.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.cryptofeed.proxy.actuate.CircuitBreakerMetrics;
import io.cryptofeed.proxy.actuate.CooldownMetrics;
import io.cryptofeed.proxy.actuate.DirectRouteMetrics;
import io.cryptofeed.proxy.actuate.ProxyPoolMetrics;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.health.HealthListener;
import io.cryptofeed.proxy.health.probe.ProbeResources;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.TestProxiesExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * A bean of the application's in place of one of the starter's: the starter's steps back and
 * the rest of the starter works with the application's.
 */
class BeanReplacementTests {

	@RegisterExtension
	final TestProxiesExtension proxies = new TestProxiesExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolSwitchesAutoConfiguration.class,
				ProxyPoolAutoConfiguration.class, ProxyPoolTransportAutoConfiguration.class,
				ProxyPoolHealthAutoConfiguration.class, ProxyPoolReloadAutoConfiguration.class,
				ProxyPoolMetricsAutoConfiguration.class));

	static Stream<Arguments> replaceable() {
		return Stream.of(Arguments.of(SelectionStrategies.class, OwnStrategies.class),
				Arguments.of(ProxyConfigurationCompiler.class, OwnCompiler.class),
				Arguments.of(CompiledProxyConfiguration.class, OwnCompiled.class),
				Arguments.of(RateLimits.class, OwnRateLimits.class),
				Arguments.of(ProxyPoolHttpClients.class, OwnClients.class),
				Arguments.of(MemberCircuitBreakers.class, OwnBreakers.class),
				Arguments.of(CooldownMetrics.class, OwnCooldownMetrics.class),
				Arguments.of(DirectRouteMetrics.class, OwnDirectRouteMetrics.class),
				Arguments.of(ProbeResources.class, OwnProbeResources.class),
				Arguments.of(ProxyPoolMetrics.class, OwnPoolMetrics.class),
				Arguments.of(CircuitBreakerMetrics.class, OwnBreakerMetrics.class));
	}

	/** The application's bean, named own, is the only one of its type, and the rest of the starter is there. */
	@ParameterizedTest
	@MethodSource("replaceable")
	void aBeanOfYourOwnReplacesTheStartersOne(Class<?> type, Class<?> own) {
		this.runner.withUserConfiguration(own)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.url=http://127.0.0.1:3128",
					"cryptofeed.proxy.default.http.health-check.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanNamesForType(type)).containsExactly("own");
				assertThat(context).hasSingleBean(ProxyPools.class)
					.hasSingleBean(ProxyPoolHttpClients.class)
					.hasSingleBean(MemberCircuitBreakers.class)
					.hasSingleBean(HealthChecker.class)
					.hasSingleBean(ProxyPoolReloader.class)
					.hasSingleBean(ProxyPoolMetrics.class)
					.hasSingleBean(CircuitBreakerMetrics.class);
			});
	}

	/**
	 * Declared as the docs say, without an init method: its checks must run all the same, and
	 * reach the HealthListener beans (here the metrics) it was given.
	 */
	@Test
	void aHealthCheckerOfYourOwnChecks() {
		HttpConnectProxy proxy = this.proxies.http();
		this.runner.withUserConfiguration(OwnHealthChecker.class)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.url=" + proxy.url())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanNamesForType(HealthChecker.class)).containsExactly("ownHealthChecker");
				HealthChecker checker = context.getBean(HealthChecker.class);
				PoolMember member = context.getBean(ProxyPools.class).pools().values().iterator().next().members().get(0);
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(checker.healthOf(member)).hasValueSatisfying(
							(health) -> assertThat(health.snapshot().totalChecks()).isPositive()));
				assertThat(proxy.accepted()).isPositive();
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(context.getBean(MeterRegistry.class)
						.get(ProxyPoolMetrics.HEALTH_CHECK)
						.tag("result", "passed")
						.timer()
						.count()).isPositive());
			});
	}

	/** The breakers hear the outcomes of the pooled clients through the ProxyOutcomes beans. */
	@Test
	void breakersOfYourOwnHearTheConnectOutcomes() {
		HttpConnectProxy proxy = this.proxies.http();
		proxy.fault(Fault.REFUSE);
		this.runner.withUserConfiguration(OwnBreakers.class)
			.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.url=" + proxy.url(),
					"cryptofeed.proxy.default.http.health-check.enabled=false")
			.run((context) -> {
				assertThat(context.getBeanNamesForType(MemberCircuitBreakers.class)).containsExactly("own");
				PoolMember member = context.getBean(ProxyPools.class).pools().values().iterator().next().members().get(0);
				ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
				assertThatException().isThrownBy(() -> clients.apply(clients.newHttpClient(), ConnectionType.HTTP)
					.get()
					.uri("http://127.0.0.1:9/")
					.response()
					.block(Duration.ofSeconds(10)));
				assertThat(context.getBean(MemberCircuitBreakers.class)
					.breakerOf(member)
					.getMetrics()
					.getNumberOfFailedCalls()).isPositive();
			});
	}

	/**
	 * A reload that removes a member: the rate limits forget it and its cooldown gauge goes, the
	 * application's limits as the starter's (they once heard of no reload, and kept both).
	 */
	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void rateLimitsForgetTheMembersAReloadRemoves(boolean own) {
		Map<String, Object> reloadable = twoMembers();
		reloadableRunner(reloadable, own ? OwnRateLimits.class : None.class).run((context) -> {
			ProxyPool pool = defaultHttpPool(context.getBean(ProxyPools.class));
			PoolMember leaving = pool.members().get(1);
			RateLimits limits = context.getBean(RateLimits.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			// as Boot's metrics binds every MeterBinder bean
			context.getBean(CooldownMetrics.class).bindTo(registry);
			limits.forExchange("binance").responded(pool, leaving, 429, "60");
			assertThat(limits.stateOf(leaving)).containsOnlyKeys("binance");
			assertThat(registry.find("cryptofeed.proxy.cooldown.remaining").gauges()).hasSize(1);

			reloadable.remove("cryptofeed.proxy.default.http.pool[1].url");
			assertThat(context.getBean(ProxyPoolReloader.class).reload()).isTrue();

			assertThat(limits.stateOf(leaving)).isEmpty();
			assertThat(registry.find("cryptofeed.proxy.cooldown.remaining").gauges()).isEmpty();
		});
	}

	/**
	 * The application's pool metrics, made with the public constructor, meter every pool and
	 * follow reloads, as the starter's (they once metered nothing, silently).
	 */
	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void poolMetricsMeterThePoolsAndFollowReloads(boolean own) {
		Map<String, Object> reloadable = twoMembers();
		reloadableRunner(reloadable, own ? OwnPoolMetrics.class : None.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find(ProxyPoolMetrics.MEMBER_AVAILABLE).gauges()).hasSize(2);
			assertThat(registry.find(ProxyPoolMetrics.POOL_AVAILABLE).gauge()).isNotNull();

			reloadable.remove("cryptofeed.proxy.default.http.pool[1].url");
			assertThat(context.getBean(ProxyPoolReloader.class).reload()).isTrue();

			assertThat(registry.find(ProxyPoolMetrics.MEMBER_AVAILABLE).gauges()).hasSize(1);
		});
	}

	private static Map<String, Object> twoMembers() {
		Map<String, Object> reloadable = new LinkedHashMap<>();
		reloadable.put("cryptofeed.proxy.default.http.pool[0].url", "http://127.0.0.1:3128");
		reloadable.put("cryptofeed.proxy.default.http.pool[1].url", "http://127.0.0.1:3129");
		return reloadable;
	}

	private ApplicationContextRunner reloadableRunner(Map<String, Object> reloadable, Class<?> configuration) {
		return this.runner.withUserConfiguration(configuration)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("reloadable", reloadable)))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("cryptofeed.proxy.enabled=true",
					"cryptofeed.proxy.default.http.health-check.enabled=false");
	}

	private static ProxyPool defaultHttpPool(ProxyPools pools) {
		return pools.pools().get(PoolKey.ofDefault(ConnectionType.HTTP));
	}

	@Configuration(proxyBeanMethods = false)
	static class None {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnHealthChecker {

		@Bean
		HealthChecker ownHealthChecker(ProxyPools pools, CompiledProxyConfiguration configuration,
				ProbeResources probes, ObjectProvider<HealthListener> listeners) {
			return new HealthChecker(pools, configuration.healthChecks(), (settings) -> probes.tcp(settings.proxyTls()),
					Schedulers.newParallel("own-health", 1, true), Clock.systemUTC(), () -> 0.5, 2,
					HealthListener.all(listeners.orderedStream().toList()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnStrategies {

		@Bean
		SelectionStrategies own() {
			return SelectionStrategies.withAdditional(List.of());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCompiler {

		@Bean
		ProxyConfigurationCompiler own(SelectionStrategies strategies) {
			return new ProxyConfigurationCompiler(strategies);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCompiled {

		@Bean
		CompiledProxyConfiguration own(ProxyConfigurationCompiler compiler, ProxyProperties properties) {
			return compiler.compile(properties);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRateLimits {

		@Bean
		RateLimits own(CompiledProxyConfiguration configuration) {
			return new RateLimits(configuration.rateLimits(), Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClients {

		@Bean
		ProxyPoolHttpClients own(ProxyPools pools, CompiledProxyConfiguration configuration, RateLimits rateLimits) {
			return new ProxyPoolHttpClients(pools, configuration.transport(), ProxyOutcomes.NONE, rateLimits, null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBreakers {

		@Bean
		MemberCircuitBreakers own(ProxyPools pools, CompiledProxyConfiguration configuration) {
			return new MemberCircuitBreakers(MemberCircuitBreakers.registry(configuration.breaker()), pools);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCooldownMetrics {

		@Bean
		CooldownMetrics own(RateLimits rateLimits) {
			return new CooldownMetrics(rateLimits);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDirectRouteMetrics {

		@Bean
		DirectRouteMetrics own(ProxyPoolHttpClients clients) {
			return new DirectRouteMetrics(clients.directRoutes());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnProbeResources {

		@Bean
		ProbeResources own() {
			return ProbeResources.create("own-probes", 1);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnPoolMetrics {

		@Bean
		ProxyPoolMetrics own(MeterRegistry registry) {
			return new ProxyPoolMetrics(registry, PoolMember::activeLeases);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBreakerMetrics {

		@Bean
		CircuitBreakerMetrics own(MemberCircuitBreakers breakers, MeterRegistry registry) {
			return new CircuitBreakerMetrics(breakers, registry);
		}

	}

}
