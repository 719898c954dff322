package io.cryptofeed.proxy.netty;

import java.time.Duration;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A member whose proxy host name does not resolve (NXDOMAIN: {@code .invalid} never does)
 * fails its connects as a refusing proxy does: the request goes on through another member,
 * the member's breaker counts the failure, and the error a caller may see names the host but
 * never the member's credentials.
 */
class ProxyHostNamesThroughPoolTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String UNRESOLVABLE = "http://feed:s3cr3t-pw@proxy-name.invalid:3128";

	private TargetServer target;

	private TestProxy proxy;

	@BeforeEach
	void start() {
		this.target = TargetServer.start("127.0.0.1");
		this.proxy = HttpConnectProxy.builder().bindAddress("127.0.0.1").start();
	}

	@AfterEach
	void stop() {
		this.proxy.close();
		this.target.close();
	}

	@Test
	void aMemberWhoseNameDoesNotResolveIsFailedOverAndCountedByItsBreaker() {
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", UNRESOLVABLE, this.proxy.url()))
			.withPropertyValues("cryptofeed.proxy.default.http.strategy=least-connections")
			.run((context) -> {
				PoolMember unresolvable = context.getBean(ProxyPools.class)
					.resolve(null, ConnectionType.HTTP)
					.orElseThrow()
					.members()
					.get(0);
				CircuitBreaker.Metrics failures = context.getBean(MemberCircuitBreakers.class)
					.breakerOf(unresolvable)
					.getMetrics();
				TransportTestSupport.sendUntilFailedThrough(failures,
						() -> assertThat(whoami(context)).isEqualTo("127.0.0.1"));
				assertThat(this.proxy.accepted()).isPositive();
			});
	}

	@Test
	void aPoolWhoseOnlyMemberDoesNotResolveFailsNamingTheHostButNotTheCredentials() {
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", UNRESOLVABLE))
			.run((context) -> assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> whoami(context))
				.satisfies((ex) -> {
					StringBuilder all = new StringBuilder();
					for (Throwable t = ex; t != null; t = t.getCause()) {
						all.append(t).append('\n');
						for (Throwable s : t.getSuppressed()) {
							all.append(s).append('\n');
						}
					}
					assertThat(all.toString()).contains("proxy-name.invalid").doesNotContain("s3cr3t-pw");
				}));
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
