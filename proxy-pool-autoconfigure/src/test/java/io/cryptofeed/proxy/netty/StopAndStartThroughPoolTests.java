package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testsupport.OwnReactorResources;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A context stopped and started again ({@code ConfigurableApplicationContext.stop()} then
 * {@code start()}, as Spring Cloud's restart or an application of its own does), with clients
 * built before the stop and used after the start: Boot's Reactor Netty resources dispose their
 * event loops at the stop and make new ones at the start, on Reactor Netty's global resources
 * (Boot's default) as on resources of the application's own.
 */
class StopAndStartThroughPoolTests {

	private static final Duration ANSWER = Duration.ofSeconds(10);

	private static final Set<String> HEALTHY_PEERS = Set.of("127.0.0.92", "127.0.0.93");

	private ProxyTrio trio;

	@BeforeEach
	void start() {
		this.trio = new ProxyTrio("127.0.0.9", "restart-secret");
	}

	@AfterEach
	void stop() {
		this.trio.close();
	}

	/** It connected on the loops of the day it was built, which refused it: "event executor terminated". */
	@ParameterizedTest(name = "own Reactor Netty resources: {0}")
	@ValueSource(booleans = { false, true })
	void aWebClientBuiltBeforeTheContextStopsAndStartsAgainGoesOnThroughThePool(boolean ownResources) {
		run(ownResources, (context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			String url = this.trio.target.baseUrl() + "/whoami";
			assertThat(client.get().uri(url).retrieve().bodyToMono(String.class).block(ANSWER)).startsWith("127.0.0.9");

			stopAndStart(context);

			this.trio.first.fault(Fault.CRASH);
			for (int i = 0; i < 9; i++) {
				assertThat(client.get().uri(url).retrieve().bodyToMono(String.class).block(ANSWER))
					.isIn(HEALTHY_PEERS);
			}
			assertThat(breakerOfTheFirst(context).getState()).isEqualTo(CircuitBreaker.State.OPEN);
		});
	}

	/** The auto-configured WebSocketClient is built before the stop too, with the context. */
	@ParameterizedTest(name = "own Reactor Netty resources: {0}")
	@ValueSource(booleans = { false, true })
	void theWebSocketClientOpensSessionsThroughThePoolAfterTheContextStopsAndStartsAgain(boolean ownResources) {
		run(ownResources, (context) -> {
			WebSocketClient client = context.getBean(WebSocketClient.class);
			assertThat(firstFrame(client)).startsWith("peer=127.0.0.9");

			stopAndStart(context);

			for (int i = 0; i < 3; i++) {
				assertThat(firstFrame(client)).startsWith("peer=127.0.0.9");
			}
		});
	}

	/**
	 * The pooled WebClient and WebSocketClient take the loops as the context starts, never by
	 * asking Boot's Reactor Netty resources at a connect: asked after the close, they start
	 * anew, with event loops that nothing stops.
	 */
	@ParameterizedTest(name = "own Reactor Netty resources: {0}")
	@ValueSource(booleans = { false, true })
	void aRequestOrSessionAfterTheCloseStartsNoEventLoopsAnew(boolean ownResources) {
		run(ownResources, (context) -> {
			WebClient web = context.getBean(WebClient.Builder.class).build();
			WebSocketClient socket = context.getBean(WebSocketClient.class);
			String url = this.trio.target.baseUrl() + "/whoami";
			assertThat(web.get().uri(url).retrieve().bodyToMono(String.class).block(ANSWER)).startsWith("127.0.0.9");
			assertThat(firstFrame(socket)).startsWith("peer=127.0.0.9");
			context.getSourceApplicationContext().close();
			Set<Thread> afterClose = Thread.getAllStackTraces().keySet();

			assertThatException().isThrownBy(() -> web.get().uri(url).retrieve().bodyToMono(String.class).block(ANSWER));
			assertThatException().isThrownBy(() -> firstFrame(socket));
			assertThat(Thread.getAllStackTraces().keySet()).as("threads started after the close")
				.allSatisfy((thread) -> assertThat(afterClose.contains(thread) || !thread.getName().contains("-http-"))
					.as(thread.getName())
					.isTrue());
		});
	}

	/** Opens a session, reads its first frame ({@code peer=<address>}: which proxy carried it) and closes it. */
	private String firstFrame(WebSocketClient client) {
		Sinks.One<String> peer = Sinks.one();
		client.execute(URI.create(this.trio.target.wsUrl()),
				(session) -> session.receive()
					.map(WebSocketMessage::getPayloadAsText)
					.take(1)
					.doOnNext(peer::tryEmitValue)
					.then())
			.block(ANSWER);
		return peer.asMono().block(Duration.ZERO);
	}

	@ParameterizedTest(name = "own Reactor Netty resources: {0}")
	@ValueSource(booleans = { false, true })
	void aRestClientBuiltBeforeTheContextStopsAndStartsAgainGoesOnThroughThePool(boolean ownResources) {
		run(ownResources, (context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			String url = this.trio.target.baseUrl() + "/whoami";
			assertThat(client.get().uri(url).retrieve().body(String.class)).startsWith("127.0.0.9");

			stopAndStart(context);

			this.trio.first.fault(Fault.CRASH);
			for (int i = 0; i < 9; i++) {
				assertThat(client.get().uri(url).retrieve().body(String.class)).isIn(HEALTHY_PEERS);
			}
			assertThat(breakerOfTheFirst(context).getState()).isEqualTo(CircuitBreaker.State.OPEN);
		});
	}

	@ParameterizedTest(name = "own Reactor Netty resources: {0}")
	@ValueSource(booleans = { false, true })
	void anOwnClientFromApplyBuiltBeforeTheContextStopsAndStartsAgainGoesOnThroughThePool(boolean ownResources) {
		run(ownResources, (context) -> {
			ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
			HttpClient own = pools.apply(HttpClient.create().responseTimeout(ANSWER), ConnectionType.HTTP);
			String url = this.trio.target.baseUrl() + "/whoami";
			assertThat(whoami(pools, own, url)).startsWith("127.0.0.9");

			stopAndStart(context);

			this.trio.first.fault(Fault.CRASH);
			for (int i = 0; i < 9; i++) {
				assertThat(whoami(pools, own, url)).isIn(HEALTHY_PEERS);
			}
			assertThat(breakerOfTheFirst(context).getState()).isEqualTo(CircuitBreaker.State.OPEN);
		});
	}

	/**
	 * A kept-alive tunnel idle in the pools' connection pool as the stop disposes its event
	 * loop was now and then lent out after the start (about one cycle in ten here), and its
	 * request failed at once with 'event executor terminated', not failed over.
	 */
	@ParameterizedTest(name = "own Reactor Netty resources: {0}")
	@ValueSource(booleans = { false, true })
	void noRequestMeetsATunnelLeftOnTheLoopsAStopDisposed(boolean ownResources) {
		run(ownResources, (context) -> {
			RestClient rest = context.getBean(RestClient.Builder.class).build();
			WebClient web = context.getBean(WebClient.Builder.class).build();
			String url = this.trio.target.baseUrl() + "/whoami";
			for (int cycle = 0; cycle < 40; cycle++) {
				for (int i = 0; i < 3; i++) {
					assertThat(rest.get().uri(url).retrieve().body(String.class)).as("cycle %d", cycle)
						.startsWith("127.0.0.9");
					assertThat(web.get().uri(url).retrieve().bodyToMono(String.class).block(ANSWER))
						.as("cycle %d", cycle)
						.startsWith("127.0.0.9");
				}
				stopAndStart(context);
			}
		});
	}

	/**
	 * The start drops every tunnel left idle in the pools' connection provider before the stop,
	 * without asking each connection at every request whether its event loop is gone: here on
	 * loops of the test's own, which the stop leaves running, the next request opens a new one.
	 */
	@Test
	void aTunnelIdleFromBeforeTheStopIsNotLentOutAfterTheStart() {
		LoopResources survivingLoops = LoopResources.create("test-surviving-loops", 1, true);
		try (HttpConnectProxy proxy = HttpConnectProxy.builder().bindAddress("127.0.0.1").start()) {
			TransportTestSupport.runner()
				.withPropertyValues("cryptofeed.proxy.default.http.url=" + proxy.url(),
						"spring.reactor.netty.shutdown-quiet-period=0s")
				.run((context) -> {
					ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
					ReleasedConnections released = new ReleasedConnections();
					HttpClient own = pools.apply(
							pools.newHttpClient().runOn(survivingLoops).observe(released).responseTimeout(ANSWER),
							ConnectionType.HTTP);
					String url = this.trio.target.baseUrl() + "/whoami";
					released.afterRelease(() -> whoami(pools, own, url));
					released.afterRelease(() -> whoami(pools, own, url));
					assertThat(proxy.tunnels()).as("tunnels before the stop").isOne();

					stopAndStart(context);

					released.afterRelease(() -> whoami(pools, own, url));
					assertThat(proxy.tunnels()).as("tunnels after the start").isEqualTo(2);
				});
		}
		finally {
			survivingLoops.disposeLater(Duration.ZERO, ANSWER).block(ANSWER);
		}
	}

	private static String whoami(ProxyPoolHttpClients pools, HttpClient own, String url) {
		return pools
			.withFailover(ConnectionType.HTTP,
					() -> own.get().uri(url).responseContent().aggregate().asString())
			.block(ANSWER);
	}

	private void run(boolean ownResources, ContextConsumer<AssertableApplicationContext> test) {
		ApplicationContextRunner runner = TransportTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class))
			.withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues(this.trio.pool("default.websocket"))
			.withPropertyValues("spring.http.clients.imperative.factory=reactor",
					"spring.reactor.netty.shutdown-quiet-period=0s");
		(ownResources ? runner.withUserConfiguration(OwnReactorResources.class) : runner).run(test);
	}

	private static void stopAndStart(AssertableApplicationContext assertable) {
		ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
		context.stop();
		context.start();
	}

	private static CircuitBreaker breakerOfTheFirst(AssertableApplicationContext context) {
		PoolMember first = context.getBean(ProxyPools.class)
			.resolve(null, ConnectionType.HTTP)
			.orElseThrow()
			.members()
			.get(0);
		return context.getBean(MemberCircuitBreakers.class).breakerOf(first);
	}

}
