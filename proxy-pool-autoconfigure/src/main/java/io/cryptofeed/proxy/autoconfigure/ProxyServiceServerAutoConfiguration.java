package io.cryptofeed.proxy.autoconfigure;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.service.ProxyServiceHandler;
import io.cryptofeed.proxy.service.ServiceServerSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * This application as the proxy service ({@code cryptofeed.proxy.service-server.enabled=true}):
 * {@code POST /api/v1/proxy/request} and {@code /api/v1/proxy/feedback} answered from its own
 * pools, through the exchanges' cooldowns and budgets its own connections use, whose member
 * breakers the feedback feeds.
 */
@AutoConfiguration(after = { ProxyPoolAutoConfiguration.class, ProxyPoolTransportAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ RouterFunction.class, JsonProperty.class })
@ConditionalOnBooleanProperty(prefix = ServiceServerProperties.PREFIX, name = "enabled")
@ConditionalOnBean(ProxyPools.class)
@EnableConfigurationProperties(ServiceServerProperties.class)
public class ProxyServiceServerAutoConfiguration {

	/** The checked settings: start-up fails here when nothing would protect the endpoints. */
	@Bean
	@ConditionalOnMissingBean
	public ServiceServerSettings proxyServiceServerSettings(ServiceServerProperties properties,
			Environment environment, ResourceLoader resources) {
		new ProxyServiceConfigurationCompiler(resources).checkServer(properties,
				ProxyServiceConfigurationCompiler.clientCertificatesRequired(environment));
		return new ServiceServerSettings(properties.getToken(), properties.getApiKey(),
				properties.getAnswerTtl(), properties.getFallbackPolicy());
	}

	@Bean
	@ConditionalOnMissingBean
	public ProxyServiceHandler proxyServiceHandler(ProxyPools pools, ObjectProvider<ProxyOutcomes> outcomes,
			RateLimits rateLimits, ServiceServerSettings settings) {
		return new ProxyServiceHandler(pools, outcomes.orderedStream().toList(), rateLimits, settings);
	}

	@Bean
	@ConditionalOnMissingBean(name = "proxyServiceRoutes")
	public RouterFunction<ServerResponse> proxyServiceRoutes(ProxyServiceHandler handler) {
		return handler.routes();
	}

}
