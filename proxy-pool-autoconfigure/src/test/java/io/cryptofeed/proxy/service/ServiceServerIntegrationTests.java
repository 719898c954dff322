package io.cryptofeed.proxy.service;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import io.cryptofeed.proxy.testsupport.OwnReactorResources;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static io.cryptofeed.proxy.service.ServiceFixture.SECRET;
import static io.cryptofeed.proxy.service.ServiceFixture.requestCount;
import static io.cryptofeed.proxy.service.ServiceFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two applications in one test: a proxy service built from this starter (a WebFlux application
 * with {@code service-server.enabled}) whose pool holds two in-JVM proxies, and a feed
 * handler whose WebClient asks it for each connection's proxy and reports back.
 */
class ServiceServerIntegrationTests {

	private static final String TOKEN = "svc-" + SECRET;

	private static final String FIRST_PEER = "127.0.0.41";

	private static final String SECOND_PEER = "127.0.0.42";

	private TargetServer target;

	private HttpConnectProxy first;

	private Socks5Proxy second;

	private ConfigurableApplicationContext server;

	@BeforeEach
	void start() {
		this.target = TargetServer.start("127.0.0.1");
		this.first = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress(FIRST_PEER).start();
		this.second = Socks5Proxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress(SECOND_PEER)
			.credentials("feed", SECRET)
			.start();
		this.server = new SpringApplicationBuilder(ServiceApplication.class).web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.pool[0].url=" + this.first.url(),
					"cryptofeed.proxy.default.http.pool[1].url=" + this.second.url(),
					"cryptofeed.proxy.default.http.health-check.enabled=false",
					"cryptofeed.proxy.circuit-breaker.minimum-number-of-calls=2",
					"cryptofeed.proxy.circuit-breaker.sliding-window-size=2",
					"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=10m",
					"cryptofeed.proxy.service-server.enabled=true", "cryptofeed.proxy.service-server.token=" + TOKEN,
					"cryptofeed.proxy.service-server.answer-ttl=0")
			.run();
	}

	@AfterEach
	void stop() {
		this.server.close();
		this.first.close();
		this.second.close();
		this.target.close();
	}

	@Test
	void requestsAreServedThroughTheMembersTheServerChooses() {
		run(client(TOKEN), (context, client) -> {
			Set<String> peers = new HashSet<>();
			for (int i = 0; i < 4; i++) {
				peers.add(whoami(client));
			}
			// round-robin on the server, a new answer for every connection (answer-ttl 0)
			assertThat(peers).containsExactlyInAnyOrder(FIRST_PEER, SECOND_PEER);
			assertThat(requestCount(context, "success", "none")).isEqualTo(4);
		});
	}

	@Test
	void feedbackOfFailedConnectsTakesTheMemberOutOnTheServer() {
		this.first.fault(Fault.REFUSE);
		ProxyPool pool = serverPool();
		PoolMember refusing = pool.members().get(0);
		run(client(TOKEN), (context, client) -> {
			await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
				// each request succeeds: after a refused connect the answer's fallback goes direct here
				assertThat(whoami(client)).isIn(SECOND_PEER, "127.0.0.1");
				assertThat(refusing.isAvailable()).isFalse();
			});
			assertThat(this.server.getBean(MemberCircuitBreakers.class).breakerOf(refusing).getState())
				.isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(pool.availableMembers()).containsExactly(pool.members().get(1));
			this.target.resetCounters();
			for (int i = 0; i < 6; i++) {
				whoami(client);
			}
			assertThat(this.target.requestsByPeer()).containsOnly(Map.entry(SECOND_PEER, 6));
		});
	}

	/**
	 * The exchange limits the first member's address for a client: the client's report rests
	 * the member for that exchange here, as an answer to this application's own connection
	 * would, so the server's next answers for it name the other member; its breaker stays closed.
	 */
	@Test
	void aLimitedAnswerAClientReportsRestsTheMemberForThatExchange() {
		ProxyPool pool = serverPool();
		PoolMember limited = pool.members().get(0);
		RateLimits rateLimits = this.server.getBean(RateLimits.class);
		run(client(TOKEN), (context, client) -> {
			await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
				// round-robin on the server: the first member's turn comes within two connections
				client.get()
					.uri(this.target.baseUrl() + "/status/429?retry-after=300&peer=" + FIRST_PEER)
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.exchangeToMono((response) -> response.releaseBody())
					.block(Duration.ofSeconds(10));
				assertThat(rateLimits.remainingCooldownSeconds("binance", limited)).isGreaterThan(290);
			});
			assertThat(this.server.getBean(MemberCircuitBreakers.class).breakerOf(limited).getState())
				.isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(rateLimits.remainingCooldownSeconds("kraken", limited)).isZero();
			this.target.resetCounters();
			for (int i = 0; i < 4; i++) {
				whoami(client);
			}
			assertThat(this.target.requestsByPeer()).containsOnly(Map.entry(SECOND_PEER, 4));
		});
	}

	@Test
	void theAnswerCarriesTheMembersCredentialsAndTheServersSettings() {
		WebClient plain = WebClient.create("http://127.0.0.1:" + port());
		Set<String> urls = new HashSet<>();
		for (int i = 0; i < 2; i++) {
			String answer = plain.post()
				.uri(ProxyRequest.PATH)
				.headers((headers) -> headers.setBearerAuth(TOKEN))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("exchange_id", "binance", "connection_type", "http", "client_id", "curl"))
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			urls.add(JsonPath.read(answer, "$.proxy_url"));
			assertThat((Integer) JsonPath.read(answer, "$.ttl_seconds")).isZero();
			assertThat((String) JsonPath.read(answer, "$.fallback_policy")).isEqualTo("embedded_fallback");
			assertThat((String) JsonPath.read(answer, "$.strategy")).isEqualTo("round-robin");
			assertThat((String) JsonPath.read(answer, "$.metadata.pool")).isEqualTo("default/http");
		}
		assertThat(urls).containsExactlyInAnyOrder(this.first.url(), this.second.url());
	}

	@Test
	void aConnectionTypeWithoutPoolIsToldToGoDirect() {
		String answer = WebClient.create("http://127.0.0.1:" + port())
			.post()
			.uri(ProxyRequest.PATH)
			.headers((headers) -> headers.setBearerAuth(TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("exchange_id", "binance", "connection_type", "websocket"))
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
		assertThat((String) JsonPath.read(answer, "$.proxy_url")).isNull();
		assertThat((String) JsonPath.read(answer, "$.fallback_policy")).isEqualTo("direct_connection");
	}

	@Test
	void callsWithoutTheTokenAreRefusedAndTheClientFallsBack() {
		assertThat(refusedStatus()).isEqualTo(401);
		run(client("wrong"), (context, client) -> {
			assertThat(whoami(client)).isEqualTo("127.0.0.1");
			assertThat(requestCount(context, "failed", "unauthorized")).isOne();
		});
		assertThat(this.first.accepted() + this.second.accepted()).isZero();
	}

	/**
	 * A client application that closes ends only what is its own: the service goes on
	 * answering. Both once ran on Reactor Netty's global event loops, which the client's
	 * context disposed when it closed, so that the service stopped listening and closing it
	 * could time out.
	 */
	@Test
	void theServiceOutlivesAClientApplicationThatCloses() {
		run(client(TOKEN), (context, client) -> assertThat(whoami(client)).isIn(FIRST_PEER, SECOND_PEER));
		assertThat(refusedStatus()).isEqualTo(401);
	}

	/**
	 * A proxy the server does not list (a reload took it out while a client still connected
	 * through it, as is normal) is no mistake of the caller's: its report is taken and ignored,
	 * saying why, rather than refused with a 404, which reads as a missing endpoint.
	 */
	@Test
	void feedbackAboutAProxyOutsideThePoolIsTakenAndIgnored() {
		String answer = WebClient.create("http://127.0.0.1:" + port())
			.post()
			.uri(ProxyFeedback.PATH)
			.headers((headers) -> headers.setBearerAuth(TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(new ProxyFeedback("socks5://127.0.0.9:1080", "binance", "http", false, 5, "refused",
					"2026-11-02T08:00:00Z", "curl"))
			.exchangeToMono((response) -> response.bodyToMono(String.class)
				.map((body) -> response.statusCode().value() + " " + body))
			.block(Duration.ofSeconds(10));
		assertThat(answer).isEqualTo("202 {\"ignored\":\"the proxy is not a member of the pool for this exchange "
				+ "and connection type\"}");
	}

	/**
	 * A reload takes out of the server's pool the member a client's request went through, while
	 * the exchange has yet to answer: the client's report of that tunnel is sent and ignored,
	 * neither dropped nor a failure of the service for its breaker or its log.
	 */
	@Test
	void aReportAboutAMemberAReloadTookOutIsSentAndIgnored() {
		ProxyPools pools = this.server.getBean(ProxyPools.class);
		ProxyPool pool = serverPool();
		try (CapturedLog log = CapturedLog.of(ServiceProxySource.class, ServiceStatusLog.class, FeedbackQueue.class,
				ServiceCircuitBreaker.class)) {
			run(client(TOKEN), (context, client) -> {
				CompletableFuture<String> slow = client.get()
					.uri(this.target.baseUrl() + "/delay/2000")
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.retrieve()
					.bodyToMono(String.class)
					.toFuture();
				await().atMost(Duration.ofSeconds(10)).until(() -> this.first.accepted() + this.second.accepted() > 0);
				pools.reconcile(List.of(new PoolSpec(pool.key(), PoolSpec.Origin.POOL,
						List.of(MemberSpec.of(ProxyEndpoint.parse("http://127.0.0.1:9"))), pool.strategyName(),
						pool.timeout())), Map.of(), SelectionStrategies.builtIn()::create);
				assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("delayed 2000");

				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(
							ServiceFixture.counter(context, "cryptofeed.proxy.service.feedback", "outcome", "sent"))
						.isOne());
				assertThat(ServiceFixture.counter(context, "cryptofeed.proxy.service.feedback", "outcome", "dropped"))
					.isZero();
				CircuitBreaker breaker = ((ServiceCircuitBreaker) context.getBean(ServiceGuard.class)).breaker();
				assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
			});
			assertThat(log.warnings()).isEmpty();
		}
	}

	/** The status of a call with a wrong token, straight to the service. */
	private int refusedStatus() {
		return WebClient.create("http://127.0.0.1:" + port())
			.post()
			.uri(ProxyRequest.PATH)
			.headers((headers) -> headers.setBearerAuth("wrong"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("exchange_id", "binance", "connection_type", "http"))
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(Duration.ofSeconds(10));
	}

	private ApplicationContextRunner client(String token) {
		return ServiceFixture.clientRunner()
			.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.external-service.enabled=true",
					"cryptofeed.proxy.external-service.endpoints=http://127.0.0.1:" + port(),
					"cryptofeed.proxy.external-service.auth-method=bearer-token",
					"cryptofeed.proxy.external-service.token=" + token,
					"cryptofeed.proxy.external-service.timeout=10s");
	}

	private String whoami(WebClient client) {
		return ServiceFixture.whoamiAt(this.target, client, "binance");
	}

	private ProxyPool serverPool() {
		return this.server.getBean(ProxyPools.class).resolve("binance", ConnectionType.HTTP).orElseThrow();
	}

	private int port() {
		return Integer.parseInt(this.server.getEnvironment().getProperty("local.server.port"));
	}

	/** On event loops of its own: a client application's context disposes the global ones when it closes. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(OwnReactorResources.class)
	static class ServiceApplication {

	}

}
