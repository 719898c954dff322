package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;

import io.cryptofeed.proxy.actuate.ProxyPoolEndpoint;
import io.cryptofeed.proxy.actuate.ProxyPoolEndpointWebExtension;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.health.HealthChecker;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.tcp.TcpClient;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyPoolEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyPoolTransportAutoConfiguration.class, ProxyPoolHealthAutoConfiguration.class,
				EndpointAutoConfiguration.class, ProxyPoolEndpointAutoConfiguration.class))
		.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.url=http://127.0.0.1:3128");

	@Test
	void notThereUnlessExposedLikeEveryBootEndpoint() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProxyPoolEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health,info")
			.run((context) -> assertThat(context).doesNotHaveBean(ProxyPoolEndpoint.class));
	}

	@Test
	void thereWhenExposedOverHttpOrJmx() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health,proxypool")
			.run((context) -> assertThat(context).hasSingleBean(ProxyPoolEndpoint.class)
				.hasSingleBean(ProxyPoolEndpointWebExtension.class));
		// the web extension only answers HTTP requests: over JMX a refusal is the endpoint's exception
		this.runner.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=*")
			.run((context) -> assertThat(context).hasSingleBean(ProxyPoolEndpoint.class)
				.doesNotHaveBean(ProxyPoolEndpointWebExtension.class));
	}

	@Test
	void accessNoneSwitchesItOff() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=proxypool",
					"management.endpoint.proxypool.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(ProxyPoolEndpoint.class));
	}

	@Test
	void anEndpointOfYourOwnWins() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=proxypool")
			.withUserConfiguration(OwnEndpoint.class)
			.run((context) -> assertThat(context).hasSingleBean(ProxyPoolEndpoint.class)
				.hasBean("myProxyPoolEndpoint")
				.doesNotHaveBean("proxyPoolEndpoint")
				.hasSingleBean(ProxyPoolEndpointWebExtension.class));
	}

	@Test
	void offWithoutTheActuator() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=proxypool")
			.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProxyPoolEndpoint.class));
	}

	@Test
	void withoutTransportAndHealthChecksItShowsWhatThePoolsKnow() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=proxypool")
			.withClassLoader(new FilteredClassLoader(HttpClient.class, TcpClient.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(ProxyPoolEndpoint.class).doesNotHaveBean(HealthChecker.class);
				ProxyPoolEndpoint.MemberDescriptor member = context.getBean(ProxyPoolEndpoint.class)
					.member("default", "http", "0");
				assertThat(member.url()).isEqualTo("http://127.0.0.1:3128");
				assertThat(member.openConnections()).isNull();
				assertThat(member.breaker()).isNull();
				assertThat(member.lastCheck()).isNull();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnEndpoint {

		@Bean
		ProxyPoolEndpoint myProxyPoolEndpoint(ProxyPools pools) {
			return new ProxyPoolEndpoint(pools, null, null, null, Duration.ofSeconds(1), null, null);
		}

	}

}
