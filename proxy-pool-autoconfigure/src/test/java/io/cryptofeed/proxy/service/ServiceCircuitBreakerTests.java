package io.cryptofeed.proxy.service;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.netty.ProxyChoice;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.cryptofeed.proxy.service.ServiceFixture.EMBEDDED_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.SERVICE_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.counter;
import static io.cryptofeed.proxy.service.ServiceFixture.requestCount;
import static io.cryptofeed.proxy.service.ServiceFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The breaker around the service: open after repeated failures, closed again once it answers. */
class ServiceCircuitBreakerTests {

	@AutoClose
	private final ServiceFixture fixture = new ServiceFixture();

	private final TestClock clock = new TestClock();

	@Test
	void repeatedFailuresOpenTheBreakerAndConnectionsStopAskingUntilItRecovers() {
		this.fixture.answer(aResponse().withStatus(503));
		try (CapturedLog log = CapturedLog.of(ServiceCircuitBreaker.class)) {
			run(this.fixture.runner()
				.withPropertyValues("cryptofeed.proxy.external-service.circuit-breaker-wait-duration=1s"),
					(context, client) -> {
						CircuitBreaker breaker = ((ServiceCircuitBreaker) context.getBean(ServiceGuard.class)).breaker();
						for (int i = 0; i < 5; i++) {
							assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
						}
						assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
						for (int i = 0; i < 5; i++) {
							assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
						}
						assertThat(this.fixture.requests()).hasSize(5);
						assertThat(requestCount(context, "failed", "circuit_open")).isEqualTo(5);
						assertThat(counter(context, "cryptofeed.proxy.service.breaker.opens")).isOne();
						assertThat(log.warnings()).singleElement().asString().contains("from=CLOSED to=OPEN wait=1s");

						this.fixture.answerWithProxy(0L, "embedded_fallback");
						await().atMost(Duration.ofSeconds(10))
							.untilAsserted(() -> assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER));
						assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
						assertThat(counter(context, "cryptofeed.proxy.service.breaker.opens")).isOne();
					});
		}
	}

	/**
	 * Whether the breaker is open now, and how close it is to opening, shows in Resilience4j's
	 * meters as the members' breakers do (name proxy-service), not only in a counter of openings.
	 */
	@Test
	void theBreakersStateAndFailureRateAreMetered() {
		this.fixture.answer(aResponse().withStatus(503));
		run(this.fixture.runner(), (context, client) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(state(meters, "closed")).isOne();
			for (int i = 0; i < 5; i++) {
				assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
			}
			assertThat(state(meters, "open")).isOne();
			assertThat(state(meters, "closed")).isZero();
			assertThat(meters.get("resilience4j.circuitbreaker.failure.rate").tag("name", "proxy-service").gauge().value())
				.isEqualTo(100.0);
		});
	}

	private static double state(MeterRegistry meters, String state) {
		return meters.get("resilience4j.circuitbreaker.state")
			.tags("name", "proxy-service", "state", state)
			.gauge()
			.value();
	}

	/** A service down for an hour made a WARN and an INFO line per wait, one trial each. */
	@Test
	void whileTheServiceStaysDownTheTrialsLogAtDebug() {
		ServiceCircuitBreaker guard = new ServiceCircuitBreaker(Duration.ofSeconds(30), ServiceMetrics.NONE);
		CircuitBreaker breaker = guard.breaker();
		try (CapturedLog log = CapturedLog.of(ServiceCircuitBreaker.class)) {
			breaker.transitionToOpenState();
			for (int trial = 0; trial < 3; trial++) {
				breaker.transitionToHalfOpenState();
				breaker.transitionToOpenState();
			}
			breaker.transitionToHalfOpenState();
			breaker.transitionToClosedState();

			assertThat(log.lines()).filteredOn((line) -> !line.startsWith("FINE"))
				.containsExactly("WARNING proxy service circuit breaker from=CLOSED to=OPEN wait=30s",
						"INFO proxy service circuit breaker from=HALF_OPEN to=CLOSED wait=30s");
			assertThat(log.lines()).filteredOn((line) -> line.startsWith("FINE")).hasSize(7);
		}
	}

	/**
	 * The service is there: one exchange's unusable answers must not stop every exchange from
	 * asking. Each is held for a while (see ServiceAnswerCacheTests), so each ask here comes after one.
	 */
	@Test
	void answersThatCannotBeUsedFallBackButLeaveTheBreakerClosed() {
		this.fixture.answer(okJson(ServiceFixture.json("gopher://10.0.0.9:70", 60L, "embedded_fallback")));
		run(this.fixture.runner(this.clock), (context, client) -> {
			CircuitBreaker breaker = ((ServiceCircuitBreaker) context.getBean(ServiceGuard.class)).breaker();
			for (int i = 0; i < 8; i++) {
				assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
				this.clock.advance(ServiceProxySource.UNUSABLE_ANSWER_HOLD);
			}
			assertThat(this.fixture.requests()).hasSize(8);
			assertThat(requestCount(context, "failed", "unsupported_proxy")).isEqualTo(8);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		});
	}

	/** An answer too large to read came whole from a service that is up: as malformed, not unreachable. */
	@Test
	void anAnswerOverTheSizeLimitFallsBackButLeavesTheBreakerClosed() {
		this.fixture.answer(okJson(ServiceFixture.oversizedJson()));
		run(this.fixture.runner(this.clock), (context, client) -> {
			CircuitBreaker breaker = ((ServiceCircuitBreaker) context.getBean(ServiceGuard.class)).breaker();
			for (int i = 0; i < 8; i++) {
				assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
				this.clock.advance(ServiceProxySource.UNUSABLE_ANSWER_HOLD);
			}
			assertThat(this.fixture.requests()).hasSize(8);
			assertThat(requestCount(context, "failed", "malformed")).isEqualTo(8);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		});
	}

	/** Feedback is advice: a service that refuses it (503) is retried, and its breaker does not hear of it. */
	@Test
	void feedbackTheServiceFailsToTakeDoesNotCountInItsBreaker() {
		this.fixture.answerWithProxy(60L, "embedded_fallback");
		this.fixture.answer(post(urlEqualTo(ProxyFeedback.PATH)), aResponse().withStatus(503));
		run(this.fixture.runner(), (context, client) -> {
			CircuitBreaker breaker = ((ServiceCircuitBreaker) context.getBean(ServiceGuard.class)).breaker();
			assertThat(this.fixture.whoami(client)).isEqualTo(SERVICE_PEER);
			// one report, sent and retried: more failures than open the breaker
			await().atMost(Duration.ofSeconds(20)).until(() -> this.fixture.feedback().size() >= 6);

			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
			assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isOne();
		});
	}

	@Test
	void withTheBreakerOffEveryConnectionAsks() {
		this.fixture.answer(aResponse().withStatus(503));
		run(this.fixture.runner().withPropertyValues("cryptofeed.proxy.external-service.circuit-breaker-enabled=false"),
				(context, client) -> {
					assertThat(context).doesNotHaveBean(ServiceGuard.class);
					for (int i = 0; i < 8; i++) {
						assertThat(this.fixture.whoami(client)).isEqualTo(EMBEDDED_PEER);
					}
					assertThat(this.fixture.requests()).hasSize(8);
				});
	}

	/** Half-open, the service still slow to come back: one trial call, not one per connection. */
	@Test
	void halfOpenLetsOneTrialAskThroughWhileOtherExchangesFallBack() {
		this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 60L, "embedded_fallback"))
			.withFixedDelay(500));
		run(this.fixture.runner(), (context, client) -> {
			CircuitBreaker breaker = ((ServiceCircuitBreaker) context.getBean(ServiceGuard.class)).breaker();
			ServiceProxySource source = context.getBean(ServiceProxySource.class);
			breaker.transitionToOpenState();
			breaker.transitionToHalfOpenState();

			List<ProxyChoice.Kind> kinds = Flux.merge(Flux.range(0, 10)
				.map((i) -> source.choose("exchange-" + i, ConnectionType.HTTP)), 10)
				.map(ProxyChoice::kind)
				.collectList()
				.block(Duration.ofSeconds(30));

			assertThat(this.fixture.requests()).hasSize(1);
			assertThat(kinds).containsOnlyOnce(ProxyChoice.Kind.PROXY);
			assertThat(kinds).filteredOn((kind) -> kind == ProxyChoice.Kind.EMBEDDED).hasSize(9);
			assertThat(requestCount(context, "failed", "circuit_open")).isEqualTo(9);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		});
	}

	/**
	 * Half-open, the trial call for an exchange under way and the service still hung: the
	 * exchange's next connections fall back at once, as while the breaker is open, rather than
	 * wait up to timeout × endpoints for the trial (every wait-duration, the busiest exchange
	 * stalled that long).
	 */
	@Test
	void halfOpenTheExchangesNextConnectionsDoNotWaitForItsTrial() {
		this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 60L, "embedded_fallback"))
			.withTransformers(HeldAnswers.NAME));
		run(this.fixture.runner(), (context, client) -> {
			CircuitBreaker breaker = ((ServiceCircuitBreaker) context.getBean(ServiceGuard.class)).breaker();
			ServiceProxySource source = context.getBean(ServiceProxySource.class);
			breaker.transitionToOpenState();
			breaker.transitionToHalfOpenState();

			CompletableFuture<ProxyChoice> trial = source.choose("binance", ConnectionType.HTTP).toFuture();
			await("the trial reaching the service").atMost(Duration.ofSeconds(20))
				.until(() -> this.fixture.held.arrived() == 1);
			// well under the 10s timeout the trial may take
			ProxyChoice next = source.choose("binance", ConnectionType.HTTP).block(Duration.ofSeconds(5));

			assertThat(next.kind()).isEqualTo(ProxyChoice.Kind.EMBEDDED);
			assertThat(requestCount(context, "failed", "circuit_open")).isOne();
			this.fixture.held.release();
			assertThat(trial.get(20, TimeUnit.SECONDS).kind()).isEqualTo(ProxyChoice.Kind.PROXY);
			assertThat(this.fixture.requests()).hasSize(1);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		});
	}

}
