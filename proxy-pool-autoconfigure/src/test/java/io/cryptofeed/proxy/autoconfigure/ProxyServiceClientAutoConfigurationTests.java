package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.netty.ProxyChoice;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.netty.ProxySource;
import io.cryptofeed.proxy.service.MicrometerServiceMetrics;
import io.cryptofeed.proxy.service.ServiceCircuitBreaker;
import io.cryptofeed.proxy.service.ServiceGuard;
import io.cryptofeed.proxy.service.ServiceMetrics;
import io.cryptofeed.proxy.service.ServiceProxySource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ProxyServiceClientAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyServiceClientAutoConfiguration.class, ProxyPoolTransportAutoConfiguration.class))
		.withPropertyValues("cryptofeed.proxy.enabled=true",
				"cryptofeed.proxy.external-service.endpoints=http://127.0.0.1:9");

	@Test
	void offByDefault() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProxySource.class));
	}

	@Test
	void needsThePoolsEnabled() {
		this.runner.withPropertyValues("cryptofeed.proxy.enabled=false", "cryptofeed.proxy.external-service.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProxySource.class));
	}

	@Test
	void enabledGivesTheSourceItsBreakerAndMetrics() {
		this.runner.withPropertyValues("cryptofeed.proxy.external-service.enabled=true")
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(ServiceProxySource.class);
				assertThat(context.getBean(ServiceGuard.class)).isInstanceOf(ServiceCircuitBreaker.class);
				assertThat(context.getBean(ServiceMetrics.class)).isInstanceOf(MicrometerServiceMetrics.class);
			});
	}

	@Test
	void withoutPoolsTheStartUpLineSaysTheServiceIsAskedNotThatEveryConnectionGoesDirect(CapturedOutput output) {
		this.runner.withPropertyValues("cryptofeed.proxy.external-service.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(ServiceProxySource.class);
			assertThat(output).doesNotContain("every connection goes direct")
				.contains("proxy pools: none configured, so every connection asks the proxy service");
		});
	}

	@Test
	void theBreakerWaitsAsConfigured() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.external-service.enabled=true",
					"cryptofeed.proxy.external-service.circuit-breaker-wait-duration=7s")
			.run((context) -> assertThat(((ServiceCircuitBreaker) context.getBean(ServiceGuard.class)).breaker()
				.getCircuitBreakerConfig()
				.getWaitIntervalFunctionInOpenState()
				.apply(1)).isEqualTo(Duration.ofSeconds(7).toMillis()));
	}

	@Test
	void withoutResilience4jTheServiceIsCalledWithoutBreaker() {
		this.runner.withPropertyValues("cryptofeed.proxy.external-service.enabled=true")
			.withClassLoader(new FilteredClassLoader(CircuitBreaker.class))
			.run((context) -> assertThat(context).hasSingleBean(ServiceProxySource.class)
				.doesNotHaveBean(ServiceGuard.class));
	}

	@Test
	void withoutMicrometerNothingIsMeasured() {
		this.runner.withPropertyValues("cryptofeed.proxy.external-service.enabled=true")
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(ServiceProxySource.class)
				.doesNotHaveBean(ServiceMetrics.class));
	}

	@Test
	void aSourceOfYourOwnWins() {
		this.runner.withPropertyValues("cryptofeed.proxy.external-service.enabled=true")
			.withBean(ProxySource.class, () -> (exchange, type) -> Mono.just(ProxyChoice.direct()))
			.run((context) -> assertThat(context).hasSingleBean(ProxySource.class)
				.doesNotHaveBean(ServiceProxySource.class));
	}

	@Test
	void twoSourcesWithoutAPrimaryOneAreNamedInAWarningAndNoneIsAsked(CapturedOutput output) {
		this.runner.withBean("one", ProxySource.class, () -> (exchange, type) -> Mono.just(ProxyChoice.direct()))
			.withBean("two", ProxySource.class, () -> (exchange, type) -> Mono.just(ProxyChoice.direct()))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ProxyPoolHttpClients.class);
				assertThat(output).contains("several ProxySource beans and none is @Primary, so none is asked");
			});
	}

	/**
	 * The token travels in the clear to a plain-http endpoint: warned about, unless it stays on
	 * the machine. A host name that begins like a loopback address ({@code 127.}) may be anywhere.
	 */
	@Test
	void aTokenForAPlainHttpEndpointOffTheMachineIsWarnedAbout(CapturedOutput output) {
		this.runner
			.withPropertyValues("cryptofeed.proxy.external-service.enabled=true",
					"cryptofeed.proxy.external-service.auth-method=bearer-token",
					"cryptofeed.proxy.external-service.token=canary-token",
					"cryptofeed.proxy.external-service.endpoints=http://127.0.0.1:9,http://localhost:9,"
							+ "http://[::1]:9,http://127.proxy-service.example:9,https://proxy-service.example:8443,"
							+ "http://proxy-service.example:8080")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("Proxy service endpoint http://127.proxy-service.example:9 is plain http",
						"Proxy service endpoint http://proxy-service.example:8080 is plain http")
					.doesNotContain("endpoint http://127.0.0.1:9 is plain", "endpoint http://localhost:9 is plain",
							"endpoint http://[::1]:9 is plain", "endpoint https://", "canary-token");
			});
	}

	@Test
	void theClientIdDefaultsToTheApplicationNameAndHost() {
		this.runner.withPropertyValues("cryptofeed.proxy.external-service.enabled=true", "spring.application.name=feed")
			.run((context) -> assertThat(context.getBean(CompiledServiceClient.class).settings().clientId())
				.startsWith("feed@")
				.hasSizeGreaterThan("feed@".length()));
	}

	@Test
	void closingTheContextDisablesTheBreaker() {
		this.runner.withPropertyValues("cryptofeed.proxy.external-service.enabled=true").run((context) -> {
			CircuitBreaker breaker = ((ServiceCircuitBreaker) context.getBean(ServiceGuard.class)).breaker();
			context.close();
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.DISABLED);
		});
	}

	@Test
	void anUnreachableServiceLeavesTheChoiceToTheEmbeddedPools() {
		this.runner.withPropertyValues("cryptofeed.proxy.external-service.enabled=true",
				"cryptofeed.proxy.external-service.timeout=1s")
			.run((context) -> {
				ProxySource source = context.getBean(ProxySource.class);
				// nothing listens on port 9: no answer, so the embedded pools decide
				assertThat(source.choose("binance", ConnectionType.HTTP).block(Duration.ofSeconds(5)))
					.isSameAs(ProxyChoice.embedded());
			});
	}

}
