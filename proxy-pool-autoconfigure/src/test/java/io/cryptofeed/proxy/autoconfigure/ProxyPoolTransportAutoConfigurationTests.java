package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.netty.ProxyPoolWebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ProxyPoolTransportAutoConfigurationTests {

	private static final AutoConfigurations BLOCKING_CLIENTS = AutoConfigurations.of(HttpClientAutoConfiguration.class,
			ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
			RestTemplateAutoConfiguration.class);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyPoolTransportAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
				WebClientAutoConfiguration.class))
		.withPropertyValues("cryptofeed.proxy.default.http.url=http://127.0.0.1:3128");

	@Test
	void enabledPoolsGetTheTransportBeans() {
		this.runner.withPropertyValues("cryptofeed.proxy.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(ProxyPoolHttpClients.class)
				.hasSingleBean(MemberCircuitBreakers.class)
				.hasBean("proxyPoolWebClientCustomizer")
				.hasBean("proxyPoolUnpooledConnectorWarning")
				.hasBean("proxyPoolUnpooledWebSocketClientWarning")
				.getBean(WebSocketClient.class)
				.isInstanceOf(ProxyPoolWebSocketClient.class));
	}

	@Test
	void disabledPoolsLeaveEveryClientAlone() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ProxyPoolHttpClients.class)
			.doesNotHaveBean("proxyPoolUnpooledConnectorWarning")
			.doesNotHaveBean(WebSocketClient.class)
			.doesNotHaveBean(MemberCircuitBreakers.class));
	}

	@Test
	void enabledPoolsCustomizeBootsBlockingClientsToo() {
		this.runner.withConfiguration(BLOCKING_CLIENTS)
			.withPropertyValues("cryptofeed.proxy.enabled=true")
			.run((context) -> assertThat(context).hasBean("proxyPoolRequestFactoryCustomizer")
				.hasBean("proxyPoolRestClientCustomizer")
				.hasBean("proxyPoolRestTemplateCustomizer")
				.hasBean("proxyPoolUnpooledRequestFactoryWarning")
				.hasSingleBean(RestClient.Builder.class)
				.doesNotHaveBean("proxyPoolClientHttpRequestFactoryBuilder")
				.hasSingleBean(ClientHttpRequestFactoryBuilder.class));
	}

	/** Boot makes no request factory builder in a reactive application, but a RestClient.Builder. */
	@Test
	void inAReactiveApplicationEnabledPoolsGiveBootsRestClientARequestFactoryBuilder() {
		reactiveApplication()
			.withConfiguration(BLOCKING_CLIENTS)
			.withPropertyValues("cryptofeed.proxy.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(RestClient.Builder.class)
				.hasBean("proxyPoolClientHttpRequestFactoryBuilder")
				.getBean(ClientHttpRequestFactoryBuilder.class)
				.isInstanceOf(ReactorClientHttpRequestFactoryBuilder.class));
	}

	@Test
	void inAReactiveApplicationWithoutBootsRestClientModuleNoRequestFactoryBuilderIsMade() {
		reactiveApplication()
			.withClassLoader(new FilteredClassLoader(RestClientCustomizer.class))
			.withPropertyValues("cryptofeed.proxy.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(ProxyPoolHttpClients.class)
				.doesNotHaveBean(ClientHttpRequestFactoryBuilder.class));
	}

	@Test
	void inAReactiveApplicationDisabledPoolsLeaveTheRequestFactoryToBoot() {
		reactiveApplication()
			.withConfiguration(BLOCKING_CLIENTS)
			.run((context) -> assertThat(context).hasSingleBean(RestClient.Builder.class)
				.doesNotHaveBean(ClientHttpRequestFactoryBuilder.class));
	}

	/** A reactive application with one fixed proxy, the pools switched on or not by each test. */
	private static ReactiveWebApplicationContextRunner reactiveApplication() {
		return new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
					ProxyPoolTransportAutoConfiguration.class))
			.withPropertyValues("cryptofeed.proxy.default.http.url=http://127.0.0.1:3128");
	}

	@Test
	void disabledPoolsLeaveTheBlockingClientsAlone() {
		this.runner.withConfiguration(BLOCKING_CLIENTS)
			.run((context) -> assertThat(context).hasSingleBean(RestClient.Builder.class)
				.doesNotHaveBean("proxyPoolRequestFactoryCustomizer")
				.doesNotHaveBean("proxyPoolRestClientCustomizer")
				.doesNotHaveBean("proxyPoolRestTemplateCustomizer")
				.doesNotHaveBean("proxyPoolUnpooledRequestFactoryWarning"));
	}

	@Test
	void withoutBootsRestClientModuleTheReactiveClientsAreStillPooled() {
		this.runner.withPropertyValues("cryptofeed.proxy.enabled=true")
			.withClassLoader(new FilteredClassLoader(RestClientCustomizer.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ProxyPoolHttpClients.class)
				.doesNotHaveBean("proxyPoolRestClientCustomizer")
				.getBean(WebSocketClient.class)
				.isInstanceOf(ProxyPoolWebSocketClient.class));
	}

	@Test
	void aWebSocketClientOfYourOwnWins() {
		this.runner.withPropertyValues("cryptofeed.proxy.enabled=true")
			.withUserConfiguration(OwnWebSocketClient.class)
			.run((context) -> assertThat(context).getBean(WebSocketClient.class)
				.isInstanceOf(ReactorNettyWebSocketClient.class)
				.isNotInstanceOf(ProxyPoolWebSocketClient.class));
	}

	@Test
	void breakersCanBeSwitchedOff() {
		this.runner.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.circuit-breaker.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(ProxyPoolHttpClients.class)
				.doesNotHaveBean(MemberCircuitBreakers.class));
	}

	@Test
	void withoutReactorNettyOnlyThePoolsRemainAndStartUpSaysSo(CapturedOutput output) {
		this.runner.withPropertyValues("cryptofeed.proxy.enabled=true")
			.withClassLoader(new FilteredClassLoader(HttpClient.class))
			.run((context) -> assertThat(context).hasSingleBean(ProxyPools.class)
				.doesNotHaveBean(ProxyPoolHttpClients.class));
		assertThat(output).contains("proxy pools: Reactor Netty is not on the classpath, so no client goes "
				+ "through the pools");
	}

	@Test
	void withReactorNettyStartUpSaysNothingOfIt(CapturedOutput output) {
		this.runner.withPropertyValues("cryptofeed.proxy.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(ProxyPoolHttpClients.class));
		assertThat(output).contains("proxy pool: pool=default/http").doesNotContain("Reactor Netty is not");
	}

	@Test
	void closingTheContextRemovesTheBreakers() {
		this.runner.withPropertyValues("cryptofeed.proxy.enabled=true").run((context) -> {
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			assertThat(breakers.registry().getAllCircuitBreakers()).hasSize(1);
			context.close();
			assertThat(breakers.registry().getAllCircuitBreakers()).isEmpty();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnWebSocketClient {

		@Bean
		WebSocketClient myWebSocketClient() {
			return new ReactorNettyWebSocketClient();
		}

	}

}
