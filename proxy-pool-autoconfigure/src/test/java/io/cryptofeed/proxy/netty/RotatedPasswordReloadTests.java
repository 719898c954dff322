package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolHealthAutoConfiguration;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A desk's proxy whose password was rotated at the provider answers 407 to the old one; the
 * operator puts the new one in the property source and reloads. The member comes back at
 * once, not after its breaker's wait or its health checks' next rounds, both minutes here.
 */
class RotatedPasswordReloadTests {

	private static final String ROTATED_PEER = "127.0.0.61";

	private static final String BLOCK = "cryptofeed.proxy.default.http.";

	private final Map<String, Object> reloadable = new LinkedHashMap<>();

	private final ApplicationContextRunner runner = TransportTestSupport.reloadableRunner(this.reloadable)
		.withPropertyValues("cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=5m");

	private TargetServer target;

	private TestProxy rotated;

	private TestProxy healthy;

	@BeforeEach
	void start() {
		this.target = TargetServer.start("127.0.0.1");
		this.healthy = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.62").start();
	}

	@AfterEach
	void stop() {
		if (this.rotated != null) {
			this.rotated.close();
		}
		this.healthy.close();
		this.target.close();
	}

	/**
	 * Its 407s (through SOCKS5, its rejected user name and password) opened its breaker; the
	 * new password lets it try at once, and a passed trial closes it.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "http", "socks5" })
	void aReloadThatFixesThePasswordLetsTheOpenBreakerTryAtOnce(String scheme) {
		startRotated(scheme);
		this.runner.withPropertyValues(BLOCK + "health-check.enabled=false").run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			PoolMember member = rotatedMember(context);
			CircuitBreaker breaker = context.getBean(MemberCircuitBreakers.class).breakerOf(member);
			for (int i = 0; breaker.getState() != CircuitBreaker.State.OPEN; i++) {
				assertThat(i).as("requests before the 407s opened the breaker").isLessThan(50);
				request(client);
			}
			assertThat(this.target.requestsByPeer()).doesNotContainKey(ROTATED_PEER);

			reload(context, "new-secret");

			await().atMost(Duration.ofSeconds(10)).until(() -> {
				request(client);
				return this.target.requestsByPeer().containsKey(ROTATED_PEER);
			});
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		});
	}

	/** Its failed checks marked it unhealthy; the new password is checked at once, and one pass brings it back. */
	@Test
	void aReloadThatFixesThePasswordLiftsTheUnhealthyMarkAtOnce() {
		startRotated("http");
		this.runner.withConfiguration(AutoConfigurations.of(ProxyPoolHealthAutoConfiguration.class))
			.withPropertyValues(BLOCK + "health-check.interval=2m", BLOCK + "health-check.retry-count=1",
					BLOCK + "health-check.unhealthy-threshold=1", BLOCK + "health-check.healthy-threshold=2")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				PoolMember member = rotatedMember(context);
				await().atMost(Duration.ofSeconds(10)).until(() -> member.isSetAsideFor(Unavailability.UNHEALTHY));

				reload(context, "new-secret");

				await().atMost(Duration.ofSeconds(10)).until(() -> !member.isSetAsideFor(Unavailability.UNHEALTHY));
				assertThat(context.getBean(HealthChecker.class).healthOf(member).orElseThrow().snapshot().healthy())
					.isTrue();
				await().atMost(Duration.ofSeconds(10)).until(() -> {
					request(client);
					return this.target.requestsByPeer().containsKey(ROTATED_PEER);
				});
			});
	}

	/** A proxy that wants the new password, and a pool that holds the old one beside a healthy member. */
	private void startRotated(String scheme) {
		this.rotated = scheme.equals("http")
				? HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress(ROTATED_PEER)
					.credentials("desk", "new-secret").start()
				: Socks5Proxy.builder().bindAddress("127.0.0.1").egressAddress(ROTATED_PEER)
					.credentials("desk", "new-secret").start();
		this.reloadable.put(BLOCK + "pool[0].url", rotatedUrl("old-secret"));
		this.reloadable.put(BLOCK + "pool[1].url", this.healthy.url());
	}

	private String rotatedUrl(String password) {
		return this.rotated.url().replaceFirst("//.*@", "//").replaceFirst("//", "//desk:" + password + "@");
	}

	private void reload(AssertableApplicationContext context, String password) {
		this.reloadable.put(BLOCK + "pool[0].url", rotatedUrl(password));
		context.publishEvent(new EnvironmentChangeEvent(context, this.reloadable.keySet()));
		assertThat(rotatedMember(context).endpoint().password()).isEqualTo(password);
	}

	private void request(WebClient client) {
		client.get().uri(this.target.baseUrl() + "/whoami").retrieve().bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	private static PoolMember rotatedMember(AssertableApplicationContext context) {
		return context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow().members().get(0);
	}

}
