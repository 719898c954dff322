package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.actuate.CircuitBreakerMetrics;
import io.cryptofeed.proxy.actuate.ProxyPoolMetrics;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyPoolMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyPoolTransportAutoConfiguration.class, ProxyPoolHealthAutoConfiguration.class,
				ProxyPoolMetricsAutoConfiguration.class))
		.withPropertyValues("cryptofeed.proxy.enabled=true",
				"cryptofeed.proxy.default.http.pool[0].url=http://127.0.0.1:3128",
				"cryptofeed.proxy.default.http.pool[1].url=http://127.0.0.2:3128");

	private final ApplicationContextRunner withBootMetrics = this.runner
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class));

	@Test
	void boundToBootsRegistryWithTheBreakers() {
		this.withBootMetrics.run((context) -> {
			assertThat(context).hasSingleBean(ProxyPoolMetrics.class).hasSingleBean(CircuitBreakerMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(ProxyPoolMetrics.MEMBER_AVAILABLE).gauges()).hasSize(2);
			assertThat(registry.get("resilience4j.circuitbreaker.state").gauges()).isNotEmpty();
			assertThat(registry.get(ProxyPoolMetrics.CONNECTIONS_ACTIVE).gauges())
				.allSatisfy((gauge) -> assertThat(gauge.value()).isZero());
		});
	}

	@Test
	void withoutAMeterRegistryNothingIsMeasuredAndThePoolsWork() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(ProxyPoolHttpClients.class)
			.doesNotHaveBean(ProxyPoolMetrics.class)
			.doesNotHaveBean(CircuitBreakerMetrics.class));
	}

	@Test
	void withoutMicrometerOnTheClassPathThePoolsWork() {
		this.runner.withUserConfiguration(OwnRegistry.class)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ProxyPools.class)
				.doesNotHaveBean(ProxyPoolMetrics.class));
	}

	@Test
	void aRegistryOfYourOwnIsUsed() {
		this.runner.withUserConfiguration(OwnRegistry.class).run((context) -> {
			assertThat(context).hasSingleBean(ProxyPoolMetrics.class);
			assertThat(context.getBean(MeterRegistry.class).find(ProxyPoolMetrics.POOL_AVAILABLE).gauge()).isNotNull();
		});
	}

	@Test
	void noBreakerMetricsWithoutBreakersOrResilience4jMicrometer() {
		this.withBootMetrics.withPropertyValues("cryptofeed.proxy.circuit-breaker.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(ProxyPoolMetrics.class)
				.doesNotHaveBean(CircuitBreakerMetrics.class));
		this.withBootMetrics.withClassLoader(new FilteredClassLoader(TaggedCircuitBreakerMetrics.class))
			.run((context) -> assertThat(context).hasSingleBean(ProxyPoolMetrics.class)
				.doesNotHaveBean(CircuitBreakerMetrics.class));
	}

	@Test
	void metricsOfYourOwnWin() {
		this.withBootMetrics.withUserConfiguration(OwnMetrics.class)
			.run((context) -> assertThat(context).hasSingleBean(ProxyPoolMetrics.class).hasBean("myMetrics"));
	}

	@Test
	void closingTheContextRemovesTheMeters() {
		MeterRegistry registry = new SimpleMeterRegistry();
		this.runner.withBean(MeterRegistry.class, () -> registry).run((context) -> {
			assertThat(registry.find(ProxyPoolMetrics.SELECTIONS).meters()).hasSize(4);
			assertThat(registry.find("resilience4j.circuitbreaker.state").meters()).isNotEmpty();
			context.close();
			assertThat(registry.getMeters()).noneMatch((meter) -> meter.getId().getName().startsWith("cryptofeed")
					|| meter.getId().getName().startsWith("resilience4j"));
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRegistry {

		@Bean
		MeterRegistry myRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnMetrics {

		@Bean
		ProxyPoolMetrics myMetrics(MeterRegistry registry) {
			return new ProxyPoolMetrics(registry, (member) -> 0);
		}

	}

}
