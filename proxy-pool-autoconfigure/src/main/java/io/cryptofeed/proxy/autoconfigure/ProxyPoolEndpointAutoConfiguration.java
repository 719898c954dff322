package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.actuate.ProxyPoolEndpoint;
import io.cryptofeed.proxy.actuate.ProxyPoolEndpointWebExtension;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code proxypool} actuator endpoint. Like every Boot endpoint it exists only when it is
 * exposed ({@code management.endpoints.web.exposure.include=proxypool}, or over JMX) and
 * not switched off ({@code management.endpoint.proxypool.access=none}).
 */
@AutoConfiguration(after = { ProxyPoolAutoConfiguration.class, ProxyPoolTransportAutoConfiguration.class,
		ProxyPoolHealthAutoConfiguration.class, ProxyPoolReloadAutoConfiguration.class })
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(ProxyPools.class)
@ConditionalOnAvailableEndpoint(ProxyPoolEndpoint.class)
public class ProxyPoolEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public ProxyPoolEndpoint proxyPoolEndpoint(ProxyPools pools, ObjectProvider<HealthChecker> healthChecker,
			ObjectProvider<MemberCircuitBreakers> breakers, ObjectProvider<ProxyPoolHttpClients> clients,
			ObjectProvider<ProxyPoolReloader> reloader, ObjectProvider<RateLimits> rateLimits) {
		ProxyPoolReloader reloads = reloader.getIfAvailable();
		return new ProxyPoolEndpoint(pools, healthChecker.getIfAvailable(), breakers.getIfAvailable(),
				clients.getIfAvailable(), ProxyPoolEndpoint.CHECK_WAIT,
				(reloads != null) ? reloads::status : null, rateLimits.getIfAvailable());
	}

	/** Over HTTP, a refused action answers its status with what is wrong and what to do. */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	public ProxyPoolEndpointWebExtension proxyPoolEndpointWebExtension(ProxyPoolEndpoint endpoint) {
		return new ProxyPoolEndpointWebExtension(endpoint);
	}

}
