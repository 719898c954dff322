package io.cryptofeed.proxy.service;

import java.net.URI;
import java.time.Duration;
import java.util.stream.Stream;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.netty.DirectRoutes;
import io.cryptofeed.proxy.netty.ProxyConnectFailedException;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static io.cryptofeed.proxy.service.ServiceFixture.DIRECT_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.EMBEDDED_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.SECRET;
import static io.cryptofeed.proxy.service.ServiceFixture.SERVICE_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.counter;
import static io.cryptofeed.proxy.service.ServiceFixture.requestCount;
import static io.cryptofeed.proxy.service.ServiceFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * What a connection uses when the service gives no proxy, cannot answer, or its proxy fails:
 * as the answer's fallback policy and {@code fallback-to-embedded} say.
 */
class FallbackPolicyTests {

	@AutoClose
	private final ServiceFixture fixture = new ServiceFixture();

	private final TestClock clock = new TestClock();

	@ParameterizedTest(name = "{0}, fallback-to-embedded={1} -> {2}")
	@CsvSource({ "embedded_fallback, true, " + EMBEDDED_PEER, "embedded_fallback, false, " + DIRECT_PEER,
			"direct_connection, true, " + DIRECT_PEER, "direct_connection, false, " + DIRECT_PEER })
	void anAnswerWithoutProxyFollowsItsPolicy(String policy, boolean fallbackToEmbedded, String peer) {
		this.fixture.answer(okJson(ServiceFixture.json(null, 60L, policy)));
		run(this.fixture.runner()
			.withPropertyValues("cryptofeed.proxy.external-service.fallback-to-embedded=" + fallbackToEmbedded),
				(context, client) -> {
					assertThat(this.fixture.whoami(client)).isEqualTo(peer);
					String to = peer.equals(EMBEDDED_PEER) ? "embedded" : "direct";
					assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", to)).isOne();
					assertThat(context.getBean(ProxyPoolHttpClients.class)
						.directRoutes()
						.count(ConnectionType.HTTP, DirectRoutes.Reason.SERVICE)).isEqualTo(to.equals("direct") ? 1 : 0);
				});
	}

	@Test
	void anAnswerWithoutProxyAndPolicyFailFailsTheRequestNamingExchangeTypeAndCause() {
		this.fixture.answer(okJson(ServiceFixture.json(null, 60L, "fail")));
		run(this.fixture.runner(), (context, client) -> {
			assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> this.fixture.whoami(client))
				.havingRootCause()
				.isInstanceOfSatisfying(ProxyServiceUnavailableException.class, (failure) -> {
					assertThat(failure.exchange()).isEqualTo("binance");
					assertThat(failure.type()).isEqualTo(ConnectionType.HTTP);
					assertThat(failure.getMessage()).contains("fallback policy is fail", "exchange=binance",
							"type=http", "no proxy for this connection");
				});
			assertThat(this.fixture.embeddedProxy.accepted()).isZero();
			assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "fail")).isOne();
		});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "a proxy URL without port, socks5://u:" + SECRET + "@127.0.0.1, 60",
			"a negative TTL, socks5://127.0.0.1:1080, -5" })
	void anAnswerThatCannotBeUsedStillHasItsFailPolicyFollowedAndRemembered(String name, String proxyUrl,
			long ttl) {
		this.fixture.answer(okJson(ServiceFixture.json(proxyUrl, ttl, "fail")));
		run(this.fixture.runner(this.clock)
			.withPropertyValues("cryptofeed.proxy.external-service.fallback-to-embedded=false"), (context, client) -> {
					assertThatExceptionOfType(WebClientRequestException.class)
						.isThrownBy(() -> this.fixture.whoami(client))
						.havingRootCause()
						.isInstanceOf(ProxyServiceUnavailableException.class)
						.withMessageContaining("fallback policy is fail")
						.withMessageNotContaining(SECRET);
					// the service goes down once the answer is no longer held: the policy it named still holds
					this.clock.advance(ServiceProxySource.UNUSABLE_ANSWER_HOLD);
					this.fixture.answer(aResponse().withStatus(503));
					assertThatExceptionOfType(WebClientRequestException.class)
						.isThrownBy(() -> this.fixture.whoami(client))
						.havingRootCause()
						.isInstanceOf(ProxyServiceUnavailableException.class)
						.withMessageContaining("reason=server_error");
					assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "fail")).isEqualTo(2);
					assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "direct")).isZero();
				});
	}

	static Stream<Arguments> undecodableAnswersNamingFail() {
		return Stream.of(arguments("a TTL that is a word",
				"{\"proxy_url\":\"socks5://u:" + SECRET + "@127.0.0.1:1\",\"ttl_seconds\":\"soon\",\"fallback_policy\":\"fail\"}"),
				arguments("a TTL out of range", "{\"ttl_seconds\":1e30,\"fallback_policy\":\"fail\"}"),
				arguments("metadata that is not an object", "{\"fallback_policy\":\"fail\",\"metadata\":\"eu\"}"),
				arguments("a proxy URL that is an object", "{\"proxy_url\":{},\"fallback_policy\":\"fail\"}"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("undecodableAnswersNamingFail")
	void anAnswerThatCannotBeDecodedStillHasItsFailPolicyFollowedAndRemembered(String name, String body) {
		this.fixture.answer(okJson(body));
		run(this.fixture.runner(this.clock)
			.withPropertyValues("cryptofeed.proxy.external-service.fallback-to-embedded=false"), (context, client) -> {
					assertThatExceptionOfType(WebClientRequestException.class)
						.isThrownBy(() -> this.fixture.whoami(client))
						.havingRootCause()
						.isInstanceOf(ProxyServiceUnavailableException.class)
						.withMessageContaining("fallback policy is fail")
						.withMessageContaining("reason=malformed")
						.withMessageNotContaining(SECRET);
					// the service goes down once the answer is no longer held: the policy it named still holds
					this.clock.advance(ServiceProxySource.UNUSABLE_ANSWER_HOLD);
					this.fixture.answer(aResponse().withStatus(503));
					assertThatExceptionOfType(WebClientRequestException.class)
						.isThrownBy(() -> this.fixture.whoami(client))
						.havingRootCause()
						.isInstanceOf(ProxyServiceUnavailableException.class)
						.withMessageContaining("reason=server_error");
					assertThat(context.getBean(ProxyPoolHttpClients.class)
						.directRoutes()
						.count(ConnectionType.HTTP, DirectRoutes.Reason.SERVICE)).isZero();
					assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "fail")).isEqualTo(2);
					assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "direct")).isZero();
				});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "{\"ttl_seconds\":\"soon\"}", "{\"ttl_seconds\":\"soon\",\"fallback_policy\":[\"fail\"]}",
			"{\"fallback_policy\":\"fail\",\"proxy_url\":" })
	void anAnswerThatCannotBeDecodedWithoutAReadablePolicyLeavesTheLastPolicy(String body) {
		this.fixture.answerWithProxy(0L, "direct_connection");
		run(this.fixture.runner(), (context, client) -> {
			assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
			this.fixture.answer(okJson(body));
			assertThat(this.fixture.whoami(client)).isEqualTo(DIRECT_PEER);
			assertThat(requestCount(context, "failed", "malformed")).isOne();
		});
	}

	@Test
	void whileTheServiceIsDownTheLastAnswersFailPolicyStillHolds() {
		this.fixture.answerWithProxy(0L, "fail");
		run(this.fixture.runner(), (context, client) -> {
			assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
			this.fixture.answer(aResponse().withStatus(503));
			assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> this.fixture.whoami(client))
				.havingRootCause()
				.isInstanceOf(ProxyServiceUnavailableException.class)
				.withMessageContaining("reason=server_error")
				.withMessageContaining("HTTP 503");
			// another exchange has no answer yet: embedded_fallback until the service says otherwise
			assertThat(this.fixture.whoami(client, "kraken")).isEqualTo(EMBEDDED_PEER);
		});
	}

	/**
	 * A guard of the application's own (a bulkhead, a rate limiter) fails the call with an error
	 * of its own: the connection follows the policy, as for any call that found no answer. The
	 * error reached the connection, whatever the policy.
	 */
	@Test
	void aGuardOfTheApplicationsOwnThatFailsTheCallLeavesTheConnectionToThePolicy() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		ServiceGuard refusing = new ServiceGuard() {

			@Override
			public <T> Mono<T> guard(Mono<T> call) {
				return Mono.error(new IllegalStateException("bulkhead full"));
			}

			@Override
			public boolean isOpen() {
				return false;
			}

			@Override
			public void close() {
			}

		};
		run(this.fixture.runner().withBean(ServiceGuard.class, () -> refusing), (context, client) -> {
			assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
			assertThat(this.fixture.requests()).isEmpty();
			assertThat(requestCount(context, "failed", "unreachable")).isOne();
			assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "embedded")).isOne();
		});
	}

	/**
	 * The service could not answer, or answered without proxy for this connection only
	 * (ttl_seconds 0), so the embedded pools carry the connection: when their member fails, the
	 * next attempt stays with them rather than wait for the service again (up to timeout ×
	 * endpoints while it hangs), and the connection is counted once.
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource({ "the service down, 503", "an answer without proxy, 200" })
	void aConnectionLeftToTheEmbeddedPoolsAsksTheServiceOnceWhateverItsAttempts(String name, int status) {
		try (HttpConnectProxy first = refusing(); HttpConnectProxy second = refusing()) {
			this.fixture.answer((status == 200) ? okJson(ServiceFixture.json(null, 0L, "embedded_fallback"))
					: aResponse().withStatus(status));
			run(this.fixture.runner()
				.withPropertyValues("cryptofeed.proxy.default.http.pool[0].url=" + first.url(),
						"cryptofeed.proxy.default.http.pool[1].url=" + second.url()),
					(context, client) -> {
						assertThatExceptionOfType(WebClientRequestException.class)
							.isThrownBy(() -> this.fixture.whoami(client))
							.havingCause()
							.isInstanceOf(ProxyConnectFailedException.class)
							.withMessageContaining("tried=2");
						assertThat(this.fixture.requests()).hasSize(1);
						assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "embedded")).isOne();
					});
		}
	}

	private static HttpConnectProxy refusing() {
		HttpConnectProxy proxy = HttpConnectProxy.builder().bindAddress("127.0.0.1").start();
		proxy.fault(Fault.REFUSE);
		return proxy;
	}

	@Test
	void whileTheServiceIsDownTheLastAnswersDirectPolicyStillHolds() {
		this.fixture.answerWithProxy(0L, "direct_connection");
		run(this.fixture.runner(), (context, client) -> {
			assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
			this.fixture.answer(aResponse().withStatus(503));
			assertThat(this.fixture.whoami(client)).isEqualTo(DIRECT_PEER);
		});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "embedded_fallback, " + EMBEDDED_PEER, "direct_connection, " + DIRECT_PEER })
	void whenTheServicesProxyFailsTheNextAttemptFollowsThePolicy(String policy, String peer) {
		this.fixture.serviceProxy.fault(Fault.REFUSE);
		this.fixture.answerWithProxy(60L, policy);
		run(this.fixture.runner(), (context, client) -> {
			assertThat(this.fixture.whoami(client)).isEqualTo(peer);
			assertThat(this.fixture.serviceProxy.accepted()).isZero();
			String to = peer.equals(EMBEDDED_PEER) ? "embedded" : "direct";
			assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", to)).isOne();
		});
	}

	@Test
	void whenTheServicesProxyFailsUnderPolicyFailTheErrorNamesItMasked() {
		this.fixture.serviceProxy.fault(Fault.REFUSE);
		this.fixture.answerWithProxy(60L, "fail");
		run(this.fixture.runner(), (context, client) -> {
			assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> this.fixture.whoami(client))
				.havingCause()
				.isInstanceOfSatisfying(ProxyConnectFailedException.class, (failure) -> {
					assertThat(failure.getMessage()).contains("exchange=binance", "type=http", "tried=1",
							"socks5://***@127.0.0.1:" + this.fixture.serviceProxy.port())
						.doesNotContain(SECRET);
				});
			assertThat(this.fixture.embeddedProxy.accepted()).isZero();
			// the connection failed with the proxy's error: no fallback was used
			assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "fail")).isZero();
		});
	}

	@Test
	void oneAttemptAllowedMeansNoFallbackAfterTheServicesProxyFailed() {
		this.fixture.serviceProxy.fault(Fault.REFUSE);
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner().withPropertyValues("cryptofeed.proxy.failover.max-attempts=1"),
				(context, client) -> {
					assertThatExceptionOfType(WebClientRequestException.class)
						.isThrownBy(() -> this.fixture.whoami(client))
						.havingCause()
						.isInstanceOf(ProxyConnectFailedException.class);
					assertThat(this.fixture.embeddedProxy.accepted()).isZero();
					assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "embedded")).isZero();
				});
	}

	@Test
	void aWebSocketUnderPolicyFailGetsTheErrorItself() {
		this.fixture.answer(okJson(ServiceFixture.json(null, 60L, "fail")));
		run(this.fixture.runner(), (context, client) -> {
			WebSocketClient sockets = context.getBean(WebSocketClient.class);
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> sockets
					.execute(URI.create(this.fixture.target.wsUrl()), (session) -> session.close())
					.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE, "okx"))
					.block(Duration.ofSeconds(10)))
				.havingRootCause()
				.isInstanceOf(ProxyServiceUnavailableException.class)
				.withMessageContaining("exchange=okx")
				.withMessageContaining("type=websocket");
		});
	}

}
