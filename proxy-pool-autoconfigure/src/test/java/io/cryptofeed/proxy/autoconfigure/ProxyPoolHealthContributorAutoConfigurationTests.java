package io.cryptofeed.proxy.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.cryptofeed.proxy.actuate.ProxyPoolHealthIndicator;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyPoolHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyPoolHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				HealthContributorRegistryAutoConfiguration.class))
		.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.url=http://127.0.0.1:3128");

	@Test
	void thePoolsContributeAsProxyPool() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ProxyPoolHealthIndicator.class);
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("proxyPool"))
				.isSameAs(context.getBean(ProxyPoolHealthIndicator.class));
		});
	}

	@Test
	void offWhenSwitchedOffLikeAnyBootIndicator() {
		this.runner.withPropertyValues("management.health.proxypool.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProxyPoolHealthIndicator.class));
		this.runner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProxyPoolHealthIndicator.class));
	}

	@Test
	void offWhenThePoolsAreOff() {
		this.runner.withPropertyValues("cryptofeed.proxy.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProxyPoolHealthIndicator.class));
	}

	@Test
	void offWithoutBootsHealthSupport() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ProxyPools.class)
				.doesNotHaveBean(ProxyPoolHealthIndicator.class));
	}

	@Test
	void anIndicatorOfYourOwnWins() {
		this.runner.withUserConfiguration(OwnIndicator.class)
			.run((context) -> assertThat(context).doesNotHaveBean(ProxyPoolHealthIndicator.class)
				.hasBean("proxyPoolHealthIndicator"));
	}

	/** Boot names a contributor after its bean, without the suffix: all three names report as proxyPool. */
	@ParameterizedTest
	@ValueSource(strings = { "proxyPool", "proxyPoolHealthIndicator", "proxyPoolHealthContributor" })
	void anIndicatorOfYourOwnReportingAsProxyPoolWins(String name) {
		HealthIndicator own = () -> Health.up().build();
		this.runner.withBean(name, HealthIndicator.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ProxyPoolHealthIndicator.class);
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("proxyPool")).isSameAs(own);
		});
	}

	@Test
	void theStatusWithoutAnAvailableMemberIsConfigurable() {
		this.runner.run((context) -> assertThat(healthWithTheOnlyMemberDrained(context.getBean(ProxyPools.class),
				context.getBean(ProxyPoolHealthIndicator.class))).isEqualTo(Status.DOWN));
		this.runner.withPropertyValues("management.health.proxypool.unavailable-status=out-of-service")
			.run((context) -> assertThat(healthWithTheOnlyMemberDrained(context.getBean(ProxyPools.class),
					context.getBean(ProxyPoolHealthIndicator.class))).isEqualTo(Status.OUT_OF_SERVICE));
		this.runner.withPropertyValues("management.health.proxypool.unavailable-status=up")
			.run((context) -> assertThat(healthWithTheOnlyMemberDrained(context.getBean(ProxyPools.class),
					context.getBean(ProxyPoolHealthIndicator.class))).isEqualTo(Status.UP));
	}

	@Test
	void aRefreshedStatusWithoutAnAvailableMemberAppliesToTheNextReport() {
		Map<String, Object> refreshed = new LinkedHashMap<>();
		String key = "management.health.proxypool.unavailable-status";
		this.runner
			.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
					ConfigurationPropertiesRebinderAutoConfiguration.class))
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("refreshed", refreshed)))
			.run((context) -> {
				ProxyPoolHealthIndicator indicator = context.getBean(ProxyPoolHealthIndicator.class);
				assertThat(healthWithTheOnlyMemberDrained(context.getBean(ProxyPools.class), indicator))
					.isEqualTo(Status.DOWN);

				// an outage: ride it out in panic mode rather than have the platform restart the feed
				refreshed.put(key, "up");
				context.publishEvent(new EnvironmentChangeEvent(context.getSourceApplicationContext(), Set.of(key)));

				assertThat(context.getBean(ProxyPoolHealthIndicatorProperties.class).getUnavailableStatus())
					.as("what configprops shows")
					.isEqualTo(ProxyPoolHealthIndicatorProperties.UnavailableStatus.UP);
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			});
	}

	@Test
	void anUnknownStatusFailsAtStartup() {
		this.runner.withPropertyValues("management.health.proxypool.unavailable-status=degraded")
			.run((context) -> assertThat(context).hasFailed());
	}

	private static Status healthWithTheOnlyMemberDrained(ProxyPools pools, ProxyPoolHealthIndicator indicator) {
		ProxyPool pool = pools.pools().values().iterator().next();
		PoolMember member = pool.members().get(0);
		pool.setUnavailable(member, Unavailability.DRAINED, true);
		Health health = indicator.health();
		return health.getStatus();
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnIndicator {

		@Bean
		HealthIndicator proxyPoolHealthIndicator() {
			return () -> Health.up().build();
		}

	}

}
