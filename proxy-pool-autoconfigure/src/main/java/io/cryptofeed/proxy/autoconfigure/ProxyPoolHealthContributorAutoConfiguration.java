package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.actuate.ProxyPoolHealthIndicator;
import io.cryptofeed.proxy.core.ProxyPools;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code proxyPool} contributor of {@code /actuator/health}, when the application has
 * Spring Boot's health support (spring-boot-starter-actuator). Switched off by
 * {@code management.health.proxypool.enabled=false}.
 */
@AutoConfiguration(after = ProxyPoolAutoConfiguration.class,
		beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ProxyPools.class)
@ConditionalOnEnabledHealthIndicator("proxypool")
@EnableConfigurationProperties(ProxyPoolHealthIndicatorProperties.class)
public class ProxyPoolHealthContributorAutoConfiguration {

	/** Boot reports each of these bean names as {@code proxyPool}: two would stop the start. */
	@Bean
	@ConditionalOnMissingBean(name = { "proxyPool", "proxyPoolHealthIndicator", "proxyPoolHealthContributor" })
	public ProxyPoolHealthIndicator proxyPoolHealthIndicator(ProxyPools pools,
			ProxyPoolHealthIndicatorProperties properties) {
		// read at each report: Spring Cloud's refresh rebinds the properties in place
		return new ProxyPoolHealthIndicator(pools, () -> properties.getUnavailableStatus().status());
	}

}
