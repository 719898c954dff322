package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxiesExtension;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The test kit README's {@code @SpringBootTest} recipe, as an application's test follows it:
 * proxies started before the context, a member faulted by one test and put back in
 * {@code @AfterEach} for the next, which must then find a whole pool.
 */
@SpringBootTest(classes = TestKitRecipeTests.FeedApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestKitRecipeTests {

	@RegisterExtension
	static final TestProxiesExtension proxies = new TestProxiesExtension();

	static TargetServer exchange;

	static HttpConnectProxy first;

	static Socks5Proxy second;

	@Autowired
	private WebClient.Builder webClientBuilder;

	@LocalServerPort
	private int port;

	@BeforeAll
	static void startNetwork() {
		exchange = proxies.manage(TargetServer.start("127.0.0.1"));
		first = proxies.httpBuilder().bindAddress("127.0.0.2").credentials("feed", "s3cret").start();
		second = proxies.socks5Builder().bindAddress("127.0.0.3").credentials("feed", "s3cret").start();
	}

	@DynamicPropertySource
	static void pools(DynamicPropertyRegistry registry) {
		registry.add("cryptofeed.proxy.enabled", () -> "true");
		registry.add("cryptofeed.proxy.default.http.pool[0].url", first::url);
		registry.add("cryptofeed.proxy.default.http.pool[1].url", second::url);
		// a test of the breaker alone: checks would set the member aside before its breaker has the calls
		registry.add("cryptofeed.proxy.default.http.health-check.enabled", () -> "false");
		registry.add("cryptofeed.proxy.circuit-breaker.minimum-number-of-calls", () -> "3");
		registry.add("cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state", () -> "2s");
		registry.add("management.endpoints.web.exposure.include", () -> "health,proxypool");
	}

	/** As the README's recipe: put the member back, and wait until the next test has a whole pool. */
	@AfterEach
	void wholePool() {
		first.fault(Fault.NONE);
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(member(first)).containsEntry("available", true));
	}

	@Test
	@Order(1)
	void aRefusingMemberOpensItsBreakerWhileTheOtherCarries() {
		first.fault(Fault.CRASH);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(whoami()).isNotBlank();
			assertThat(member(first)).containsEntry("breaker", "OPEN");
		});
	}

	@Test
	@Order(2)
	void theNextTestFindsTheMemberInSelection() {
		first.resetCounters();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(whoami()).isNotBlank();
			assertThat(first.requestedTargets()).contains("127.0.0.1:" + exchange.port());
		});
	}

	private String whoami() {
		return this.webClientBuilder.build()
			.get()
			.uri(exchange.baseUrl() + "/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	private Map<String, Object> member(TestProxy proxy) {
		return WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/actuator/proxypool/default/http/" + proxy.host() + ":" + proxy.port())
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(10));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class FeedApplication {

	}

}
