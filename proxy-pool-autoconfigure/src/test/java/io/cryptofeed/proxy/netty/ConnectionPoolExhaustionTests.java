package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * More requests at once through one member than its connection pool allows: those beyond the
 * pending-acquire queue or its wait fail with an error that names the member (masked) and the
 * limit, and the member, which never saw them, is not blamed nor is another member tried.
 */
class ConnectionPoolExhaustionTests {

	private final TargetServer target = TargetServer.start("127.0.0.1");

	private final HttpConnectProxy proxy = HttpConnectProxy.builder()
		.bindAddress("127.0.0.1")
		.credentials("feed", "s3cret-pw")
		.start();

	/** One connection per member and target, and a short wait for it. */
	private final ConnectionProvider provider = ConnectionProvider.builder("exhaustion")
		.maxConnections(1)
		.pendingAcquireTimeout(Duration.ofMillis(300))
		.build();

	@AfterEach
	void stop() {
		this.provider.disposeLater().block(Duration.ofSeconds(10));
		this.proxy.close();
		this.target.close();
	}

	@Test
	void anOwnClientsRequestThatWaitedTooLongForAConnectionFailsClearlyAndBlamesNoMember() {
		TransportTestSupport.runner()
			.withPropertyValues("cryptofeed.proxy.default.http.url=" + this.proxy.url())
			.run((context) -> {
				ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
				HttpClient own = pools.apply(HttpClient.create(this.provider), ConnectionType.HTTP);
				// used on its own, without withFailover: two at once, the second waits for the first's connection
				List<Object> outcomes = Flux.range(0, 2)
					.flatMap((i) -> own.get()
						.uri(this.target.baseUrl() + "/delay/1500")
						.responseContent()
						.aggregate()
						.asString()
						.<Object>map((body) -> "answered")
						.onErrorResume((error) -> Mono.just(error)), 2)
					.collectList()
					.block(Duration.ofSeconds(10));
				assertThat(outcomes).contains("answered");
				assertThat(outcomes).filteredOn(Throwable.class::isInstance)
					.singleElement()
					.satisfies(ConnectionPoolExhaustionTests::namesTheMemberAndTheLimit);
				assertNotBlamed(context);
			});
	}

	@Test
	void aWebClientGetThatWaitedTooLongForAConnectionIsNeitherSentAgainNorBlamed() {
		TransportTestSupport.runner()
			.withPropertyValues("cryptofeed.proxy.default.http.url=" + this.proxy.url())
			.run((context) -> {
				ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
				WebClient client = WebClient.builder()
					.clientConnector(new ReactorClientHttpConnector(
							pools.apply(HttpClient.create(this.provider), ConnectionType.HTTP)))
					.filter(new ProxyPoolExchangeFilter(pools))
					.build();
				List<Object> outcomes = Flux.range(0, 2)
					.flatMap((i) -> client.get()
						.uri(this.target.baseUrl() + "/delay/1500")
						.retrieve()
						.bodyToMono(String.class)
						.<Object>map((body) -> "answered")
						.onErrorResume((error) -> Mono.just(error)), 2)
					.collectList()
					.block(Duration.ofSeconds(10));
				assertThat(outcomes).contains("answered");
				assertThat(outcomes).filteredOn(Throwable.class::isInstance)
					.singleElement()
					.isInstanceOf(WebClientRequestException.class)
					.satisfies((error) -> namesTheMemberAndTheLimit(((Throwable) error).getCause()));
				assertNotBlamed(context);
				// it waited for the one connection, and was not sent through another tunnel
				assertThat(this.proxy.tunnels()).isOne();
			});
	}

	/**
	 * A burst of requests, more than the connections allow, half of them cancelled at random
	 * points (before their connect, waiting in the pending-acquire queue, connecting, waiting
	 * for the answer): every lease goes back, so least-connections counts each member at 0
	 * again, and the next request is carried. Reactor Netty's pool frees the place of a
	 * cancelled request only some time later (its own client does the same without the pools),
	 * so some requests find the queue full: they fail as exhausted, not as a member's failure.
	 * A request cut as its answer arrives has its connection closed before any other request is
	 * lent it, so that none fails before its answer and no breaker opens (see
	 * {@link CancelledRequestConnectionTests}).
	 */
	@Test
	void aBurstWithHalfCancelledWhileQueuedOrInFlightGivesBackEveryLease() {
		try (HttpConnectProxy second = HttpConnectProxy.builder().bindAddress("127.0.0.1").start()) {
			TransportTestSupport.runner()
				.withPropertyValues(TransportTestSupport.pool("default.http", this.proxy.url(), second.url()))
				.withPropertyValues("cryptofeed.proxy.default.http.strategy=least-connections",
						"cryptofeed.proxy.connection-pool.max-connections=8")
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					List<PoolMember> members = context.getBean(ProxyPools.class)
						.resolve(null, ConnectionType.HTTP)
						.orElseThrow()
						.members();
					MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
					// with a window of two, one cut blamed on a member would open its breaker
					AtomicInteger openings = new AtomicInteger();
					members.forEach((member) -> breakers.breakerOf(member)
						.getEventPublisher()
						.onStateTransition((event) -> {
							if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
								openings.incrementAndGet();
							}
						}));
					Random random = new Random();
					AtomicInteger answered = new AtomicInteger();
					List<Throwable> failures = new CopyOnWriteArrayList<>();
					// 16 connections over two members, and up to 16 more requests waiting for one
					Flux.range(0, 1000).flatMap((i) -> {
						Mono<String> request = client.get()
							.uri(this.target.baseUrl() + "/delay/20")
							.retrieve()
							.bodyToMono(String.class)
							.doOnNext((body) -> answered.incrementAndGet());
						Mono<String> cut = (i % 2 == 0) ? request
								: request.timeout(Duration.ofMillis(random.nextInt(60)), Mono.empty());
						return cut.onErrorResume((error) -> {
							failures.add(error);
							return Mono.empty();
						});
					}, 32).then().block(Duration.ofSeconds(60));
					assertThat(answered.get()).isPositive();
					assertThat(failures).allSatisfy((failure) -> assertThat(failure.getCause())
						.isInstanceOf(ProxyConnectionsExhaustedException.class));
					await().atMost(Duration.ofSeconds(5))
						.untilAsserted(() -> assertThat(members)
							.allSatisfy((member) -> assertThat(member.activeLeases()).isZero()));
					assertThat(openings).hasValue(0);
					assertThat(members).allSatisfy((member) -> assertThat(
							breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero());
					ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
					assertThat(members).allSatisfy(
							(member) -> assertThat(pools.openConnections(member)).isLessThanOrEqualTo(8));
					assertThat(client.get().uri(this.target.baseUrl() + "/whoami").retrieve().bodyToMono(String.class)
						.block(Duration.ofSeconds(10))).isNotEmpty();
				});
		}
	}

	private static void namesTheMemberAndTheLimit(Object error) {
		assertThat(error).isInstanceOf(ProxyConnectionsExhaustedException.class);
		assertThat(((Throwable) error).getMessage()).contains("http://***@127.0.0.1:")
			.contains("connection-pool.max-connections")
			.contains("300ms")
			.doesNotContain("s3cret-pw");
	}

	private static void assertNotBlamed(AssertableApplicationContext context) {
		PoolMember member = context.getBean(ProxyPools.class)
			.resolve(null, ConnectionType.HTTP)
			.orElseThrow()
			.members()
			.get(0);
		assertThat(context.getBean(MemberCircuitBreakers.class).breakerOf(member).getMetrics().getNumberOfFailedCalls())
			.isZero();
		assertThat(member.activeLeases()).isZero();
	}

}
