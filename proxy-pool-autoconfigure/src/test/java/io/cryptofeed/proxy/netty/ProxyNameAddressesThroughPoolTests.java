package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.function.Consumer;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.cryptofeed.proxy.testsupport.NameAddresses;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A member whose proxy host name gives several addresses is tried at the next one when the
 * first refuses, before it counts as failed: one member, one outcome. The name resolves (by a
 * lookup the test gives the pools) to loopback addresses the proxy does not listen on, then to
 * the one it does.
 */
class ProxyNameAddressesThroughPoolTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String NAME = "proxy.test";

	private TargetServer target;

	private TestProxy proxy;

	@BeforeEach
	void startTarget() {
		this.target = TargetServer.start("127.0.0.1");
	}

	@AfterEach
	void stop() {
		this.proxy.close();
		this.target.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "http", "socks5" })
	void aNameWhoseFirstAddressRefusesIsTriedAtTheNextBeforeTheMemberFails(String kind) {
		this.proxy = kind.equals("http") ? HttpConnectProxy.builder().bindAddress("127.0.0.1").start()
				: Socks5Proxy.builder().bindAddress("127.0.0.1").start();
		withNamedMember(kind, (context) -> {
			context.getBean(ProxyPoolHttpClients.class)
				.lookUpProxiesWith((host) -> NameAddresses.of(host, NAME, "127.0.0.2", "127.0.0.3", "127.0.0.1"));

			assertThat(whoami(context)).isEqualTo("127.0.0.1");

			CircuitBreaker.Metrics metrics = metricsOfTheMember(context);
			assertThat(metrics.getNumberOfFailedCalls()).isZero();
			assertThat(metrics.getNumberOfSuccessfulCalls()).isOne();
			assertThat(this.proxy.accepted()).isOne();
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "http", "socks5" })
	void aNameWhoseEveryAddressRefusesFailsTheMemberOnce(String kind) {
		this.proxy = kind.equals("http") ? HttpConnectProxy.builder().bindAddress("127.0.0.1").start()
				: Socks5Proxy.builder().bindAddress("127.0.0.1").start();
		withNamedMember(kind, (context) -> {
			context.getBean(ProxyPoolHttpClients.class)
				.lookUpProxiesWith((host) -> NameAddresses.of(host, NAME, "127.0.0.2", "127.0.0.3"));

			assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoami(context))
				.withMessageContaining("no proxy could connect")
				.withMessageContaining("tried=1")
				.withMessageContaining("127.0.0.3");

			assertThat(metricsOfTheMember(context).getNumberOfFailedCalls()).isOne();
			assertThat(this.proxy.accepted()).isZero();
		});
	}

	private void withNamedMember(String kind, Consumer<ApplicationContext> test) {
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", kind + "://" + NAME + ":" + this.proxy.port()))
			.withPropertyValues("cryptofeed.proxy.default.http.health-check.enabled=false")
			.run(test::accept);
	}

	private static CircuitBreaker.Metrics metricsOfTheMember(ApplicationContext context) {
		PoolMember member = context.getBean(ProxyPools.class)
			.resolve(null, ConnectionType.HTTP)
			.orElseThrow()
			.members()
			.get(0);
		return context.getBean(MemberCircuitBreakers.class).breakerOf(member).getMetrics();
	}

	private String whoami(ApplicationContext context) {
		return context.getBean(WebClient.Builder.class)
			.build()
			.get()
			.uri(this.target.baseUrl() + "/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.block(WAIT);
	}

}
