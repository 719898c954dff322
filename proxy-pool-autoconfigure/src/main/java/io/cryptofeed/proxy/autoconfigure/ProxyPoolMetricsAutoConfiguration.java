package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.actuate.CircuitBreakerMetrics;
import io.cryptofeed.proxy.actuate.ProxyPoolMetrics;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters of the pools, their members and their circuit breakers, when the
 * application has a {@link MeterRegistry}. Without one, nothing here is created and the pools
 * work the same.
 */
@AutoConfiguration(after = { ProxyPoolAutoConfiguration.class, ProxyPoolTransportAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ ProxyPools.class, MeterRegistry.class })
public class ProxyPoolMetricsAutoConfiguration {

	/** Meters for every pool, bound and kept in step with reloads by the registration below. */
	@Bean
	@ConditionalOnMissingBean
	public ProxyPoolMetrics proxyPoolMetrics(MeterRegistry registry, ObjectProvider<ProxyPoolHttpClients> clients) {
		ProxyPoolHttpClients transport = clients.getIfAvailable();
		return new ProxyPoolMetrics(registry,
				(transport != null) ? transport::openConnections : PoolMember::activeLeases);
	}

	/**
	 * Binds the pool metrics to every pool and registers them with the pools, the
	 * application's too: made with the public constructor, they would meter nothing.
	 */
	@Bean
	PoolsListenerRegistration<ProxyPoolMetrics> proxyPoolMetricsRegistration(ProxyPools pools,
			ObjectProvider<ProxyPoolMetrics> metrics) {
		return new PoolsListenerRegistration<>(pools, metrics,
				(listener, current) -> current.pools().values().forEach(listener::bind));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TaggedCircuitBreakerMetrics.class)
	@ConditionalOnBean(MemberCircuitBreakers.class)
	static class CircuitBreakerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CircuitBreakerMetrics proxyCircuitBreakerMetrics(MemberCircuitBreakers breakers, MeterRegistry registry) {
			return new CircuitBreakerMetrics(breakers, registry);
		}

	}

}
