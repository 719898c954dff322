package io.cryptofeed.proxy.service;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.netty.ProxyChoice;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static io.cryptofeed.proxy.service.ServiceFixture.EMBEDDED_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.SERVICE_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.counter;
import static io.cryptofeed.proxy.service.ServiceFixture.requestCount;
import static io.cryptofeed.proxy.service.ServiceFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An answer the service gave that cannot be used, held for
 * {@link ServiceProxySource#UNUSABLE_ANSWER_HOLD}: what the connections meanwhile log and
 * use, and how the episode ends.
 */
class ServiceHeldAnswerTests {

	private static final String NO_USABLE_ANSWER = "proxy service gave no usable answer";

	@AutoClose
	private final ServiceFixture fixture = new ServiceFixture();

	private final TestClock clock = new TestClock();

	/** The refusal is one WARN; each connection the hold serves, and the same refusal after it, a DEBUG line. */
	@Test
	void connectionsServedFromAHeldAnswerLogAtDebugOnly() {
		this.fixture.answer(aResponse().withStatus(401));
		run(this.fixture.runner(this.clock), (context, client) -> {
			try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
				for (int i = 0; i < 4; i++) {
					assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
				}
				this.clock.advance(ServiceProxySource.UNUSABLE_ANSWER_HOLD);
				assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);

				assertThat(this.fixture.requests()).hasSize(2);
				assertThat(captured.warnings()).singleElement()
					.asString()
					.contains(NO_USABLE_ANSWER, "reason=unauthorized", "exchange=binance", "fallback=embedded");
				assertThat(captured.lines()).filteredOn((line) -> line.startsWith("FINE " + NO_USABLE_ANSWER))
					.hasSize(4);
			}
		});
	}

	/**
	 * Connections that joined an ask whose answer could not be used each follow the policy that
	 * answer named (here a direct connection, where no answer means the embedded pools); the
	 * service was asked once, and the hold serves the next connection without asking.
	 */
	@Test
	void connectionsThatJoinedAnAskWhoseAnswerCannotBeUsedFollowTheNamedPolicy() {
		this.fixture.answer(okJson(ServiceFixture.json("gopher://10.0.0.9:70", 60L, "direct_connection"))
			.withTransformers(HeldAnswers.NAME));
		run(this.fixture.runner(this.clock), (context, client) -> {
			try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
				ServiceProxySource source = context.getBean(ServiceProxySource.class);
				int connections = 20;
				CompletableFuture<List<ProxyChoice>> choices = Flux
					.merge(Flux.range(0, connections).map((i) -> source.choose("binance", ConnectionType.HTTP)),
							connections)
					.collectList()
					.toFuture();
				await("the one ask reaching the service").atMost(Duration.ofSeconds(20))
					.until(() -> this.fixture.held.arrived() == 1);
				this.fixture.held.release();

				assertThat(choices.get(20, TimeUnit.SECONDS)).hasSize(connections)
					.allSatisfy((choice) -> assertThat(choice.kind()).isEqualTo(ProxyChoice.Kind.DIRECT));
				assertThat(source.choose("binance", ConnectionType.HTTP).block(Duration.ofSeconds(10)).kind())
					.isEqualTo(ProxyChoice.Kind.DIRECT);
				assertThat(this.fixture.requests()).hasSize(1);
				assertThat(requestCount(context, "failed", "unsupported_proxy")).isOne();
				assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "direct"))
					.isEqualTo(connections + 1);
				assertThat(captured.warnings()).singleElement()
					.asString()
					.contains(NO_USABLE_ANSWER, "reason=unsupported_proxy", "fallback=direct");
			}
		});
	}

	/** Once the hold ends the service is asked again, and a usable answer ends the episode. */
	@Test
	void afterTheHoldAUsableAnswerEndsTheEpisode() {
		this.fixture.answer(aResponse().withStatus(403));
		run(this.fixture.runner(this.clock), (context, client) -> {
			try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
				assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
				this.fixture.answerWithProxy(60L, "embedded_fallback");
				assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
				assertThat(this.fixture.requests()).hasSize(1);

				this.clock.advance(ServiceProxySource.UNUSABLE_ANSWER_HOLD);
				assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);

				assertThat(this.fixture.requests()).hasSize(2);
				assertThat(captured.warnings()).singleElement().asString().contains("reason=unauthorized", "HTTP 403");
				assertThat(captured.lines()).filteredOn((line) -> line.startsWith("INFO"))
					.containsExactly("INFO proxy service answers again: exchange=binance type=http");
			}
		});
	}

}
