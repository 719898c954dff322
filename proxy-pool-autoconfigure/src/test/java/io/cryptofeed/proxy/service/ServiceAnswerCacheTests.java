package io.cryptofeed.proxy.service;

import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static io.cryptofeed.proxy.service.ServiceFixture.DIRECT_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.EMBEDDED_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.SERVICE_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.counter;
import static io.cryptofeed.proxy.service.ServiceFixture.requestCount;
import static io.cryptofeed.proxy.service.ServiceFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Answers, with a proxy or without, reused within their TTL, asked for again after it, and
 * forgotten when their proxy fails.
 */
class ServiceAnswerCacheTests {

	@AutoClose
	private final ServiceFixture fixture = new ServiceFixture();

	private final TestClock clock = new TestClock();

	@Test
	void anAnswerIsReusedWithinItsTtlAndAskedForAgainAfter() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner(this.clock), (context, client) -> {
			assertServedBy(client, 3, SERVICE_PEER, 1);
			assertThat(counter(context, "cryptofeed.proxy.service.cached")).isEqualTo(2);
			this.clock.advance(Duration.ofSeconds(59));
			assertServedBy(client, 1, SERVICE_PEER, 1);
			this.clock.advance(Duration.ofSeconds(2));
			assertServedBy(client, 1, SERVICE_PEER, 2);
			assertThat(counter(context, "cryptofeed.proxy.service.cached")).isEqualTo(3);
		});
	}

	@Test
	void aStepOfTheWallClockNeitherLengthensNorShortensAnAnswersTtl() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner(this.clock), (context, client) -> {
			assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
			this.clock.step(Duration.ofHours(2));
			this.clock.advance(Duration.ofSeconds(30));
			assertServedBy(client, 1, SERVICE_PEER, 1);
			this.clock.step(Duration.ofHours(-3));
			this.clock.advance(Duration.ofSeconds(31));
			assertServedBy(client, 1, SERVICE_PEER, 2);
		});
	}

	@Test
	void anAnswerWithoutProxyIsReusedWithinItsTtlAndAskedForAgainAfter() {
		// how the starter's own server answers for a type without pool
		this.fixture.answer(okJson(ServiceFixture.json(null, 60L, "direct_connection")));
		run(this.fixture.runner(this.clock), (context, client) -> {
			assertServedBy(client, 3, DIRECT_PEER, 1);
			assertThat(counter(context, "cryptofeed.proxy.service.cached")).isEqualTo(2);
			assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "direct")).isEqualTo(3);
			this.clock.advance(Duration.ofSeconds(61));
			assertServedBy(client, 1, DIRECT_PEER, 2);
		});
	}

	@Test
	void aCachedAnswerWithoutProxyKeepsItsFailPolicy() {
		this.fixture.answer(okJson(ServiceFixture.json(null, 60L, "fail")));
		run(this.fixture.runner(this.clock), (context, client) -> {
			assertEachFails(client, 2, "no proxy for this connection");
			assertThat(this.fixture.requests()).hasSize(1);
			assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "fail")).isEqualTo(2);
		});
	}

	/** A wrong token cost every connection a round trip to the service before it fell back, for good. */
	@Test
	void aRefusalIsHeldBrieflyForItsExchangeWhoseConnectionsFallBackWithoutAsking() {
		this.fixture.answer(aResponse().withStatus(401));
		run(this.fixture.runner(this.clock), (context, client) -> {
			assertServedBy(client, 3, EMBEDDED_PEER, 1);
			assertThat(requestCount(context, "failed", "unauthorized")).isOne();
			assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "embedded")).isEqualTo(3);
			// another exchange's answer is its own
			this.fixture.whoami(client, "kraken");
			assertThat(this.fixture.requests()).hasSize(2);

			this.fixture.answerWithProxy(60L, "embedded_fallback");
			this.clock.advance(Duration.ofSeconds(9));
			assertServedBy(client, 1, EMBEDDED_PEER, 2);
			this.clock.advance(Duration.ofSeconds(2));
			assertServedBy(client, 1, SERVICE_PEER, 3);
		});
	}

	/** Held, an unusable answer's {@code fail} still fails each connection: never a direct one. */
	@Test
	void aHeldAnswerThatCannotBeUsedKeepsTheFailPolicyItNamed() {
		this.fixture.answer(okJson(ServiceFixture.json("gopher://10.0.0.9:70", 60L, "fail")));
		run(this.fixture.runner(this.clock), (context, client) -> {
			assertEachFails(client, 2, "reason=unsupported_proxy");
			assertThat(this.fixture.requests()).hasSize(1);
			assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "fail")).isEqualTo(2);
		});
	}

	@Test
	void aZeroTtlAnswerWithoutProxyAsksTheServiceForEveryConnection() {
		this.fixture.answer(okJson(ServiceFixture.json(null, 0L, "direct_connection")));
		run(this.fixture.runner(this.clock), (context, client) -> {
			assertServedBy(client, 3, DIRECT_PEER, 3);
			assertThat(counter(context, "cryptofeed.proxy.service.cached")).isZero();
		});
	}

	@Test
	void eachExchangeAndConnectionTypeHasItsOwnAnswer() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		run(this.fixture.runner(this.clock), (context, client) -> {
			this.fixture.whoami(client, "binance");
			this.fixture.whoami(client, "kraken");
			this.fixture.whoami(client, "BINANCE");
			assertThat(this.fixture.requests()).extracting((r) -> (String) JsonPath.read(r.getBodyAsString(), "$.exchange_id"))
				.containsExactlyInAnyOrder("binance", "kraken");
		});
	}

	@Test
	void withoutTtlInTheAnswerTheConfiguredCacheTtlApplies() {
		this.fixture.answerWithProxy(null, "embedded_fallback");
		run(this.fixture.runner(this.clock).withPropertyValues("cryptofeed.proxy.external-service.cache-ttl=10s"),
				(context, client) -> {
					this.fixture.whoami(client);
					this.clock.advance(Duration.ofSeconds(9));
					this.fixture.whoami(client);
					assertThat(this.fixture.requests()).hasSize(1);
					this.clock.advance(Duration.ofSeconds(2));
					this.fixture.whoami(client);
					assertThat(this.fixture.requests()).hasSize(2);
				});
	}

	/** {@code cache-ttl: 0}: an answer without {@code ttl_seconds} is not reused either. */
	@Test
	void aConfiguredCacheTtlOfZeroAsksTheServiceForEveryConnection() {
		this.fixture.answerWithProxy(null, "embedded_fallback");
		run(this.fixture.runner(this.clock).withPropertyValues("cryptofeed.proxy.external-service.cache-ttl=0"),
				(context, client) -> {
					assertServedBy(client, 3, SERVICE_PEER, 3);
					assertThat(counter(context, "cryptofeed.proxy.service.cached")).isZero();
				});
	}

	@Test
	void aZeroTtlAsksTheServiceForEveryConnection() {
		this.fixture.answerWithProxy(0L, "embedded_fallback");
		run(this.fixture.runner(this.clock), (context, client) -> {
			assertServedBy(client, 3, SERVICE_PEER, 3);
			assertThat(counter(context, "cryptofeed.proxy.service.cached")).isZero();
			assertThat(requestCount(context, "success", "none")).isEqualTo(3);
		});
	}

	/**
	 * A TTL of "forever" (or seconds meant as milliseconds) kept an answer, a {@code fail} or
	 * {@code direct_connection} without proxy too, until the application stopped: nothing else
	 * makes the client ask again. It is now cut to an hour, the longest the service's word holds.
	 */
	@Test
	void aTtlTooLongIsCutToTheLongestAnAnswerIsReusedInsteadOfFailingTheConnection() {
		this.fixture.answerWithProxy(Long.MAX_VALUE, "embedded_fallback");
		run(this.fixture.runner(this.clock), (context, client) -> {
			for (int i = 0; i < 3; i++) {
				assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
			}
			this.clock.advance(Duration.ofMinutes(59));
			assertServedBy(client, 1, SERVICE_PEER, 1);
			this.clock.advance(Duration.ofMinutes(2));
			assertServedBy(client, 1, SERVICE_PEER, 2);
		});
	}

	/** A cache-ttl configured longer than the cut is the longest instead: the operator asked for it. */
	@Test
	void aCacheTtlLongerThanTheCutLetsTheServicesTtlRunAsLong() {
		this.fixture.answer(okJson(ServiceFixture.json(null, 86_400L, "direct_connection")));
		run(this.fixture.runner(this.clock).withPropertyValues("cryptofeed.proxy.external-service.cache-ttl=3h"),
				(context, client) -> {
					assertThat(this.fixture.whoami(client)).isEqualTo(DIRECT_PEER);
					this.clock.advance(Duration.ofMinutes(179));
					assertServedBy(client, 1, DIRECT_PEER, 1);
					this.clock.advance(Duration.ofMinutes(2));
					assertServedBy(client, 1, DIRECT_PEER, 2);
				});
	}

	@Test
	void aTtlThatOverflowsTheExpiryInstantStillCachesTheAnswer() {
		// large enough that now + TTL in milliseconds no longer fits a long
		this.fixture.answerWithProxy(Long.MAX_VALUE / 1000, "embedded_fallback");
		run(this.fixture.runner(this.clock), (context, client) -> {
			assertServedBy(client, 3, SERVICE_PEER, 1);
		});
	}

	@Test
	void aCachedProxyThatFailsIsForgottenReportedAndTheServiceAskedAgain() {
		this.fixture.answerWithProxy(600L, "embedded_fallback");
		try (TargetServer second = TargetServer.start("127.0.0.1")) {
			run(this.fixture.runner(this.clock), (context, client) -> {
				assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
				this.fixture.serviceProxy.fault(Fault.REFUSE);
				// a second target needs a new tunnel, which the proxy refuses: the embedded pool takes over
				assertThat(this.fixture.whoami(client, "binance", second)).isEqualTo(EMBEDDED_PEER);
				assertThat(this.fixture.requests()).hasSize(1);
				assertThat(this.fixture.whoami(client, "binance", second)).isEqualTo(EMBEDDED_PEER);
				assertThat(this.fixture.requests()).hasSize(2);
				await().atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(this.fixture.feedback())
						.filteredOn((r) -> !(Boolean) JsonPath.read(r.getBodyAsString(), "$.success"))
						.hasSize(2)
						.allSatisfy((r) -> assertThat((String) JsonPath.read(r.getBodyAsString(), "$.error_details"))
							.contains("Exception")));
			});
		}
	}

	/**
	 * {@code connections} connections in a row, each through {@code peer}, after which the
	 * service has been asked {@code asked} times in all.
	 */
	private void assertServedBy(WebClient client, int connections, String peer, int asked) {
		for (int i = 0; i < connections; i++) {
			assertThat(this.fixture.whoami(client)).isEqualTo(peer);
		}
		assertThat(this.fixture.requests()).hasSize(asked);
	}

	/** {@code connections} connections in a row, each failed by the proxy service client, saying {@code message}. */
	private void assertEachFails(WebClient client, int connections, String message) {
		for (int i = 0; i < connections; i++) {
			assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> this.fixture.whoami(client))
				.havingRootCause()
				.isInstanceOf(ProxyServiceUnavailableException.class)
				.withMessageContaining(message);
		}
	}

}
