package io.cryptofeed.proxy.autoconfigure;

import java.time.Clock;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Reloading the pools without a restart: a {@link ProxyPoolReloader} always, and with Spring
 * Cloud Context on the classpath a listener that runs it on every refresh that changes a
 * {@code cryptofeed.proxy.*} property or what one takes through a placeholder.
 */
@AutoConfiguration(after = { ProxyPoolHealthAutoConfiguration.class, SslAutoConfiguration.class })
@ConditionalOnBean(ProxyPools.class)
public class ProxyPoolReloadAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public ProxyPoolReloader proxyPoolReloader(Environment environment, ProxyConfigurationCompiler compiler,
			SelectionStrategies strategies, ProxyPools pools, CompiledProxyConfiguration configuration,
			ObjectProvider<ProxyPoolHttpClients> transport, ObjectProvider<MemberCircuitBreakers> breakers,
			ObjectProvider<HealthChecker> health, ObjectProvider<RateLimits> rateLimits, ResourceLoader resources) {
		ProxyPoolReloader.Targets targets = new ProxyPoolReloader.Targets(transport.getIfAvailable(() -> null),
				breakers.getIfAvailable(() -> null), health.getIfAvailable(() -> null),
				rateLimits.getIfAvailable(() -> null));
		return new ProxyPoolReloader(environment, compiler, strategies, pools, configuration, targets,
				Clock.systemUTC(), StartOnlySettings.boundAt(environment, resources));
	}

	/** Reloads when the SSL bundle of {@code proxy-tls.bundle} is updated, where there are SSL bundles. */
	@Bean(initMethod = "listen")
	@ConditionalOnBean(SslBundles.class)
	@ConditionalOnMissingBean
	ProxyTlsBundleUpdates proxyTlsBundleUpdates(SslBundles bundles, Environment environment,
			ProxyPoolReloader reloader) {
		return new ProxyTlsBundleUpdates(bundles, environment, reloader);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = ProxyPoolRefreshListener.EVENT_CLASS)
	static class SpringCloudRefreshConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ProxyPoolRefreshListener proxyPoolRefreshListener(ProxyPoolReloader reloader, Environment environment) {
			return new ProxyPoolRefreshListener(reloader, environment);
		}

	}

}
