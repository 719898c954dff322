package io.cryptofeed.proxy.service;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Hooks;

import org.springframework.web.reactive.function.client.WebClientRequestException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.cryptofeed.proxy.service.ServiceFixture.EMBEDDED_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.SERVICE_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Endpoints tried in order, each call starting at the one that answered last. */
class ServiceEndpointFailoverTests {

	@AutoClose
	private final ServiceFixture fixture = new ServiceFixture();

	private WireMockServer second;

	@BeforeEach
	void start() {
		this.second = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.second.start();
		this.second.stubFor(post(urlEqualTo(ProxyRequest.PATH))
			.willReturn(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 0L, "embedded_fallback"))));
	}

	@AfterEach
	void stop() {
		this.second.stop();
	}

	@Test
	void aRefusingFirstEndpointIsSkipped() throws IOException {
		String closed = "http://127.0.0.1:" + closedPort();
		run(this.fixture.runner().withPropertyValues(endpoints(closed, secondUrl())), (context, client) -> {
			assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
			assertThat(requestsTo(this.second)).isOne();
		});
	}

	@Test
	void afterAFailoverCallsStartAtTheEndpointThatAnswered() {
		this.fixture.answer(aResponse().withStatus(503));
		run(this.fixture.runner().withPropertyValues(endpoints(this.fixture.serviceUrl(), secondUrl())),
				(context, client) -> {
					for (int i = 0; i < 3; i++) {
						assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
					}
					assertThat(this.fixture.requests()).hasSize(1);
					assertThat(requestsTo(this.second)).isEqualTo(3);
				});
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = Fault.class,
			names = { "MALFORMED_RESPONSE_CHUNK", "RANDOM_DATA_THEN_CLOSE", "CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE" })
	void anAnswerThatBreaksOffIsAFailureOfItsEndpointAndNoErrorIsDropped(Fault fault) {
		// an error Reactor drops is logged at ERROR level with a stack trace: noise an operator must not see
		List<Throwable> dropped = new CopyOnWriteArrayList<>();
		Hooks.onErrorDropped(dropped::add);
		try {
			this.fixture.answer(aResponse().withFault(fault));
			run(this.fixture.runner().withPropertyValues(endpoints(this.fixture.serviceUrl(), secondUrl())),
					(context, client) -> {
						for (int i = 0; i < 3; i++) {
							assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
						}
					});
		}
		finally {
			Hooks.resetOnErrorDropped();
		}
		assertThat(dropped).isEmpty();
	}

	@Test
	void aSlowFirstEndpointTimesOutAndTheNextAnswers() throws IOException {
		// a listening socket that never accepts: the kernel takes the connection and the call,
		// and nothing ever answers, however long the timeout that leaves the next endpoint time
		// for its answer on a busy machine
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			String slow = "http://127.0.0.1:" + silent.getLocalPort();
			run(this.fixture.runner()
				.withPropertyValues(endpoints(slow, secondUrl()))
				.withPropertyValues("cryptofeed.proxy.external-service.timeout=4s"), (context, client) -> {
					assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
					assertThat(requestsTo(this.second)).isOne();
				});
		}
	}

	@Test
	void whenEveryEndpointFailsTheLogNamesEachAndTheEmbeddedPoolCarries() throws IOException {
		this.fixture.answer(aResponse().withStatus(502));
		this.second.stubFor(post(urlEqualTo(ProxyRequest.PATH)).willReturn(aResponse().withStatus(401)));
		try (CapturedLog log = CapturedLog.of(ServiceProxySource.class)) {
			run(this.fixture.runner().withPropertyValues(endpoints(this.fixture.serviceUrl(), secondUrl())),
					(context, client) -> {
						assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
						assertThat(log.warnings()).singleElement()
							.asString()
							.contains("endpoint=" + this.fixture.serviceUrl(), "HTTP 502", "endpoint=" + secondUrl(),
									"reason=unauthorized", "HTTP 401");
					});
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "{\"ttl_seconds\":\"soon\",\"fallback_policy\":\"fail\"}",
			"{\"ttl_seconds\":-5,\"fallback_policy\":\"fail\"}" })
	void aFailPolicyNamedByABadAnswerHoldsWhenTheNextEndpointCannotAnswer(String badAnswer) {
		this.fixture.answer(okJson(badAnswer));
		this.second.stubFor(post(urlEqualTo(ProxyRequest.PATH)).willReturn(aResponse().withStatus(503)));
		run(this.fixture.runner()
			.withPropertyValues(endpoints(this.fixture.serviceUrl(), secondUrl()))
			.withPropertyValues("cryptofeed.proxy.external-service.fallback-to-embedded=false"),
				(context, client) -> {
					assertThatExceptionOfType(WebClientRequestException.class)
						.isThrownBy(() -> this.fixture.whoami(client))
						.havingRootCause()
						.isInstanceOf(ProxyServiceUnavailableException.class)
						.withMessageContaining("reason=malformed")
						.withMessageContaining("reason=server_error");
					assertThat(requestsTo(this.second)).isOne();
				});
	}

	private String secondUrl() {
		return "http://127.0.0.1:" + this.second.port();
	}

	private static String[] endpoints(String... urls) {
		return new String[] { "cryptofeed.proxy.external-service.endpoints=" + String.join(",", urls) };
	}

	private static int requestsTo(WireMockServer server) {
		return server.findAll(postRequestedFor(urlEqualTo(ProxyRequest.PATH))).size();
	}

	/** A loopback port nobody listens on: connecting to it is refused at once. */
	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

}
