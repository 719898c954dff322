package io.cryptofeed.proxy.autoconfigure;

import java.time.Clock;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cryptofeed.proxy.actuate.ServiceCircuitBreakerMetrics;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.netty.ProxySource;
import io.cryptofeed.proxy.service.MicrometerServiceMetrics;
import io.cryptofeed.proxy.service.ServiceCircuitBreaker;
import io.cryptofeed.proxy.service.ServiceGuard;
import io.cryptofeed.proxy.service.ServiceMetrics;
import io.cryptofeed.proxy.service.ServiceProxySource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The external proxy service's client ({@code cryptofeed.proxy.external-service.enabled=true}):
 * the auto-configured WebClient, RestClient and WebSocket client ask it for each connection's
 * proxy before the embedded pools.
 */
@AutoConfiguration(after = ProxyPoolAutoConfiguration.class, before = ProxyPoolTransportAutoConfiguration.class)
@ConditionalOnClass({ HttpClient.class, WebClient.class, JsonProperty.class })
@ConditionalOnBooleanProperty(prefix = ExternalServiceProperties.PREFIX, name = "enabled")
@ConditionalOnBean(ProxyPools.class)
@EnableConfigurationProperties(ExternalServiceProperties.class)
public class ProxyServiceClientAutoConfiguration {

	/** The property whose value starts the default client id. */
	static final String APPLICATION_NAME = "spring.application.name";

	/** The validated settings: start-up fails here, naming each bad property. */
	@Bean
	@ConditionalOnMissingBean
	public CompiledServiceClient compiledProxyServiceClient(ExternalServiceProperties properties,
			Environment environment, ResourceLoader resources) {
		return new ProxyServiceConfigurationCompiler(resources).compileClient(properties,
				environment.getProperty(APPLICATION_NAME));
	}

	@Bean
	@ConditionalOnMissingBean(ProxySource.class)
	public ServiceProxySource proxyServiceSource(CompiledServiceClient compiled, ObjectProvider<ServiceGuard> guard,
			ObjectProvider<ServiceMetrics> metrics) {
		return new ServiceProxySource(compiled.settings(), compiled.tls(), guard.getIfAvailable(() -> ServiceGuard.NONE),
				metrics.getIfAvailable(() -> ServiceMetrics.NONE), Clock.systemUTC());
	}

	/**
	 * A call to the service that the application's stop cuts ends its connection as stopped, with
	 * failover (see {@link StoppingFlag}), rather than being warned of and fallen back from.
	 */
	@Bean
	StoppingFlag proxyServiceAsksStop(ObjectProvider<ServiceProxySource> source) {
		return new StoppingFlag((stopping) -> source.ifAvailable((service) -> service.stopping(stopping)));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(CircuitBreaker.class)
	@ConditionalOnBooleanProperty(prefix = ExternalServiceProperties.PREFIX, name = "circuit-breaker-enabled",
			matchIfMissing = true)
	static class CircuitBreakerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ServiceGuard proxyServiceCircuitBreaker(CompiledServiceClient compiled, ObjectProvider<ServiceMetrics> metrics) {
			return new ServiceCircuitBreaker(compiled.circuitBreakerWait(),
					metrics.getIfAvailable(() -> ServiceMetrics.NONE));
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass({ TaggedCircuitBreakerMetrics.class, MeterRegistry.class })
		static class CircuitBreakerMetricsConfiguration {

			/** The breaker's state and failure rate, beside the members' breakers', when there is a registry. */
			@Bean
			@ConditionalOnMissingBean
			ServiceCircuitBreakerMetrics proxyServiceCircuitBreakerMetrics(ServiceGuard guard,
					ObjectProvider<MeterRegistry> registry) {
				return new ServiceCircuitBreakerMetrics(guard, registry.getIfUnique());
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		/** Meters under {@code cryptofeed.proxy.service} when the application has a registry. */
		@Bean
		@ConditionalOnMissingBean
		ServiceMetrics proxyServiceMetrics(ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meters = registry.getIfUnique();
			return (meters != null) ? new MicrometerServiceMetrics(meters) : ServiceMetrics.NONE;
		}

	}

}
