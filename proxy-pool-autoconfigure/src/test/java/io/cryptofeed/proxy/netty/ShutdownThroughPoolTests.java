package io.cryptofeed.proxy.netty;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolHealthAutoConfiguration;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Closing the application while its traffic through the pools is stuck in frozen and hanging
 * proxies. Reactor Netty's event loops close every connection when they shut down, and nothing
 * of the starter waits for one or keeps a loop busy, so the close takes Boot's
 * {@code spring.reactor.netty.shutdown-quiet-period} (zero here, to measure the rest) plus
 * milliseconds. A close that lasts the whole 15 s shutdown timeout comes from requests the
 * application still starts meanwhile (see docs/operations.md#shutdown).
 */
class ShutdownThroughPoolTests {

	/** Far above the tens of milliseconds measured, far below Spring's 15 s shutdown timeout. */
	private static final Duration PROMPT = Duration.ofSeconds(3);

	/**
	 * How long what the close cut may take to end: a third of the 30 s handshake timeout that
	 * a connect failed over after the close would wait for, and room for a busy machine.
	 */
	private static final Duration CUT_ENDS = Duration.ofSeconds(10);

	private static final String STARTERS_THREADS = "proxy-health";

	private ProxyTrio trio;

	@BeforeEach
	void start() {
		this.trio = new ProxyTrio("127.0.0.6", "shutdown-secret");
	}

	@AfterEach
	void stop() {
		this.trio.close();
	}

	@Test
	void closesPromptlyWithRequestsAndSessionsStuckInFrozenAndHangingProxies() {
		Set<Thread> before = threadsNamed(STARTERS_THREADS);
		runner().run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			Set<Thread> starters = threadsNamed(STARTERS_THREADS);
			starters.removeAll(before);
			assertThat(starters).as("the health checker's and its probes' threads").isNotEmpty();
			WebClient web = context.getBean(WebClient.Builder.class).baseUrl(this.trio.target.baseUrl()).build();
			WebSocketClient webSocket = context.getBean(WebSocketClient.class);
			Map<String, CompletableFuture<?>> traffic = new LinkedHashMap<>();
			for (int i = 0; i < 6; i++) {
				traffic.put("request " + i, web.get().uri("/delay/60000").retrieve().toBodilessEntity().toFuture());
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> targetRequests() >= 6);
			Map<String, CompletableFuture<Void>> sessions = TransportTestSupport
				.openSessionsByPeer(webSocket, this.trio.target, 3);
			assertThat(sessions).hasSize(3);
			sessions.forEach((peer, session) -> traffic.put("session " + peer, session));
			// the open tunnels stop relaying; new handshakes are never answered
			this.trio.first.fault(Fault.FREEZE);
			this.trio.second.fault(Fault.FREEZE);
			this.trio.third.fault(Fault.HANG);
			int accepted = accepted();
			for (int i = 0; i < 3; i++) {
				traffic.put("handshake " + i, web.get().uri("/whoami").retrieve().toBodilessEntity().toFuture());
			}
			traffic.put("session handshake", webSocket
				.execute(URI.create(this.trio.target.wsUrl()), (session) -> session.receive().then())
				.toFuture());
			await().atMost(Duration.ofSeconds(10)).until(() -> accepted() >= accepted + 4);
			assertThat(traffic).as("stuck before the close").noneSatisfy((name, call) -> assertThat(call).isDone());

			assertClosesPromptly(context);

			await().atMost(CUT_ENDS)
				.untilAsserted(() -> assertThat(traffic).allSatisfy((name, call) -> assertThat(call).as(name).isDone()));
			await().atMost(CUT_ENDS).until(() -> starters.stream().noneMatch(Thread::isAlive));
		});
	}

	@Test
	void aSessionHandshakeTheShutdownCutIsNotFailedOverOntoEventLoopsStartedAnew() {
		runner().run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			hangAll();
			CompletableFuture<Void> session = context.getBean(WebSocketClient.class)
				.execute(URI.create(this.trio.target.wsUrl()), (opened) -> opened.receive().then())
				.toFuture();
			await().atMost(Duration.ofSeconds(10)).until(() -> accepted() == 1);
			Set<Thread> beforeClose = Thread.getAllStackTraces().keySet();

			assertClosesPromptly(context);

			// failed over onto Reactor Netty's global loops started anew, it went on through the
			// other members for a handshake timeout each; failed over while the loops stopped, it
			// could still reach a second proxy (seen once, on a busy machine)
			await().atMost(CUT_ENDS).until(session::isDone);
			assertCutByTheStop(session, ConnectionType.WEBSOCKET);
			assertThat(accepted()).as("connections to the proxies").isOne();
			assertThat(threadsNamed("reactor-")).as("event loops started after the close")
				.filteredOn(Thread::isAlive)
				.allMatch(beforeClose::contains);
		});
	}

	@Test
	void aWebClientRequestTheShutdownCutIsNotFailedOver() {
		runner().run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			Blame blame = Blame.of(context);
			hangAll();
			CompletableFuture<?> request = context.getBean(WebClient.Builder.class)
				.build()
				.get()
				.uri(this.trio.target.baseUrl() + "/whoami")
				.retrieve()
				.toBodilessEntity()
				.toFuture();
			await().atMost(Duration.ofSeconds(10)).until(() -> accepted() >= 1 || request.isDone());
			assertThat(request).as("held by the hanging proxy").isNotDone();
			assertThat(accepted()).as("connections to the proxies before the close").isOne();

			assertClosesPromptly(context);

			await().atMost(CUT_ENDS).until(request::isDone);
			assertCutByTheStop(request, ConnectionType.HTTP);
			assertThat(accepted()).as("connections to the proxies").isOne();
			blame.assertNone();
		});
	}

	/**
	 * A request on a kept-alive connection, its tunnel up long before, that the close cuts
	 * while the exchange has not answered: neither sent again (the stop's error) nor blamed.
	 */
	@Test
	void aRequestOnAKeptAliveTunnelTheShutdownCutsBlamesNoMember() {
		runner().run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			Blame blame = Blame.of(context);
			List<PoolMember> members = blame.members();
			WebClient client = context.getBean(WebClient.Builder.class).baseUrl(this.trio.target.baseUrl()).build();
			// one request through each member (round robin), whose tunnels are kept alive
			for (int i = 0; i < members.size(); i++) {
				client.get().uri("/whoami").retrieve().toBodilessEntity().block(Duration.ofSeconds(10));
			}
			int accepted = accepted();
			CompletableFuture<?> request = client.get().uri("/delay/60000").retrieve().toBodilessEntity().toFuture();
			await().atMost(Duration.ofSeconds(10)).until(() -> targetRequests() == members.size() + 1);
			assertThat(accepted()).as("the kept-alive tunnel carries it").isEqualTo(accepted);

			assertClosesPromptly(context);

			await().atMost(CUT_ENDS).until(request::isDone);
			assertThat(request).isCompletedExceptionally();
			assertThat(accepted()).as("connections to the proxies").isEqualTo(accepted);
			blame.assertNone();
		});
	}

	/**
	 * The blocking clients' connects find Reactor Netty's global loops anew at each connect,
	 * so that one failed over after the close went out on loops started for it, through each
	 * other member in turn. Boot's quiet period (two seconds) keeps the close from ending
	 * before the failover connects.
	 */
	@Test
	void aRestClientRequestTheShutdownCutIsNotFailedOverOntoEventLoopsStartedAnew() {
		runner().withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class))
			.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=2s")
			.run((assertable) -> {
				ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
				hangAll();
				RestClient client = context.getBean(RestClient.Builder.class).build();
				CompletableFuture<?> request = CompletableFuture.supplyAsync(
						() -> client.get().uri(this.trio.target.baseUrl() + "/whoami").retrieve().toBodilessEntity());
				await().atMost(Duration.ofSeconds(10)).until(() -> accepted() == 1);

				context.close();

				await().atMost(CUT_ENDS).until(request::isDone);
				assertCutByTheStop(request, ConnectionType.HTTP);
				assertThat(accepted()).as("connections to the proxies").isOne();
			});
	}

	@Test
	void closesPromptlyUnderLoadThroughAFrozenProxyOnceTheApplicationStopsItsLoad() {
		runner().withUserConfiguration(LoadConfiguration.class).run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			Load load = context.getBean(Load.class);
			int sent = load.requests.get();
			await().atMost(Duration.ofSeconds(10)).until(() -> load.requests.get() >= sent + 50);
			int accepted = this.trio.first.accepted();
			this.trio.first.fault(Fault.FREEZE);
			await().atMost(Duration.ofSeconds(10)).until(() -> this.trio.first.accepted() > accepted);

			// the load stops before Boot's Reactor Netty resources, whose phase is 0
			assertClosesPromptly(context);
		});
	}

	/**
	 * {@link TransportTestSupport#runner()} with pools for REST and WebSocket through the three
	 * proxies, running health checks, and handshakes and answers that wait for longer than the
	 * test. The checks ping the proxies' host, so that the proxies count the clients'
	 * connections alone.
	 */
	private ApplicationContextRunner runner() {
		return TransportTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(ProxyPoolHealthAutoConfiguration.class))
			.withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues(this.trio.pool("default.websocket"))
			.withPropertyValues("cryptofeed.proxy.default.http.health-check.method=ping",
					"cryptofeed.proxy.default.websocket.health-check.method=ping",
					"cryptofeed.proxy.handshake-timeout=30s", "spring.reactor.netty.shutdown-quiet-period=0s",
					"load.url=" + this.trio.target.baseUrl() + "/whoami");
	}

	private void hangAll() {
		this.trio.first.fault(Fault.HANG);
		this.trio.second.fault(Fault.HANG);
		this.trio.third.fault(Fault.HANG);
	}

	/**
	 * The call failed with the error that says the stop ended it, naming the exchange (the
	 * default pool's here) and the type as the other failover errors do, with no password in it.
	 */
	private void assertCutByTheStop(CompletableFuture<?> call, ConnectionType type) {
		Throwable error = call.handle((value, failure) -> failure).join();
		assertThat(error).as("the call's error").isNotNull();
		assertThat(error).hasStackTraceContaining(ConnectStoppedException.class.getName())
			.hasStackTraceContaining(" for exchange=default type=" + type + " ended while the application is stopping");
		assertThat(stackTrace(error)).doesNotContain(this.trio.password);
	}

	private static String stackTrace(Throwable error) {
		StringWriter written = new StringWriter();
		error.printStackTrace(new PrintWriter(written));
		return written.toString();
	}

	/** Closes the context, and on a slow close fails with what the threads were doing meanwhile. */
	private static void assertClosesPromptly(ConfigurableApplicationContext context) throws Exception {
		CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close,
				(task) -> new Thread(task, "context-close").start());
		try {
			closed.get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException slow) {
			String threads = threadDump();
			closed.get(1, TimeUnit.MINUTES);
			fail("closing took longer than " + PROMPT + "; meanwhile:\n" + threads);
		}
	}

	private int targetRequests() {
		return this.trio.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum();
	}

	/**
	 * The HTTP pool's members and their breakers, read before the close: the breakers go with
	 * the context, so they are kept to read what they heard.
	 */
	private record Blame(List<PoolMember> members, List<CircuitBreaker> breakers) {

		static Blame of(ConfigurableApplicationContext context) {
			List<PoolMember> members = context.getBean(ProxyPools.class)
				.resolve(null, ConnectionType.HTTP)
				.orElseThrow()
				.members();
			MemberCircuitBreakers all = context.getBean(MemberCircuitBreakers.class);
			return new Blame(members, members.stream().map(all::breakerOf).toList());
		}

		void assertNone() {
			assertThat(this.members).as("members blamed for what the stop cut")
				.allSatisfy((member) -> assertThat(member.failedConnects()).isZero());
			assertThat(this.breakers).as("breakers that heard of a failure")
				.allSatisfy((breaker) -> assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero());
		}

	}

	private int accepted() {
		return List.<TestProxy>of(this.trio.first, this.trio.second, this.trio.third)
			.stream()
			.mapToInt(TestProxy::accepted)
			.sum();
	}

	private static Set<Thread> threadsNamed(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith(prefix))
			.collect(Collectors.toSet());
	}

	/** The threads that could hold a close: the closer, event loops, schedulers, the starter's. */
	private static String threadDump() {
		StringBuilder dump = new StringBuilder();
		Thread.getAllStackTraces().forEach((thread, frames) -> {
			String name = thread.getName();
			if (name.startsWith("context-close") || name.startsWith("reactor-") || name.startsWith("parallel-")
					|| name.startsWith("boundedElastic-") || name.startsWith(STARTERS_THREADS)) {
				dump.append('"').append(name).append("\" ").append(thread.getState()).append('\n');
				for (int i = 0; i < Math.min(frames.length, 16); i++) {
					dump.append("    at ").append(frames[i]).append('\n');
				}
			}
		});
		return dump.toString();
	}

	@Configuration(proxyBeanMethods = false)
	static class LoadConfiguration {

		@Bean
		Load load(WebClient.Builder builder, @Value("${load.url}") String url) {
			return new Load(builder.build(), url);
		}

	}

	/**
	 * Sixteen callers that each send the next request as soon as the last one ended, as a
	 * feed's pollers and reconnect loops do, stopped with the application as a
	 * {@link SmartLifecycle} of the default phase.
	 */
	static final class Load implements SmartLifecycle {

		private static final int CALLERS = 16;

		final AtomicInteger requests = new AtomicInteger();

		private final WebClient client;

		private final String url;

		private volatile Disposable running;

		Load(WebClient client, String url) {
			this.client = client;
			this.url = url;
		}

		@Override
		public void start() {
			this.running = Flux.range(0, CALLERS)
				.flatMap((caller) -> Mono.defer(() -> {
					this.requests.incrementAndGet();
					return this.client.get().uri(this.url).retrieve().toBodilessEntity();
				}).onErrorResume((error) -> Mono.empty()).repeat(), CALLERS)
				.subscribe();
		}

		@Override
		public void stop() {
			this.running.dispose();
			this.running = null;
		}

		@Override
		public boolean isRunning() {
			return this.running != null;
		}

	}

}
