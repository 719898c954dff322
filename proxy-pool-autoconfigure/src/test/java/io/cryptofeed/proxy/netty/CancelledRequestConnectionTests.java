package io.cryptofeed.proxy.netty;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request the application cancels (a {@code timeout(...)} of its own, a subscriber that
 * goes away) while its answer is being read: Reactor Netty closes its connection, and the
 * connection must not be lent to the next request first, which would see it close before its
 * answer and blame the member for it.
 */
class CancelledRequestConnectionTests {

	private final HttpConnectProxy proxy = HttpConnectProxy.builder().bindAddress("127.0.0.1").start();

	/** What the held request is answered with, once the test says so. */
	private final Sinks.One<String> heldAnswer = Sinks.one();

	private final OwnLoopsServer target = OwnLoopsServer.bind((server) -> server
		.route((routes) -> routes.get("/held", (request, response) -> response.sendString(this.heldAnswer.asMono()))
			.get("/quick", (request, response) -> response.sendString(Mono.just("quick")))));

	/** The connection pool of the one member and the target. */
	private final AtomicReference<ConnectionPoolMetrics> pool = new AtomicReference<>();

	/** One connection per member and target: the next request waits for the held one's. */
	private final ConnectionProvider provider = ConnectionProvider.builder("cancelled")
		.maxConnections(1)
		.metrics(true, () -> (String poolName, String id, SocketAddress remote, ConnectionPoolMetrics metrics) -> this.pool
			.set(metrics))
		.build();

	@AfterEach
	void stop() {
		this.provider.disposeLater().block(Duration.ofSeconds(10));
		this.target.close();
		this.proxy.close();
	}

	/**
	 * The cancel comes from another thread while the event loop reads the answer, as a timeout's
	 * does in a burst: the request waiting for the connection gets it only if it stays open.
	 */
	@Test
	void aRequestCancelledWhileItsAnswerIsReadLeavesItsConnectionToNoOtherRequest() {
		TransportTestSupport.runner()
			.withPropertyValues("cryptofeed.proxy.default.http.url=" + this.proxy.url())
			.run((context) -> {
				ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
				AtomicReference<Disposable> held = new AtomicReference<>();
				HttpClient http = HttpClient.create(this.provider).doOnResponse((response, connection) -> {
					if (response.uri().endsWith("/held")) {
						cancelFromAnotherThread(held.get());
					}
				});
				WebClient client = WebClient.builder()
					.clientConnector(new ReactorClientHttpConnector(pools.apply(http, ConnectionType.HTTP)))
					.filter(new ProxyPoolExchangeFilter(pools))
					.build();
				held.set(client.get().uri(url("/held")).retrieve().bodyToMono(String.class).subscribe());
				await().atMost(Duration.ofSeconds(10))
					.until(() -> this.pool.get() != null && this.pool.get().acquiredSize() == 1);
				CompletableFuture<String> next = client.get()
					.uri(url("/quick"))
					.retrieve()
					.bodyToMono(String.class)
					.toFuture();
				await().atMost(Duration.ofSeconds(10)).until(() -> this.pool.get().pendingAcquireSize() == 1);
				this.heldAnswer.tryEmitValue("held");
				assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("quick");
				assertNotBlamed(context);
			});
	}

	/** The same with a client of the application's own, from {@code apply} and without {@code withFailover}. */
	@Test
	void anOwnClientsRequestCancelledWhileItsAnswerIsReadLeavesItsConnectionToNoOtherRequest() {
		TransportTestSupport.runner()
			.withPropertyValues("cryptofeed.proxy.default.http.url=" + this.proxy.url())
			.run((context) -> {
				ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
				AtomicReference<Disposable> held = new AtomicReference<>();
				HttpClient own = pools.apply(HttpClient.create(this.provider).doOnResponse((response, connection) -> {
					if (response.uri().endsWith("/held")) {
						cancelFromAnotherThread(held.get());
					}
				}), ConnectionType.HTTP);
				held.set(own.get().uri(url("/held")).responseContent().aggregate().asString().subscribe());
				await().atMost(Duration.ofSeconds(10))
					.until(() -> this.pool.get() != null && this.pool.get().acquiredSize() == 1);
				CompletableFuture<String> next = own.get()
					.uri(url("/quick"))
					.responseContent()
					.aggregate()
					.asString()
					.toFuture();
				await().atMost(Duration.ofSeconds(10)).until(() -> this.pool.get().pendingAcquireSize() == 1);
				this.heldAnswer.tryEmitValue("held");
				assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("quick");
				assertNotBlamed(context);
			});
	}

	private static void assertNotBlamed(AssertableApplicationContext context) {
		PoolMember member = context.getBean(ProxyPools.class)
			.resolve(null, ConnectionType.HTTP)
			.orElseThrow()
			.members()
			.get(0);
		assertThat(context.getBean(MemberCircuitBreakers.class).breakerOf(member).getMetrics().getNumberOfFailedCalls())
			.isZero();
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.target.port() + path;
	}

	/** Cancels as a timeout does, off the event loop, and waits for the cancel to have been made. */
	private static void cancelFromAnotherThread(Disposable request) {
		Thread canceller = new Thread(request::dispose, "canceller");
		canceller.start();
		try {
			canceller.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
