package io.cryptofeed.proxy.service;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.netty.ProxyChoice;
import io.cryptofeed.proxy.testkit.Fault;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.core.NestedExceptionUtils;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static io.cryptofeed.proxy.service.ServiceFixture.counter;
import static io.cryptofeed.proxy.service.ServiceFixture.requestCount;
import static io.cryptofeed.proxy.service.ServiceFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of connections for one exchange and connection type while no answer is cached (a
 * start-up, an expired TTL) makes one ask, which every connection of the burst waits for.
 */
class ServiceAskCoalescingTests {

	private static final int BURST = 200;

	/** A key of the application's in the Reactor context. */
	private static final String TENANT = "tenant";

	@AutoClose
	private final ServiceFixture fixture = new ServiceFixture();

	private final TestClock clock = new TestClock();

	@Test
	void aBurstOfConnectionsAsksOnceAndEachUsesTheAnswer() {
		this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 60L, "embedded_fallback"))
			.withFixedDelay(500));
		run(this.fixture.runner(), (context, client) -> {
			List<ProxyChoice> choices = burst(context.getBean(ServiceProxySource.class), "binance");

			assertThat(choices).hasSize(BURST)
				.allSatisfy((choice) -> assertThat(choice.kind()).isEqualTo(ProxyChoice.Kind.PROXY))
				.allSatisfy((choice) -> assertThat(choice.endpoint().port()).isEqualTo(this.fixture.serviceProxy.port()));
			assertThat(this.fixture.requests()).hasSize(1);
			assertThat(requestCount(context, "success", "none")).isOne();
			assertThat(counter(context, "cryptofeed.proxy.service.cached")).isEqualTo(BURST - 1);
		});
	}

	@Test
	void whenTheOneAskTimesOutEveryWaiterFallsBackAndTheBreakerCountsOneFailure() {
		// held until the test ends: only the client's timeout ends the ask
		this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 60L, "embedded_fallback"))
			.withTransformers(HeldAnswers.NAME));
		run(this.fixture.runner().withPropertyValues("cryptofeed.proxy.external-service.timeout=1s"),
				(context, client) -> {
					CircuitBreaker breaker = ((ServiceCircuitBreaker) context.getBean(ServiceGuard.class)).breaker();
					List<ProxyChoice> choices = burst(context.getBean(ServiceProxySource.class), "binance");

					assertThat(choices).hasSize(BURST)
						.allSatisfy((choice) -> assertThat(choice.kind()).isEqualTo(ProxyChoice.Kind.EMBEDDED));
					assertThat(this.fixture.held.arrived()).isOne();
					assertThat(requestCount(context, "failed", "timeout")).isOne();
					assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isOne();
					assertThat(counter(context, "cryptofeed.proxy.service.fallback", "to", "embedded")).isEqualTo(BURST);
				});
	}

	@Test
	void whenTheOneAskFailsUnderFailEveryWaiterFailsWithItsOwnErrorNamingTheCause() {
		// the latest answer says fail; the next ask, after its TTL, finds the service down
		this.fixture.answer(okJson(ServiceFixture.json(null, 60L, "fail")));
		run(this.fixture.runner(this.clock), (context, client) -> {
			ServiceProxySource source = context.getBean(ServiceProxySource.class);
			assertThat(source.choose("binance", ConnectionType.HTTP).block().kind())
				.isEqualTo(ProxyChoice.Kind.REFUSED);
			this.clock.advance(Duration.ofSeconds(61));
			this.fixture.service.resetRequests();
			this.fixture.answer(aResponse().withStatus(503).withFixedDelay(500));

			List<Throwable> errors = Flux.merge(Flux.range(0, 50)
				.map((i) -> client.get()
					.uri(this.fixture.target.baseUrl() + "/whoami")
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.retrieve()
					.bodyToMono(String.class)
					.map(Object.class::cast)
					.onErrorResume((error) -> Mono.just(NestedExceptionUtils.getMostSpecificCause(error)))), 50)
				.cast(Throwable.class)
				.collectList()
				.block(Duration.ofSeconds(30));

			assertThat(this.fixture.requests()).hasSize(1);
			assertThat(errors).hasSize(50)
				.doesNotHaveDuplicates()
				.allSatisfy((error) -> assertThat(error).isInstanceOf(ProxyServiceUnavailableException.class)
					.hasMessageContaining("HTTP 503"));
		});
	}

	@Test
	void aZeroTtlAnswerIsNotSharedEachConnectionAsksForItsOwn() {
		this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 0L, "embedded_fallback"))
			.withFixedDelay(200));
		run(this.fixture.runner(), (context, client) -> {
			List<ProxyChoice> choices = burst(context.getBean(ServiceProxySource.class), "binance", 20);

			assertThat(choices).hasSize(20)
				.allSatisfy((choice) -> assertThat(choice.kind()).isEqualTo(ProxyChoice.Kind.PROXY));
			assertThat(this.fixture.requests()).hasSize(20);
			assertThat(counter(context, "cryptofeed.proxy.service.cached")).isZero();
		});
	}

	/**
	 * Once the service has said it wants a choice per connection, a burst asks at once, each
	 * connection for its own: waiting for another's ask first would double each one's wait.
	 */
	@Test
	void afterAZeroTtlAnswerABurstAsksAtOnceWithoutWaitingForOneAnother() {
		this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 0L, "embedded_fallback")));
		run(this.fixture.runner(), (context, client) -> {
			ServiceProxySource source = context.getBean(ServiceProxySource.class);
			assertThat(source.choose("binance", ConnectionType.HTTP).block().kind()).isEqualTo(ProxyChoice.Kind.PROXY);
			this.fixture.service.resetRequests();
			this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 0L, "embedded_fallback"))
				.withTransformers(HeldAnswers.NAME));

			// fewer than WireMock serves at once: its threads would hold the rest back
			assertAsksComeTogether(source, 8);
		});
	}

	/**
	 * A proxy of a zero-TTL answer that fails is forgotten, but the service's wish for a choice
	 * per connection stands: the next burst still asks at once.
	 */
	@Test
	void afterAZeroTtlAnswersProxyFailedABurstStillAsksAtOnce() {
		this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 0L, "embedded_fallback")));
		run(this.fixture.runner(), (context, client) -> {
			this.fixture.serviceProxy.fault(Fault.REFUSE);
			assertThat(this.fixture.whoami(client)).isEqualTo(ServiceFixture.EMBEDDED_PEER);
			this.fixture.serviceProxy.fault(Fault.NONE);
			this.fixture.service.resetRequests();
			this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 0L, "embedded_fallback"))
				.withTransformers(HeldAnswers.NAME));

			assertAsksComeTogether(context.getBean(ServiceProxySource.class), 8);
		});
	}

	@Test
	void eachExchangeHasItsOwnAsk() {
		this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 60L, "embedded_fallback"))
			.withFixedDelay(300));
		run(this.fixture.runner(), (context, client) -> {
			ServiceProxySource source = context.getBean(ServiceProxySource.class);
			List<ProxyChoice> choices = Flux.merge(Flux.range(0, 20)
				.map((i) -> source.choose((i % 2 == 0) ? "binance" : "kraken", ConnectionType.HTTP)), 20)
				.collectList()
				.block(Duration.ofSeconds(30));

			assertThat(choices).hasSize(20);
			assertThat(this.fixture.requests()).hasSize(2);
		});
	}

	/**
	 * The ask runs in the Reactor context of the connection that started it, as each
	 * connection's own ask did before asks were shared: what the application put there (a
	 * tenant, a token) reaches a guard of its own around the call. A connection that joins the
	 * ask under way keeps its own context downstream.
	 */
	@Test
	void theAskRunsInTheContextOfTheConnectionThatStartedIt() {
		this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 60L, "embedded_fallback"))
			.withTransformers(HeldAnswers.NAME));
		ContextReadingGuard guard = new ContextReadingGuard();
		run(this.fixture.runner().withBean(ServiceGuard.class, () -> guard), (context, client) -> {
			CompletableFuture<String> first = client.get()
				.uri(this.fixture.target.baseUrl() + "/whoami")
				.attribute(ProxyAttributes.EXCHANGE, "binance")
				.retrieve()
				.bodyToMono(String.class)
				.contextWrite(Context.of(TENANT, "desk-7"))
				.toFuture();
			await("the first connection's ask").atMost(Duration.ofSeconds(20))
				.until(() -> this.fixture.held.arrived() == 1);
			CompletableFuture<String> joined = context.getBean(ServiceProxySource.class)
				.choose("binance", ConnectionType.HTTP)
				.flatMap((choice) -> Mono.deferContextual((view) -> Mono.just(choice.kind() + " " + view.get(TENANT))))
				.contextWrite(Context.of(TENANT, "desk-9"))
				.toFuture();
			this.fixture.held.release();

			assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo(ServiceFixture.SERVICE_PEER);
			assertThat(joined.get(20, TimeUnit.SECONDS)).isEqualTo("PROXY desk-9");
			assertThat(this.fixture.requests()).hasSize(1);
			assertThat(guard.tenants).containsExactly("desk-7");
		});
	}

	/**
	 * Every connection waiting for the ask gives up (cancelled), the ask runs on in its
	 * starter's context: its answer fills the cache, and the next connection uses it without
	 * asking.
	 */
	@Test
	void theAskRunsToItsEndWhenEveryConnectionWaitingForItGivesUp() {
		this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 60L, "embedded_fallback"))
			.withTransformers(HeldAnswers.NAME));
		ContextReadingGuard guard = new ContextReadingGuard();
		run(this.fixture.runner().withBean(ServiceGuard.class, () -> guard), (context, client) -> {
			ServiceProxySource source = context.getBean(ServiceProxySource.class);
			Disposable first = source.choose("binance", ConnectionType.HTTP)
				.contextWrite(Context.of(TENANT, "desk-7"))
				.subscribe();
			Disposable joined = source.choose("binance", ConnectionType.HTTP).subscribe();
			await("the first connection's ask").atMost(Duration.ofSeconds(20))
				.until(() -> this.fixture.held.arrived() == 1);
			first.dispose();
			joined.dispose();
			this.fixture.held.release();

			await("the abandoned ask's answer").atMost(Duration.ofSeconds(20))
				.until(() -> requestCount(context, "success", "none") == 1);
			assertThat(source.choose("binance", ConnectionType.HTTP).block(Duration.ofSeconds(20)).kind())
				.isEqualTo(ProxyChoice.Kind.PROXY);
			assertThat(this.fixture.requests()).hasSize(1);
			assertThat(guard.tenants).containsExactly("desk-7");
		});
	}

	/**
	 * A burst of {@code asks} connections, each of whose asks reaches the service while the
	 * service holds every answer: none waited for another's answer first. Then each gets its
	 * service's proxy.
	 */
	private void assertAsksComeTogether(ServiceProxySource source, int asks) throws Exception {
		CompletableFuture<List<ProxyChoice>> choices = Flux
			.merge(Flux.range(0, asks).map((i) -> source.choose("binance", ConnectionType.HTTP)), asks)
			.collectList()
			.toFuture();
		await("each ask reaching the service while none is answered").atMost(Duration.ofSeconds(20))
			.until(() -> this.fixture.held.arrived() == asks);
		this.fixture.held.release();

		assertThat(choices.get(20, TimeUnit.SECONDS)).hasSize(asks)
			.allSatisfy((choice) -> assertThat(choice.kind()).isEqualTo(ProxyChoice.Kind.PROXY));
		assertThat(this.fixture.requests()).hasSize(asks);
	}

	/** Lets every call through, noting the tenant in the context each call runs in. */
	private static final class ContextReadingGuard implements ServiceGuard {

		final List<String> tenants = new CopyOnWriteArrayList<>();

		@Override
		public <T> Mono<T> guard(Mono<T> call) {
			return Mono.deferContextual((view) -> {
				this.tenants.add(view.getOrDefault(TENANT, "no tenant"));
				return call;
			});
		}

		@Override
		public boolean isOpen() {
			return false;
		}

		@Override
		public void close() {
		}

	}

	private static List<ProxyChoice> burst(ServiceProxySource source, String exchange) {
		return burst(source, exchange, BURST);
	}

	/** {@code count} connections asking at once, each subscribed before any answer comes. */
	private static List<ProxyChoice> burst(ServiceProxySource source, String exchange, int count) {
		return Flux.merge(Flux.range(0, count).map((i) -> source.choose(exchange, ConnectionType.HTTP)), count)
			.collectList()
			.block(Duration.ofSeconds(30));
	}

}
