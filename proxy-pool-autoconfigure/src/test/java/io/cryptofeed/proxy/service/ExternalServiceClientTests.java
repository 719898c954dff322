package io.cryptofeed.proxy.service;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.jayway.jsonpath.JsonPath;
import io.cryptofeed.proxy.autoconfigure.CompiledServiceClient;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.netty.DirectRoutes;
import io.cryptofeed.proxy.netty.ProxyChoice;
import io.cryptofeed.proxy.netty.ProxyConnectFailedException;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.netty.ProxyPoolWebSocketClient;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.ProxyCertificate;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.AutoClose;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClientRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpMethod;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.cryptofeed.proxy.service.ServiceFixture.EMBEDDED_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.SECRET;
import static io.cryptofeed.proxy.service.ServiceFixture.SERVICE_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.counter;
import static io.cryptofeed.proxy.service.ServiceFixture.requestCount;
import static io.cryptofeed.proxy.service.ServiceFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The auto-configured clients asking a proxy service (WireMock) for each connection's proxy:
 * served through the answer's proxy, feedback about each new tunnel, and every kind of bad
 * answer ending in the embedded pool with one clear log line and no credential anywhere.
 */
class ExternalServiceClientTests {

	/** How long the target waits before it answers: longer than connecting on loopback takes. */
	private static final Duration DELAY = Duration.ofMillis(1200);

	@AutoClose
	private final ServiceFixture fixture = new ServiceFixture();

	@Test
	void aRequestGoesThroughTheProxyTheServiceNames() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner(), (context, client) -> {
			assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
			LoggedRequest request = this.fixture.requests().get(0);
			String body = request.getBodyAsString();
			assertThat((String) JsonPath.read(body, "$.exchange_id")).isEqualTo("binance");
			assertThat((String) JsonPath.read(body, "$.connection_type")).isEqualTo("http");
			assertThat((String) JsonPath.read(body, "$.client_id")).isEqualTo("feed-7");
			assertThat(request.getHeader("Content-Type")).startsWith("application/json");
			assertThat(this.fixture.serviceProxy.tunnels()).isEqualTo(1);
			assertThat(this.fixture.embeddedProxy.accepted()).isZero();
			assertThat(requestCount(context, "success", "none")).isOne();
		});
	}

	/**
	 * Ids match ignoring case, '-' and '_': a request naming its exchange by the enum constant
	 * COINBASE_PRO asks the service for the id the configuration spells, and a request naming
	 * it so reuses that answer.
	 */
	@Test
	void theServiceIsAskedForTheConfiguredIdOfAnExchangeNamedByAnEnumConstant() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner().withPropertyValues("cryptofeed.proxy.exchanges.coinbase-pro.hosts=*.coinbase.test"),
				(context, client) -> {
					String peer = client.get()
						.uri(this.fixture.target.baseUrl() + "/whoami")
						.attribute(ProxyAttributes.EXCHANGE, Desk.COINBASE_PRO)
						.retrieve()
						.bodyToMono(String.class)
						.block(Duration.ofSeconds(10));
					assertThat(peer).isEqualTo(SERVICE_PEER);
					assertThat(this.fixture.whoami(client, "coinbase-pro")).isEqualTo(SERVICE_PEER);
					assertThat(this.fixture.requests()).singleElement()
						.satisfies((request) -> assertThat(
								(String) JsonPath.read(request.getBodyAsString(), "$.exchange_id"))
							.isEqualTo("coinbase-pro"));
				});
	}

	/** Exchanges as trading code names them. */
	private enum Desk {

		COINBASE_PRO

	}

	@Test
	void theRegionAndMetadataTravelWithEachRequest() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner()
			.withPropertyValues("cryptofeed.proxy.external-service.region=eu-west",
					"cryptofeed.proxy.external-service.metadata.desk=spot"),
				(context, client) -> {
					assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
					String body = this.fixture.requests().get(0).getBodyAsString();
					assertThat((String) JsonPath.read(body, "$.region")).isEqualTo("eu-west");
					assertThat((String) JsonPath.read(body, "$.metadata.desk")).isEqualTo("spot");
				});
	}

	@Test
	void aRestClientRequestGoesThroughTheProxyTheServiceNames() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		this.fixture.runner()
			.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class))
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				String peer = client.get()
					.uri(this.fixture.target.baseUrl() + "/whoami")
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.retrieve()
					.body(String.class);
				assertThat(peer).isEqualTo(SERVICE_PEER);
				assertThat((String) JsonPath.read(this.fixture.requests().get(0).getBodyAsString(), "$.exchange_id"))
					.isEqualTo("binance");
				assertThat(this.fixture.serviceProxy.tunnels()).isEqualTo(1);
				assertThat(this.fixture.embeddedProxy.accepted()).isZero();
			});
	}

	@Test
	void aRestClientPostWhoseTunnelThroughTheServicesProxyStallsIsReported() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		this.fixture.serviceProxy.fault(Fault.STALL);
		this.fixture.runner()
			.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class))
			.withPropertyValues("cryptofeed.proxy.default.http.timeout=500ms")
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> client.post()
					.uri(this.fixture.target.baseUrl() + "/echo")
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.body("order")
					.retrieve()
					.body(String.class));
				await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.fixture.feedback())
					.singleElement()
					.satisfies((report) -> assertThat((Boolean) JsonPath.read(report.getBodyAsString(), "$.success"))
						.isFalse()));
			});
	}

	@Test
	void aConnectionWithoutExchangeIsAskedForAsDefault() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner(), (context, client) -> {
			String peer = client.get()
				.uri(this.fixture.target.baseUrl() + "/whoami")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			assertThat(peer).isEqualTo(SERVICE_PEER);
			assertThat((String) JsonPath.read(this.fixture.requests().get(0).getBodyAsString(), "$.exchange_id"))
				.isEqualTo("default");
		});
	}

	@Test
	void aDirectHostIsNeverAskedForAndConnectsDirectly() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner().withPropertyValues("cryptofeed.proxy.direct-hosts=localhost"), (context, client) -> {
			String peer = client.get()
				.uri("http://localhost:" + this.fixture.target.port() + "/whoami")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			assertThat(peer).isEqualTo(ServiceFixture.DIRECT_PEER);
			assertThat(this.fixture.requests()).isEmpty();
			assertThat(context.getBean(ProxyPoolHttpClients.class)
				.directRoutes()
				.count(ConnectionType.HTTP, DirectRoutes.Reason.DIRECT_HOST)).isOne();
			assertThat(this.fixture.whoami(client)).as("another host is asked for").isEqualTo(SERVICE_PEER);
			assertThat(this.fixture.requests()).hasSize(1);
		});
	}

	@Test
	void aWebSocketSessionGoesThroughTheProxyTheServiceNames() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner(), (context, client) -> {
			WebSocketClient sockets = context.getBean(WebSocketClient.class);
			assertThat(sockets).isInstanceOf(ProxyPoolWebSocketClient.class);
			String[] greeting = new String[1];
			sockets
				.execute(URI.create(this.fixture.target.wsUrl()),
						(session) -> session.receive()
							.next()
							.map(WebSocketMessage::getPayloadAsText)
							.doOnNext((text) -> greeting[0] = text)
							.then(session.close()))
				.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE, "okx"))
				.block(Duration.ofSeconds(10));
			assertThat(greeting[0]).isEqualTo("peer=" + SERVICE_PEER);
			String body = this.fixture.requests().get(0).getBodyAsString();
			assertThat((String) JsonPath.read(body, "$.connection_type")).isEqualTo("websocket");
			assertThat((String) JsonPath.read(body, "$.exchange_id")).isEqualTo("okx");
		});
	}

	@Test
	void eachNewTunnelThroughTheServicesProxyIsReportedOnceWithoutItsPassword() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner(), (context, client) -> {
			for (int i = 0; i < 3; i++) {
				this.fixture.whoami(client);
			}
			// a reused connection proves nothing new: one report per tunnel, not per request
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(this.fixture.feedback()).isNotEmpty()
					.hasSize(this.fixture.serviceProxy.tunnels()));
			assertThat(counter(context, "cryptofeed.proxy.service.feedback", "outcome", "sent"))
				.isEqualTo(this.fixture.serviceProxy.tunnels());
			String report = this.fixture.feedback().get(0).getBodyAsString();
			assertThat((String) JsonPath.read(report, "$.proxy_url"))
				.isEqualTo("socks5://feed@127.0.0.1:" + this.fixture.serviceProxy.port());
			assertThat((Boolean) JsonPath.read(report, "$.success")).isTrue();
			assertThat((String) JsonPath.read(report, "$.exchange_id")).isEqualTo("binance");
			assertThat((String) JsonPath.read(report, "$.connection_type")).isEqualTo("http");
			assertThat((String) JsonPath.read(report, "$.client_id")).isEqualTo("feed-7");
			assertThat(JsonPath.<Object>read(report, "$.latency_ms")).isInstanceOf(Number.class);
			assertThat((String) JsonPath.read(report, "$.timestamp")).endsWith("Z");
			assertThat(report).doesNotContain(SECRET);
		});
	}

	@Test
	void feedbackLatencyIsHowLongConnectingTookWithoutTheWaitForTheAnswer() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner(), (context, client) -> {
			Duration outsideTheWait = outsideTheWait(() -> assertThat(delayed(client, DELAY))
				.isEqualTo("delayed " + DELAY.toMillis()));
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.fixture.feedback()).hasSize(1));
			String report = this.fixture.feedback().get(0).getBodyAsString();
			assertThat((Boolean) JsonPath.read(report, "$.success")).isTrue();
			assertThat(JsonPath.<Number>read(report, "$.latency_ms").longValue()).isNotNegative()
				.isLessThanOrEqualTo(outsideTheWait.toMillis());
		});
	}

	@Test
	void aPoolMembersSuccessTakesAsLongAsConnectingTookWithoutTheWaitForTheAnswer() {
		this.fixture.answer(okJson(ServiceFixture.json(null, 60L, "embedded_fallback")));
		List<Duration> successes = new CopyOnWriteArrayList<>();
		run(this.fixture.runner().withBean(ProxyOutcomes.class, () -> new ProxyOutcomes() {

			@Override
			public void succeeded(ProxyPool pool, PoolMember member, Duration elapsed) {
				successes.add(elapsed);
			}

		}), (context, client) -> {
			Duration outsideTheWait = outsideTheWait(() -> assertThat(delayed(client, DELAY))
				.isEqualTo("delayed " + DELAY.toMillis()));
			assertThat(this.fixture.embeddedProxy.tunnels()).isOne();
			assertThat(successes).singleElement()
				.satisfies((elapsed) -> assertThat(elapsed).isLessThanOrEqualTo(outsideTheWait));
		});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "POST", "GET" })
	void aTunnelThroughTheServicesProxyThatStallsIsReportedAndItsAnswerNotReused(String method) {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		this.fixture.serviceProxy.fault(Fault.STALL);
		// the whoami after the stall gets no second try: short to wait for, long enough for it
		run(this.fixture.runner().withPropertyValues("cryptofeed.proxy.default.http.timeout=1500ms",
				"cryptofeed.proxy.failover.retry-idempotent=false"), (context, client) -> {
					assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> client
						.method(HttpMethod.valueOf(method))
						.uri(this.fixture.target.baseUrl() + "/whoami")
						.attribute(ProxyAttributes.EXCHANGE, "binance")
						.retrieve()
						.bodyToMono(String.class)
						.block(Duration.ofSeconds(10)));
					await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.fixture.feedback()).hasSize(1));
					String report = this.fixture.feedback().get(0).getBodyAsString();
					assertThat((Boolean) JsonPath.read(report, "$.success")).isFalse();
					assertThat(JsonPath.<String>read(report, "$.error_details")).contains("ReadTimeoutException");
					this.fixture.serviceProxy.fault(Fault.NONE);
					int asked = this.fixture.requests().size();
					this.fixture.whoami(client);
					assertThat(this.fixture.requests()).as("the service is asked again, not its answer reused")
						.hasSize(asked + 1);
				});
	}

	/** GET /delay/{millis} through the application's WebClient as binance's connection. */
	/**
	 * How long the request took beside the target's {@link #DELAY}: connecting happens before the
	 * target starts waiting, so it takes at most that long, however busy the machine, while a
	 * measure that took in the wait takes longer unless the machine stalled for the whole
	 * {@link #DELAY}.
	 */
	private static Duration outsideTheWait(Runnable request) {
		long start = System.nanoTime();
		request.run();
		return Duration.ofNanos(System.nanoTime() - start).minus(DELAY);
	}

	private String delayed(WebClient client, Duration delay) {
		return client.get()
			.uri(this.fixture.target.baseUrl() + "/delay/" + delay.toMillis())
			.attribute(ProxyAttributes.EXCHANGE, "binance")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	@Test
	void feedbackNamesTheProxyAsTheServiceGaveItWithoutItsPassword() {
		// socks5h (the proxy resolves the target) is how many services write their SOCKS proxies
		String answered = this.fixture.serviceProxy.url().replaceFirst("^socks5://", "socks5h://");
		assertThat(answered).startsWith("socks5h://feed:");
		this.fixture.answer(okJson(ServiceFixture.json(answered, 60L, "embedded_fallback")));
		run(this.fixture.runner(), (context, client) -> {
			assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.fixture.feedback()).isNotEmpty());
			String report = this.fixture.feedback().get(0).getBodyAsString();
			assertThat((String) JsonPath.read(report, "$.proxy_url"))
				.isEqualTo("socks5h://feed@127.0.0.1:" + this.fixture.serviceProxy.port());
			assertThat(report).doesNotContain(SECRET);
		});
	}

	@Test
	void anHttpsProxyTheServiceNamesIsSpokenToOverTlsWithTheProxyTlsBundle() {
		try (HttpConnectProxy tlsProxy = HttpConnectProxy.builder()
			.tls()
			.bindAddress("127.0.0.1")
			.egressAddress(SERVICE_PEER)
			.credentials("feed", SECRET)
			.start()) {
			assertThat(tlsProxy.url()).startsWith("https://feed:");
			this.fixture.answer(okJson(ServiceFixture.json(tlsProxy.url(), 60L, "embedded_fallback")));
			run(this.fixture.runner()
				.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
				.withPropertyValues(
						"spring.ssl.bundle.pem.proxies.truststore.certificate=classpath:" + ProxyCertificate.CERTIFICATE,
						"cryptofeed.proxy.proxy-tls.bundle=proxies"),
					(context, client) -> {
						assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
						assertThat(tlsProxy.tunnels()).isOne();
					});
		}
	}

	@Test
	void aStalledRequestThroughTheServicesProxyGetsTheResolvedPoolsTimeoutAndIsReported() {
		this.fixture.answerWithProxy(60L, "direct_connection");
		run(this.fixture.runner().withPropertyValues("cryptofeed.proxy.default.http.timeout=1s",
				"cryptofeed.proxy.failover.retry-idempotent=false"), (context, client) -> {
					assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> client.get()
						.uri(this.fixture.target.baseUrl() + "/delay/5000")
						.attribute(ProxyAttributes.EXCHANGE, "binance")
						.retrieve()
						.bodyToMono(String.class)
						.block(Duration.ofSeconds(10)))
						.withRootCauseInstanceOf(ReadTimeoutException.class);
					assertThat(this.fixture.serviceProxy.tunnels()).isOne();
					await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.fixture.feedback())
						.singleElement()
						.satisfies((report) -> assertThat((Boolean) JsonPath.read(report.getBodyAsString(), "$.success"))
							.isFalse()));
				});
	}

	/**
	 * The service's proxy refuses, and its answer's policy sends the next attempt direct, which
	 * fails to connect as well: the error names both, as a failover through members does, not
	 * the direct connect alone (which hid why the proxy was left).
	 */
	@Test
	void whenTheDirectFallbackFailsToConnectTooTheErrorNamesTheServicesProxyThatFailedFirst() throws Exception {
		this.fixture.answerWithProxy(60L, "direct_connection");
		this.fixture.serviceProxy.fault(Fault.REFUSE);
		int closed;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			closed = socket.getLocalPort();
		}
		String unreachable = "http://127.0.0.1:" + closed + "/whoami";
		run(this.fixture.runner(), (context, client) -> assertThatExceptionOfType(WebClientRequestException.class)
			.isThrownBy(() -> client.get()
				.uri(unreachable)
				.attribute(ProxyAttributes.EXCHANGE, "binance")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10)))
			.havingCause()
			.isInstanceOfSatisfying(ProxyConnectFailedException.class, (failure) -> {
				assertThat(failure.getMessage()).contains("exchange=binance", "type=http", "tried=2")
					.doesNotContain(SECRET);
				assertThat(failure.failures()).satisfiesExactly(
						(proxy) -> assertThat(proxy)
							.startsWith(ProxyUrls.mask(this.fixture.serviceProxy.url()) + " -> "),
						(direct) -> assertThat(direct).startsWith("no proxy (direct) -> ")
							.contains("Connection refused"));
			}));
	}

	/**
	 * The service's proxy refuses, and its answer's policy sends the next attempt direct, which
	 * connects but gets no answer within the request's own response timeout: the error names the
	 * proxy that failed first (masked) and why, in a suppressed exception, as the WARN line does,
	 * where it told of the direct timeout alone.
	 */
	@Test
	void whenTheDirectFallbackTimesOutOnceConnectedTheErrorStillNamesTheServicesProxyThatFailedFirst() {
		this.fixture.answerWithProxy(60L, "direct_connection");
		this.fixture.serviceProxy.fault(Fault.REFUSE);
		run(this.fixture.runner(), (context, client) -> assertThatExceptionOfType(WebClientRequestException.class)
			.isThrownBy(() -> client.get()
				.uri(this.fixture.target.baseUrl() + "/delay/5000")
				.attribute(ProxyAttributes.EXCHANGE, "binance")
				.httpRequest((request) -> request.<HttpClientRequest>getNativeRequest()
					.responseTimeout(Duration.ofMillis(300)))
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10)))
			.withRootCauseInstanceOf(ReadTimeoutException.class)
			.satisfies((error) -> assertThat(List.of(error.getSuppressed())).map(Throwable::getMessage)
				.filteredOn((message) -> message != null && message.startsWith("went direct after "))
				.singleElement()
				.satisfies((message) -> assertThat(message)
					.contains(ProxyUrls.mask(this.fixture.serviceProxy.url()) + " -> ", "Connection refused")
					.doesNotContain(SECRET))));
	}

	/**
	 * As docs/external-service.md says: quiet-timeout does not watch the service's proxies, the
	 * response timeout does, and a GET is then sent once more as the answer's policy says
	 * (here direct, where no pool's timeout applies).
	 */
	/**
	 * As above for a WebSocket: the service's proxy refuses, the policy sends the session
	 * direct, and the target never answers the upgrade within the direct handshake timeout. The
	 * timeout Netty raises has no stack trace, which the note used to take for a shared instance
	 * and skip: the session's error named the timeout alone.
	 */
	@Test
	void whenAWebSocketsDirectFallbackHandshakeTimesOutTheErrorStillNamesTheServicesProxyThatFailedFirst() {
		this.fixture.answerWithProxy(60L, "direct_connection");
		this.fixture.serviceProxy.fault(Fault.REFUSE);
		run(this.fixture.runner()
			.withPropertyValues("cryptofeed.proxy.websocket-client.direct-handshake-timeout=300ms"),
				(context, client) -> {
					WebSocketClient sockets = context.getBean(WebSocketClient.class);
					// the target answers this upgrade after 5 s, long after the direct handshake's timeout
					URI unanswered = URI.create("ws://" + this.fixture.target.host() + ":"
							+ this.fixture.target.port() + "/delay/5000");
					assertThatExceptionOfType(Exception.class)
						.isThrownBy(() -> sockets.execute(unanswered, (session) -> session.receive().then())
							.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE, "okx"))
							.block(Duration.ofSeconds(10)))
						.satisfies((error) -> assertThat(NestedExceptionUtils.getMostSpecificCause(error))
							.isInstanceOf(ReadTimeoutException.class))
						.satisfies((error) -> assertThat(suppressedInChain(error)).map(Throwable::getMessage)
							.filteredOn((message) -> message != null && message.startsWith("went direct after "))
							.singleElement()
							.satisfies((message) -> assertThat(message)
								.contains(ProxyUrls.mask(this.fixture.serviceProxy.url()) + " -> ",
										"Connection refused")
								.doesNotContain(SECRET)));
				});
	}

	/** The suppressed exceptions of the error and of each of its causes. */
	private static List<Throwable> suppressedInChain(Throwable error) {
		List<Throwable> suppressed = new ArrayList<>();
		for (Throwable t = error; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			suppressed.addAll(List.of(t.getSuppressed()));
		}
		return suppressed;
	}

	@Test
	void aGetStalledThroughTheServicesProxyIsSentOnceMoreAfterItsResponseTimeout() {
		this.fixture.answerWithProxy(60L, "direct_connection");
		run(this.fixture.runner().withPropertyValues("cryptofeed.proxy.default.http.timeout=1s"), (context, client) -> {
			client.get()
				.uri(this.fixture.target.baseUrl() + "/delay/2000")
				.attribute(ProxyAttributes.EXCHANGE, "binance")
				.retrieve()
				.toBodilessEntity()
				.block(Duration.ofSeconds(10));
			assertThat(this.fixture.serviceProxy.tunnels()).as("the first try").isOne();
			assertThat(context.getBean(ProxyPoolHttpClients.class)
				.directRoutes()
				.count(ConnectionType.HTTP, DirectRoutes.Reason.SERVICE)).as("the resend, direct by the policy")
				.isOne();
		});
	}

	/**
	 * A GET through the service's proxy that the caller's own response timeout ends, well before
	 * the pool's: the caller's deadline, not the proxy's stall. It is not sent again (direct, by
	 * the policy), and the service hears no failure of its proxy, only the next request's tunnel.
	 */
	@Test
	void aGetTheCallersOwnTimeoutEndsThroughTheServicesProxyIsNeitherSentAgainNorReportedFailed() {
		this.fixture.answerWithProxy(60L, "direct_connection");
		run(this.fixture.runner().withPropertyValues("cryptofeed.proxy.default.http.timeout=10s"),
				(context, client) -> {
					assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> client.get()
						.uri(this.fixture.target.baseUrl() + "/delay/5000")
						.attribute(ProxyAttributes.EXCHANGE, "binance")
						.httpRequest((request) -> request.<HttpClientRequest>getNativeRequest()
							.responseTimeout(Duration.ofMillis(300)))
						.retrieve()
						.bodyToMono(String.class)
						.block(Duration.ofSeconds(10))).withRootCauseInstanceOf(ReadTimeoutException.class);
					assertThat(context.getBean(ProxyPoolHttpClients.class)
						.directRoutes()
						.count(ConnectionType.HTTP, DirectRoutes.Reason.SERVICE)).as("sent again direct")
						.isZero();
					assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
					await().atMost(Duration.ofSeconds(5))
						.untilAsserted(() -> assertThat(this.fixture.feedback()).isNotEmpty());
					assertThat(this.fixture.feedback()).allSatisfy((report) -> assertThat(
							(Boolean) JsonPath.read(report.getBodyAsString(), "$.success"))
						.isTrue());
				});
	}

	@Test
	void aStalledWebSocketHandshakeThroughTheServicesProxyGetsTheResolvedPoolsTimeout() {
		this.fixture.answerWithProxy(60L, "direct_connection");
		run(this.fixture.runner().withPropertyValues("cryptofeed.proxy.default.websocket.timeout=300ms",
				"cryptofeed.proxy.failover.retry-idempotent=false"), (context, client) -> {
					WebSocketClient sockets = context.getBean(WebSocketClient.class);
					// the target answers this handshake after 3 s, long after the pool's timeout
					URI stalling = URI.create("ws://" + this.fixture.target.host() + ":" + this.fixture.target.port()
							+ "/delay/3000");
					assertThatExceptionOfType(Exception.class)
						.isThrownBy(() -> sockets.execute(stalling, (session) -> session.receive().then())
							.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE, "okx"))
							.block(Duration.ofSeconds(10)))
						.satisfies((error) -> assertThat(NestedExceptionUtils.getMostSpecificCause(error))
							.isInstanceOf(ReadTimeoutException.class));
					assertThat(this.fixture.serviceProxy.tunnels()).isOne();
				});
	}

	@Test
	void aBurstOfConnectionsAskingAtOnceIsAnsweredInFullWithoutOpeningTheBreaker() {
		// ttl 0: every connection asks, as a service that wants a choice per connection says
		this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 0L, "fail"))
			.withFixedDelay(100));
		run(this.fixture.runner(), (context, client) -> {
			ServiceProxySource source = context.getBean(ServiceProxySource.class);
			List<ProxyChoice.Kind> kinds = Flux.range(0, 300)
				.flatMap((i) -> source.choose("binance", ConnectionType.HTTP), 300)
				.map(ProxyChoice::kind)
				.collectList()
				.block(Duration.ofSeconds(60));
			assertThat(kinds).hasSize(300).containsOnly(ProxyChoice.Kind.PROXY);
			assertThat(requestCount(context, "success", "none")).isEqualTo(300);
			assertThat(counter(context, "cryptofeed.proxy.service.breaker.opens")).isZero();
		});
	}

	static Stream<Arguments> badAnswers() {
		return Stream.of(arguments("server error", aResponse().withStatus(500), "server_error"),
				arguments("unavailable", aResponse().withStatus(503), "server_error"),
				arguments("throttled", aResponse().withStatus(429), "server_error"),
				arguments("unauthorized", aResponse().withStatus(401), "unauthorized"),
				arguments("forbidden", aResponse().withStatus(403), "unauthorized"),
				arguments("not found", aResponse().withStatus(404), "rejected"),
				arguments("malformed JSON", okJson("{\"proxy_url\": \"socks5://u:" + SECRET + "@h:1\", "),
						"malformed"),
				arguments("not JSON at all",
						aResponse().withStatus(200)
							.withHeader("Content-Type", "application/json")
							.withBody("<html>gateway</html>"),
						"malformed"),
				arguments("an HTML page",
						aResponse().withStatus(200)
							.withHeader("Content-Type", "text/html")
							.withBody("<html>sign in</html>"),
						"malformed"),
				arguments("empty body", aResponse().withStatus(200).withHeader("Content-Type", "application/json"),
						"malformed"),
				arguments("no content", aResponse().withStatus(204), "malformed"),
				arguments("an answer over 256 KB", okJson(ServiceFixture.oversizedJson()), "malformed"),
				arguments("wrong type", okJson("{\"proxy_url\": [1, 2], \"ttl_seconds\": \"soon\"}"), "malformed"),
				arguments("unknown fallback policy", okJson(ServiceFixture.json("socks5://127.0.0.1:1", 60L, "pray")),
						"malformed"),
				arguments("negative TTL", okJson(ServiceFixture.json("socks5://127.0.0.1:1", -5L, "embedded_fallback")),
						"malformed"),
				arguments("unsupported proxy scheme",
						okJson(ServiceFixture.json("ftp://u:" + SECRET + "@127.0.0.1:21", 60L, null)),
						"unsupported_proxy"),
				arguments("proxy URL without port",
						okJson(ServiceFixture.json("socks5://u:" + SECRET + "@127.0.0.1", 60L, null)),
						"unsupported_proxy"),
				arguments("answer slower than the timeout",
						okJson(ServiceFixture.json("socks5://127.0.0.1:1", 60L, null)).withFixedDelay(2_500),
						"timeout"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badAnswers")
	void aBadAnswerIsOneClearLogLineAndTheEmbeddedPoolCarriesTheRequest(String name,
			ResponseDefinitionBuilder answer, String reason) {
		this.fixture.answer(answer);
		try (CapturedLog log = CapturedLog.of(ServiceProxySource.class)) {
			// a short timeout only where the timeout is the point: a cold first call on a busy
			// machine may take more than 3 s
			String timeout = reason.equals("timeout") ? "1s" : "10s";
			run(this.fixture.runner().withPropertyValues("cryptofeed.proxy.external-service.timeout=" + timeout),
					(context, client) -> {
						assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
						assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
						assertThat(log.warnings()).singleElement()
							.asString()
							.contains("reason=" + reason, "endpoint=" + this.fixture.serviceUrl(), "exchange=binance",
									"type=http", "fallback=embedded")
							.doesNotContain(SECRET);
						if (reason.equals("timeout")) {
							assertThat(log.warnings()).singleElement().asString().contains("no answer within 1s");
						}
						assertThat(log.lines()).noneMatch((line) -> line.contains(SECRET));
						// an answer that cannot be used is held: the second connection falls back without asking
						boolean held = !ServiceCallException.Reason.valueOf(reason.toUpperCase(Locale.ROOT))
							.transientFailure();
						assertThat(requestCount(context, "failed", reason)).isEqualTo(held ? 1 : 2);
						assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "embedded")).isEqualTo(2);
						assertThat(this.fixture.serviceProxy.accepted()).isZero();
					});
		}
	}

	/**
	 * A redirect is not followed: it is no answer of the protocol, and the client's credential
	 * goes to the configured endpoints only. It is rejected, as another 4xx, and held.
	 */
	@Test
	void aRedirectIsNotFollowedButRejectedAndTheEmbeddedPoolCarriesTheRequest() {
		this.fixture.answer(post(urlEqualTo("/elsewhere")),
				okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 60L, "embedded_fallback")));
		this.fixture.answer(aResponse().withStatus(302).withHeader("Location", this.fixture.serviceUrl() + "/elsewhere"));
		try (CapturedLog log = CapturedLog.of(ServiceProxySource.class)) {
			run(this.fixture.runner(), (context, client) -> {
				assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
				assertThat(log.warnings()).singleElement()
					.asString()
					.contains("reason=rejected", "detail=\"HTTP 302\"", "fallback=embedded");
				assertThat(this.fixture.service.findAll(postRequestedFor(urlEqualTo("/elsewhere")))).isEmpty();
				assertThat(requestCount(context, "failed", "rejected")).isOne();
			});
		}
	}

	@Test
	void theServiceAnsweringAgainIsLoggedOnce() {
		this.fixture.answer(aResponse().withStatus(503));
		try (CapturedLog log = CapturedLog.of(ServiceProxySource.class)) {
			run(this.fixture.runner(), (context, client) -> {
				assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
				this.fixture.answerWithProxy(0L, "embedded_fallback");
				assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
				assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
				assertThat(log.lines()).filteredOn((line) -> line.startsWith("INFO"))
					.singleElement()
					.asString()
					.contains("proxy service answers again");
			});
		}
	}

	@Test
	void theTokenTravelsInTheHeaderAndNowhereElse() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		try (CapturedLog log = CapturedLog.of(ServiceProxySource.class, ServiceCircuitBreaker.class)) {
			run(this.fixture.runner()
				.withPropertyValues("cryptofeed.proxy.external-service.auth-method=bearer-token",
						"cryptofeed.proxy.external-service.token=tok-" + SECRET),
					(context, client) -> {
						this.fixture.whoami(client);
						assertThat(this.fixture.requests().get(0).getHeader("Authorization"))
							.isEqualTo("Bearer tok-" + SECRET);
						assertThat(context.getBean(CompiledServiceClient.class).toString()).doesNotContain(SECRET);
						this.fixture.answer(aResponse().withStatus(401));
						this.fixture.whoami(client, "kraken");
						assertThat(log.lines()).isNotEmpty().noneMatch((line) -> line.contains(SECRET));
						assertThat(context.getBean(MeterRegistry.class).getMeters()).isNotEmpty()
							.allSatisfy((meter) -> assertThat(meter.getId().toString()).doesNotContain(SECRET));
					});
		}
	}

	@Test
	void anApiKeyTravelsInItsHeader() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner()
			.withPropertyValues("cryptofeed.proxy.external-service.auth-method=api-key",
					"cryptofeed.proxy.external-service.api-key=key-" + SECRET),
				(context, client) -> {
					this.fixture.whoami(client);
					assertThat(this.fixture.requests().get(0).getHeader("X-API-Key")).isEqualTo("key-" + SECRET);
					assertThat(this.fixture.requests().get(0).containsHeader("Authorization")).isFalse();
				});
	}

	/**
	 * As the application stops, its event loops close every connection still open, a tunnel
	 * through the service's proxy waiting for the exchange's answer too: that proxy did not
	 * fail, and the service is not to demote it at every restart. The stop is the one the
	 * starter's stopping flag (proxyPoolFailoverStop) announces before the loops close; the proxy cuts the tunnel.
	 */
	@Test
	void aTunnelThroughTheServicesProxyCutWhileTheApplicationStopsIsNotReported() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner(), (context, client) -> {
			CompletableFuture<String> waiting = client.get()
				.uri(this.fixture.target.baseUrl() + "/delay/60000")
				.attribute(ProxyAttributes.EXCHANGE, "binance")
				.retrieve()
				.bodyToMono(String.class)
				.toFuture();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.fixture.target.requestsByPeer().getOrDefault(SERVICE_PEER, 0) == 1);
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			clients.stopping(true);
			this.fixture.serviceProxy.fault(Fault.CRASH);
			await().atMost(Duration.ofSeconds(10)).until(waiting::isDone);
			assertThat(waiting).isCompletedExceptionally();
			this.fixture.serviceProxy.fault(Fault.NONE);
			clients.stopping(false);
			// reports go one at a time, in order: once this success is in, a report of the cut would be
			assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
			await().atMost(Duration.ofSeconds(5)).until(() -> !this.fixture.feedback().isEmpty());
			assertThat(this.fixture.feedback()).as("reports of the service's proxy")
				.singleElement()
				.satisfies((report) -> assertThat((Boolean) JsonPath.read(report.getBodyAsString(), "$.success"))
					.isTrue());
		});
	}

	@Test
	void theConnectionIsNotHeldUpByASlowFeedbackEndpoint() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		// answered only after whoami's own 10 s bound, which a connection waiting for it would miss
		this.fixture.answer(post(urlEqualTo(ProxyFeedback.PATH)), aResponse().withStatus(202).withFixedDelay(20_000));
		run(this.fixture.runner(), (context, client) -> {
			assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.fixture.feedback()).hasSize(1));
		});
	}

}
