package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolHealthAutoConfiguration;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.testkit.Fault;
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

	private static final String HEALTHY_PEER = "127.0.0.62";

	private static final String BLOCK = "cryptofeed.proxy.default.http.";

	/** One trial decides a half-open breaker: a 407 counted there sends the member out again. */
	private static final String ONE_TRIAL = "cryptofeed.proxy.circuit-breaker.permitted-calls-in-half-open-state=1";

	private final Map<String, Object> reloadable = new LinkedHashMap<>();

	private final ApplicationContextRunner runner = TransportTestSupport.reloadableRunner(this.reloadable)
		.withPropertyValues("cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=5m");

	private TargetServer target;

	private TestProxy rotated;

	private TestProxy healthy;

	@BeforeEach
	void start() {
		this.target = TargetServer.start("127.0.0.1");
		this.healthy = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress(HEALTHY_PEER).start();
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

	/**
	 * The breaker, open on the old password's rejections, is half-open for a trial when a connect
	 * with the old password goes out; the operator's reload of the new one lands while the proxy
	 * holds that handshake, which then gets its 407. That 407 says nothing of the new password:
	 * the breaker stays half-open (one permitted trial here, which the 407 would have failed,
	 * keeping the member out for minutes), the request is answered through the other member, and
	 * the next connects through the member, with the new password, close its breaker.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "http", "socks5" })
	void aConnectUnderWayWithTheOldPasswordWhenTheReloadLandsCountsNotAgainstTheMember(String scheme) {
		startRotated(scheme);
		this.runner.withPropertyValues(BLOCK + "health-check.enabled=false", ONE_TRIAL).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			PoolMember member = rotatedMember(context);
			CircuitBreaker breaker = context.getBean(MemberCircuitBreakers.class).breakerOf(member);
			CompletableFuture<String> held = heldThroughRotated(context, client, breaker);

			reload(context, "new-secret");
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
			this.rotated.fault(Fault.NONE);

			assertThat(held.get(10, TimeUnit.SECONDS)).as("failed over to the healthy member").isEqualTo(HEALTHY_PEER);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
			assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
			assertThat(member.failedConnects()).as("a failed connect all the same").isPositive();
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				request(client);
				return this.target.requestsByPeer().containsKey(ROTATED_PEER);
			});
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		});
	}

	/**
	 * A reload that leaves the password as it was (a new weight) changes nothing for the connect
	 * under way: the proxy's 407 to the password the member still has fails its trial.
	 */
	@Test
	void a407ToThePasswordTheMemberStillHasCountsThoughAReloadCameMeanwhile() {
		startRotated("http");
		this.runner.withPropertyValues(BLOCK + "health-check.enabled=false", ONE_TRIAL).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			PoolMember member = rotatedMember(context);
			CircuitBreaker breaker = context.getBean(MemberCircuitBreakers.class).breakerOf(member);
			CompletableFuture<String> held = heldThroughRotated(context, client, breaker);

			this.reloadable.put(BLOCK + "pool[0].weight", "3");
			context.publishEvent(new EnvironmentChangeEvent(context, this.reloadable.keySet()));
			assertThat(member.weight()).isEqualTo(3);
			this.rotated.fault(Fault.NONE);

			assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo(HEALTHY_PEER);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(member.isSetAsideFor(Unavailability.CIRCUIT_OPEN)).isTrue();
		});
	}

	/**
	 * Opens the member's breaker with the old password's 407s, lets it go half-open as its wait
	 * would end, and sends a request the member takes, whose handshake the proxy holds.
	 * @return the request, answered once the proxy lets the handshake go on
	 */
	private CompletableFuture<String> heldThroughRotated(AssertableApplicationContext context, WebClient client,
			CircuitBreaker breaker) {
		for (int i = 0; breaker.getState() != CircuitBreaker.State.OPEN; i++) {
			assertThat(i).as("requests before the 407s opened the breaker").isLessThan(50);
			request(client);
		}
		breaker.transitionToHalfOpenState();
		this.rotated.fault(Fault.HOLD);
		this.rotated.resetCounters();
		// the healthy member drained while the request is sent, so that the rotated one takes it,
		// and back before the failover
		ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
		PoolMember healthyMember = pool.members().get(1);
		pool.setUnavailable(healthyMember, Unavailability.DRAINED, true);
		CompletableFuture<String> held = client.get()
			.uri(this.target.baseUrl() + "/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.toFuture();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.rotated.accepted() == 1);
		pool.setUnavailable(healthyMember, Unavailability.DRAINED, false);
		assertThat(held).isNotDone();
		return held;
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
