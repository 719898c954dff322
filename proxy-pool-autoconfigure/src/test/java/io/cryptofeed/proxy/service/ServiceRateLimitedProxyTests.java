package io.cryptofeed.proxy.service;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.jayway.jsonpath.JsonPath;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.cryptofeed.proxy.service.ServiceFixture.SECRET;
import static io.cryptofeed.proxy.service.ServiceFixture.SERVICE_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The exchange rate-limits or bans the address of a proxy the service gave (a status in its
 * {@code rate-limit.statuses}): the answer naming it is dropped, so that the next connection
 * asks the service again, and the service hears of it once per answer, as a report of a tunnel
 * that worked with the exchange's status. The service is WireMock, its proxies the test kit's
 * (the first leaving from {@link ServiceFixture#SERVICE_PEER}, the second from
 * {@link #SECOND_PEER}); the exchange is the fixture's target, or a WireMock of its own that
 * holds its answers until the test lets them go.
 */
class ServiceRateLimitedProxyTests {

	private static final String SECOND_PEER = "127.0.0.33";

	private static final String ROTATION = "rotation";

	@AutoClose
	private final ServiceFixture fixture = new ServiceFixture();

	@AutoClose
	private final Socks5Proxy secondProxy = Socks5Proxy.builder()
		.bindAddress("127.0.0.1")
		.egressAddress(SECOND_PEER)
		.credentials("feed", SECRET)
		.start();

	/** An exchange whose {@code /limited} answers 429 once the test releases it. */
	private final HeldAnswers heldByExchange = new HeldAnswers();

	private final WireMockServer exchange = new WireMockServer(
			options().bindAddress("127.0.0.1").dynamicPort().extensions(this.heldByExchange));

	private final TestClock clock = new TestClock();

	@AfterEach
	void stopExchange() {
		this.heldByExchange.release();
		this.exchange.stop();
	}

	@Test
	void aProxyTheExchangeRateLimitsIsDroppedAndTheServiceAskedForAnother() {
		answerFirstThenSecond(3600L, 3600L);
		run(this.fixture.runner(this.clock), (context, client) -> {
			try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
				assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
				assertThat(status(client, this.fixture.target.baseUrl() + "/status/429?retry-after=120&peer="
						+ SERVICE_PEER)).isEqualTo(429);

				assertThat(this.fixture.whoami(client)).isEqualTo(SECOND_PEER);
				assertThat(this.fixture.whoami(client)).isEqualTo(SECOND_PEER);
				assertThat(this.fixture.requests()).as("asked once for each answer").hasSize(2);
				await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(limitedReports()).hasSize(1));
				String report = limitedReports().get(0).getBodyAsString();
				assertThat((String) JsonPath.read(report, "$.proxy_url"))
					.isEqualTo("socks5://feed@127.0.0.1:" + this.fixture.serviceProxy.port());
				assertThat((Boolean) JsonPath.read(report, "$.success")).isTrue();
				assertThat((Integer) JsonPath.read(report, "$.status")).isEqualTo(429);
				assertThat((Integer) JsonPath.read(report, "$.retry_after_seconds")).isEqualTo(120);
				assertThat((String) JsonPath.read(report, "$.exchange_id")).isEqualTo("binance");
				assertThat((String) JsonPath.read(report, "$.error_details")).isNull();
				assertThat(this.fixture.feedback()).allSatisfy((any) -> assertThat(any.getBodyAsString())
					.doesNotContain(SECRET));
				// a connect's report stays as it was: no status, no Retry-After
				assertThat(this.fixture.feedback()).filteredOn((any) -> !isLimitedReport(any))
					.isNotEmpty()
					.allSatisfy((connect) -> assertThat(connect.getBodyAsString()).doesNotContain("status")
						.doesNotContain("retry_after_seconds"));
				assertThat(captured.warnings()).singleElement()
					.asString()
					.contains("proxy service's proxy rate-limited",
							"proxy=socks5://***@127.0.0.1:" + this.fixture.serviceProxy.port(), "exchange=binance",
							"type=http", "status=429", "retry-after=120s")
					.doesNotContain(SECRET);
			}
		});
	}

	/**
	 * Requests that went out through one answer's proxy all come back limited at once: one
	 * report (its Retry-After an HTTP date), one ask after them, however many connections follow.
	 */
	@Test
	void aBurstOfLimitedAnswersThroughOneAnswerIsReportedOnceAndAskedAboutOnce() throws Exception {
		answerFirstThenSecond(3600L, 3600L);
		// 90 s after the test clock's time
		this.exchange.stubFor(get(urlEqualTo("/limited")).willReturn(aResponse().withStatus(429)
			.withHeader("Retry-After", "Mon, 02 Nov 2026 09:01:30 GMT")
			.withTransformers(HeldAnswers.NAME)));
		this.exchange.start();
		int burst = 6;
		run(this.fixture.runner(this.clock), (context, client) -> {
			CompletableFuture<List<Integer>> limited = Flux.range(0, burst)
				.flatMap((i) -> statusOf(client, exchangeUrl("/limited")), burst)
				.collectList()
				.toFuture();
			await("every request of the burst at the exchange").atMost(Duration.ofSeconds(20))
				.until(() -> this.heldByExchange.arrived() == burst);
			this.heldByExchange.release();
			assertThat(limited.get(20, TimeUnit.SECONDS)).hasSize(burst).containsOnly(429);

			List<String> after = Flux.range(0, burst)
				.flatMap((i) -> Mono.fromCallable(() -> this.fixture.whoami(client))
					.subscribeOn(Schedulers.boundedElastic()), burst)
				.collectList()
				.block(Duration.ofSeconds(20));
			assertThat(after).hasSize(burst).containsOnly(SECOND_PEER);
			assertThat(this.fixture.requests()).as("one ask for the burst, one after it").hasSize(2);
			int firstTunnels = this.fixture.serviceProxy.tunnels();
			// each new tunnel's report, the second proxy's too, and one for the limited answer
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(this.fixture.feedback())
					.hasSize(firstTunnels + this.secondProxy.tunnels() + 1));
			assertThat(limitedReports()).singleElement()
				.satisfies((report) -> assertThat((Integer) JsonPath.read(report.getBodyAsString(),
						"$.retry_after_seconds")).isEqualTo(90));
		});
	}

	/**
	 * A limited answer that comes back through a proxy whose answer a newer one replaced (its
	 * TTL ended while the request waited) is reported, and leaves the newer answer cached.
	 */
	@Test
	void aLateLimitedAnswerThroughAReplacedProxyLeavesTheNewerAnswerCached() throws Exception {
		answerFirstThenSecond(60L, 3600L);
		this.exchange.stubFor(get(urlEqualTo("/limited"))
			.willReturn(aResponse().withStatus(418).withTransformers(HeldAnswers.NAME)));
		this.exchange.start();
		run(this.fixture.runner(this.clock), (context, client) -> {
			CompletableFuture<Integer> late = statusOf(client, exchangeUrl("/limited")).toFuture();
			await("the request through the first proxy at the exchange").atMost(Duration.ofSeconds(20))
				.until(() -> this.heldByExchange.arrived() == 1);
			this.clock.advance(Duration.ofSeconds(61));
			assertThat(this.fixture.whoami(client)).isEqualTo(SECOND_PEER);

			this.heldByExchange.release();
			assertThat(late.get(20, TimeUnit.SECONDS)).isEqualTo(418);
			assertThat(this.exchange.getAllServeEvents()).singleElement()
				.satisfies((event) -> assertThat(event.getRequest().getClientIp()).isEqualTo(SERVICE_PEER));
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(limitedReports()).singleElement()
				.satisfies((report) -> {
					assertThat((String) JsonPath.read(report.getBodyAsString(), "$.proxy_url"))
						.isEqualTo("socks5://feed@127.0.0.1:" + this.fixture.serviceProxy.port());
					assertThat((Integer) JsonPath.read(report.getBodyAsString(), "$.status")).isEqualTo(418);
					assertThat(report.getBodyAsString()).doesNotContain("retry_after_seconds");
				}));
			assertThat(this.fixture.whoami(client)).isEqualTo(SECOND_PEER);
			assertThat(this.fixture.requests()).as("the newer answer still reused").hasSize(2);
		});
	}

	/**
	 * A WebSocket handshake the exchange refuses with a limiting status counts as a REST answer
	 * does: its new tunnel is reported once, then the status.
	 */
	@Test
	void aWebSocketHandshakeRefusedWithALimitingStatusDropsTheAnswer() {
		answerFirstThenSecond(3600L, 3600L);
		run(this.fixture.runner(this.clock), (context, client) -> {
			WebSocketClient sockets = context.getBean(WebSocketClient.class);
			assertThatExceptionOfType(WebSocketClientHandshakeException.class)
				.isThrownBy(() -> greeting(sockets, "?status=418&retry-after=7200&peer=" + SERVICE_PEER));
			assertThat(greeting(sockets, "")).isEqualTo("peer=" + SECOND_PEER);
			assertThat(this.fixture.requests()).hasSize(2);
			// reports go one at a time in turn: the second proxy's tunnel is reported after the refusal's
			await().atMost(Duration.ofSeconds(5))
				.until(() -> !connectReportsThrough(this.secondProxy.port()).isEmpty());
			assertThat(this.fixture.serviceProxy.tunnels()).isOne();
			assertThat(connectReportsThrough(this.fixture.serviceProxy.port())).as("one report of the refused tunnel")
				.singleElement()
				.satisfies((report) -> assertThat((Boolean) JsonPath.read(report.getBodyAsString(), "$.success"))
					.isTrue());
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(limitedReports()).singleElement()
				.satisfies((report) -> {
					assertThat((String) JsonPath.read(report.getBodyAsString(), "$.connection_type"))
						.isEqualTo("websocket");
					assertThat((Integer) JsonPath.read(report.getBodyAsString(), "$.status")).isEqualTo(418);
					assertThat((Integer) JsonPath.read(report.getBodyAsString(), "$.retry_after_seconds"))
						.isEqualTo(7200);
				}));
		});
	}

	/** The first frame of a session to the target's {@code /ws} with this query, as binance's. */
	private String greeting(WebSocketClient sockets, String query) {
		String[] greeting = new String[1];
		sockets
			.execute(URI.create(this.fixture.target.wsUrl() + query),
					(session) -> session.receive()
						.next()
						.map(WebSocketMessage::getPayloadAsText)
						.doOnNext((text) -> greeting[0] = text)
						.then(session.close()))
			.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE, "binance"))
			.block(Duration.ofSeconds(10));
		return greeting[0];
	}

	/** With {@code rate-limit.statuses} empty nothing is limited: the answer stays, nothing is reported. */
	@Test
	void noStatusIsLimitedWhereTheExchangesStatusesAreEmpty() {
		answerFirstThenSecond(3600L, 3600L);
		run(this.fixture.runner(this.clock).withPropertyValues("cryptofeed.proxy.exchanges.binance.rate-limit.statuses="),
				(context, client) -> {
					assertThat(status(client, this.fixture.target.baseUrl() + "/status/429?peer=" + SERVICE_PEER))
						.isEqualTo(429);
					assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
					assertThat(this.fixture.requests()).hasSize(1);
					await().atMost(Duration.ofSeconds(5)).until(() -> !this.fixture.feedback().isEmpty());
					assertThat(limitedReports()).isEmpty();
				});
	}

	/** The service answers the first proxy, then the second for every later ask. */
	private void answerFirstThenSecond(long firstTtl, long secondTtl) {
		this.fixture.service.stubFor(post(urlEqualTo(ProxyRequest.PATH)).inScenario(ROTATION)
			.whenScenarioStateIs(STARTED)
			.willReturn(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), firstTtl, "embedded_fallback")))
			.willSetStateTo("second"));
		this.fixture.service.stubFor(post(urlEqualTo(ProxyRequest.PATH)).inScenario(ROTATION)
			.whenScenarioStateIs("second")
			.willReturn(okJson(ServiceFixture.json(this.secondProxy.url(), secondTtl, "embedded_fallback"))));
	}

	private String exchangeUrl(String path) {
		return "http://127.0.0.1:" + this.exchange.port() + path;
	}

	private List<LoggedRequest> limitedReports() {
		return this.fixture.feedback().stream().filter(ServiceRateLimitedProxyTests::isLimitedReport).toList();
	}

	/** The reports of a connect (not of an answer's status) through the test kit's proxy on this port. */
	private List<LoggedRequest> connectReportsThrough(int port) {
		String reported = "socks5://feed@127.0.0.1:" + port;
		return this.fixture.feedback()
			.stream()
			.filter((report) -> !isLimitedReport(report)
					&& reported.equals(JsonPath.read(report.getBodyAsString(), "$.proxy_url")))
			.toList();
	}

	private static boolean isLimitedReport(LoggedRequest report) {
		return report.getBodyAsString().contains("\"status\"");
	}

	private static int status(WebClient client, String url) {
		return statusOf(client, url).block(Duration.ofSeconds(10));
	}

	/** The status of a GET as binance's request, whatever it is. */
	private static Mono<Integer> statusOf(WebClient client, String url) {
		return client.get()
			.uri(url)
			.attribute(ProxyAttributes.EXCHANGE, "binance")
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()));
	}

}
