package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.actuate.CooldownMetrics;
import io.cryptofeed.proxy.actuate.DirectRouteMetrics;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.netty.ProxyPoolExchangeFilter;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.netty.ProxyPoolRequestInterceptor;
import io.cryptofeed.proxy.netty.ProxyPoolWebSocketClient;
import io.cryptofeed.proxy.netty.ProxySource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientsProperties;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.util.LambdaSafe;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;

/**
 * Puts the pools under the HTTP and WebSocket clients Spring Boot gives the application:
 * the auto-configured {@code WebClient.Builder}, {@code RestClient.Builder} and
 * {@code RestTemplateBuilder} (the blocking two where Boot's request factory is Reactor
 * Netty's), and a {@link WebSocketClient} bean, with connect failover, a circuit breaker per
 * member, and cooldowns and budgets per member and exchange.
 */
@AutoConfiguration(after = ProxyPoolAutoConfiguration.class,
		beforeName = { "org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration",
				"org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration" })
@ConditionalOnClass(HttpClient.class)
@ConditionalOnBean(ProxyPools.class)
public class ProxyPoolTransportAutoConfiguration {

	private static final Log logger = LogFactory.getLog(ProxyPoolTransportAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	public ProxyPoolHttpClients proxyPoolHttpClients(ProxyPools pools, CompiledProxyConfiguration configuration,
			ObjectProvider<ProxyOutcomes> outcomes, RateLimits rateLimits, ObjectProvider<ProxySource> source) {
		ProxySource unique = source.getIfUnique();
		if (unique == null && source.stream().findAny().isPresent()) {
			logger.warn("proxy pools: several ProxySource beans and none is @Primary, so none is asked: every "
					+ "connection uses the embedded pools; mark the one to use @Primary");
		}
		return new ProxyPoolHttpClients(pools, configuration.transport(), all(outcomes.orderedStream().toList()),
				rateLimits, unique);
	}

	/** No failover once the application's event loops begin to close (see {@link StoppingFlag}). */
	@Bean
	StoppingFlag proxyPoolFailoverStop(ProxyPoolHttpClients clients) {
		return new StoppingFlag(clients::stopping);
	}

	private static ProxyOutcomes all(List<ProxyOutcomes> outcomes) {
		if (outcomes.size() <= 1) {
			return outcomes.isEmpty() ? ProxyOutcomes.NONE : outcomes.get(0);
		}
		return new ProxyOutcomes() {

			@Override
			public void succeeded(ProxyPool pool, PoolMember member, Duration elapsed) {
				outcomes.forEach((o) -> o.succeeded(pool, member, elapsed));
			}

			@Override
			public void failed(ProxyPool pool, PoolMember member, Duration elapsed, Throwable cause) {
				outcomes.forEach((o) -> o.failed(pool, member, elapsed, cause));
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ReactorResourceFactory.class)
	static class ReactorLoopsConfiguration {

		/** The loops of Boot's Reactor Netty resources as of the last start (see {@link CurrentReactorLoops}). */
		@Bean
		CurrentReactorLoops proxyPoolCurrentReactorLoops(ObjectProvider<ReactorResourceFactory> resources) {
			return new CurrentReactorLoops(resources.getIfUnique());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(CircuitBreaker.class)
	@ConditionalOnBooleanProperty(name = "cryptofeed.proxy.circuit-breaker.enabled", matchIfMissing = true)
	static class CircuitBreakerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MemberCircuitBreakers proxyMemberCircuitBreakers(ProxyPools pools, CompiledProxyConfiguration configuration) {
			return new MemberCircuitBreakers(MemberCircuitBreakers.registry(configuration.breaker()), pools);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class TransportMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CooldownMetrics proxyCooldownMetrics(RateLimits rateLimits) {
			return new CooldownMetrics(rateLimits);
		}

		@Bean
		@ConditionalOnMissingBean
		DirectRouteMetrics proxyDirectRouteMetrics(ProxyPoolHttpClients clients) {
			return new DirectRouteMetrics(clients.directRoutes());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ReactorClientHttpConnectorBuilder.class, ClientHttpConnectorBuilderCustomizer.class })
	static class ConnectorConfiguration {

		/**
		 * Boot's connector, and so every WebClient built from its builder, connects through the
		 * pools, on the loops of Boot's Reactor Netty resources as of the context's last start:
		 * a WebClient built before the context was stopped and started again works on after it.
		 */
		@Bean
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> proxyPoolConnectorCustomizer(
				ProxyPoolHttpClients clients, CurrentReactorLoops loops) {
			return (builder) -> builder.withHttpClientFactory(clients::newHttpClient)
				.withHttpClientCustomizer((client) -> clients.apply(loops.following(client), ConnectionType.HTTP));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ReactorClientHttpRequestFactoryBuilder.class, ClientHttpRequestFactoryBuilderCustomizer.class })
	static class RequestFactoryConfiguration {

		/** Boot's blocking request factory, when it is Reactor Netty's, connects through the pools. */
		@Bean
		ClientHttpRequestFactoryBuilderCustomizer<ReactorClientHttpRequestFactoryBuilder> proxyPoolRequestFactoryCustomizer(
				ProxyPoolHttpClients clients) {
			return (builder) -> builder.withHttpClientFactory(clients::newHttpClient)
				.withHttpClientCustomizer((client) -> clients.apply(client, ConnectionType.HTTP));
		}

	}

	/**
	 * Boot makes a {@code RestClient.Builder} in a reactive application too, but the request
	 * factory builder that the customizer above customizes only in one that is not: without
	 * this bean the {@code RestClient.Builder} picks a factory of its own, and its requests go
	 * direct. It is chosen as Boot chooses it elsewhere, so that the start-up warning names a
	 * factory other than Reactor Netty's and its property applies.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass({ RestClientCustomizer.class, ClientHttpRequestFactoryBuilderCustomizer.class,
			ImperativeHttpClientsProperties.class })
	static class ReactiveApplicationRequestFactoryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClientHttpRequestFactoryBuilder<?> proxyPoolClientHttpRequestFactoryBuilder(Environment environment,
				ResourceLoader resourceLoader, ObjectProvider<ClientHttpRequestFactoryBuilderCustomizer<?>> customizers) {
			ClientHttpRequestFactoryBuilder<?>[] builder = { Binder.get(environment)
				.bind("spring.http.clients.imperative.factory", ImperativeHttpClientsProperties.Factory.class)
				.map(ReactiveApplicationRequestFactoryConfiguration::builder)
				.orElseGet(() -> ClientHttpRequestFactoryBuilder.detect(resourceLoader.getClassLoader())) };
			LambdaSafe.callbacks(ClientHttpRequestFactoryBuilderCustomizer.class, customizers.orderedStream().toList(),
					builder[0])
				.invoke((customizer) -> builder[0] = customizer.customize(builder[0]));
			return builder[0];
		}

		private static ClientHttpRequestFactoryBuilder<?> builder(ImperativeHttpClientsProperties.Factory factory) {
			return switch (factory) {
				case HTTP_COMPONENTS -> ClientHttpRequestFactoryBuilder.httpComponents();
				case JETTY -> ClientHttpRequestFactoryBuilder.jetty();
				case REACTOR -> ClientHttpRequestFactoryBuilder.reactor();
				case JDK -> ClientHttpRequestFactoryBuilder.jdk();
				case SIMPLE -> ClientHttpRequestFactoryBuilder.simple();
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RestClient.class, RestClientCustomizer.class, ClientHttpRequestFactoryBuilder.class,
			ClientHttpRequestFactoryBuilderCustomizer.class })
	static class RestClientConfiguration {

		@Bean
		RestClientCustomizer proxyPoolRestClientCustomizer(ProxyPoolHttpClients clients) {
			return (builder) -> builder.requestInterceptor(new ProxyPoolRequestInterceptor(clients));
		}

		@Bean
		RestTemplateCustomizer proxyPoolRestTemplateCustomizer(ProxyPoolHttpClients clients) {
			return (restTemplate) -> restTemplate.getInterceptors().add(new ProxyPoolRequestInterceptor(clients));
		}

		@Bean
		RequestFactoryBuildersCustomized proxyPoolRequestFactoryBuildersCustomized() {
			return new RequestFactoryBuildersCustomized();
		}

		@Bean
		UnpooledClientsWarning proxyPoolUnpooledRequestFactoryWarning(ListableBeanFactory beans,
				RequestFactoryBuildersCustomized customized) {
			return new UnpooledClientsWarning(beans, ClientHttpRequestFactoryBuilder.class,
					ReactorClientHttpRequestFactoryBuilder.class, customized, "RestClient and RestTemplate requests",
					"request factory", "spring.http.clients.imperative.factory=reactor",
					"ClientHttpRequestFactoryBuilderCustomizer<ReactorClientHttpRequestFactoryBuilder>");
		}

	}

	/** Hears each request factory builder Boot customizes, for {@link UnpooledClientsWarning}. */
	static final class RequestFactoryBuildersCustomized extends UnpooledClientsWarning.CustomizedByBoot
			implements ClientHttpRequestFactoryBuilderCustomizer<ClientHttpRequestFactoryBuilder<?>> {

		@Override
		public ClientHttpRequestFactoryBuilder<?> customize(ClientHttpRequestFactoryBuilder<?> builder) {
			return customized(builder);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ WebClient.class, WebClientCustomizer.class, ClientHttpConnectorBuilder.class,
			ClientHttpConnectorBuilderCustomizer.class })
	static class WebClientConfiguration {

		@Bean
		WebClientCustomizer proxyPoolWebClientCustomizer(ProxyPoolHttpClients clients) {
			return (builder) -> builder.filter(new ProxyPoolExchangeFilter(clients));
		}

		@Bean
		ConnectorBuildersCustomized proxyPoolConnectorBuildersCustomized() {
			return new ConnectorBuildersCustomized();
		}

		@Bean
		UnpooledClientsWarning proxyPoolUnpooledConnectorWarning(ListableBeanFactory beans,
				ConnectorBuildersCustomized customized) {
			return new UnpooledClientsWarning(beans, ClientHttpConnectorBuilder.class,
					ReactorClientHttpConnectorBuilder.class, customized, "WebClient requests", "connector",
					"spring.http.clients.reactive.connector=reactor",
					"ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder>");
		}

	}

	/** Hears each connector builder Boot customizes, for {@link UnpooledClientsWarning}. */
	static final class ConnectorBuildersCustomized extends UnpooledClientsWarning.CustomizedByBoot
			implements ClientHttpConnectorBuilderCustomizer<ClientHttpConnectorBuilder<?>> {

		@Override
		public ClientHttpConnectorBuilder<?> customize(ClientHttpConnectorBuilder<?> builder) {
			return customized(builder);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ReactorNettyWebSocketClient.class)
	static class WebSocketConfiguration {

		/**
		 * Sessions on the application's event loops where it has Boot's Reactor Netty resources,
		 * as Boot's WebClient: they stop with the context, so a handshake the shutdown cut is not
		 * failed over onto global loops that Reactor Netty would start anew and nothing stops.
		 * The loops are those of the context's last start, so that the client works on after
		 * the context is stopped and started again.
		 */
		@Bean
		@ConditionalOnMissingBean(WebSocketClient.class)
		ProxyPoolWebSocketClient proxyPoolWebSocketClient(ProxyPoolHttpClients clients, CurrentReactorLoops loops) {
			return new ProxyPoolWebSocketClient(clients, loops.onApplicationLoops(clients.newHttpClient()));
		}

		@Bean
		UnpooledWebSocketClientWarning proxyPoolUnpooledWebSocketClientWarning(ListableBeanFactory beans,
				ProxyPoolHttpClients clients, ProxyPools pools, ObjectProvider<ProxySource> source) {
			return new UnpooledWebSocketClientWarning(beans, clients, pools, source);
		}

	}

}
