package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolHealthAutoConfiguration;
import io.cryptofeed.proxy.testkit.TestProxy;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Applications started and closed one after the other in one JVM, as Spring's test context
 * cache does: each takes its threads with it (health checks, probe event loops, the loops its
 * requests and sessions ran on), so that none piles up over a test suite.
 */
class RepeatedContextsTests {

	/**
	 * Not the applications': the JVM's shared schedulers, started once on first use and kept,
	 * the ping threads, which idle out, and the test's own (Awaitility, the kit's proxies and target).
	 */
	private static final Set<String> NOT_THEIRS = Set.of("parallel-", "boundedElastic-", "proxy-ping-", "awaitility",
			TestProxy.THREAD_NAME_PREFIX, "test-target-");

	@AutoClose
	private final ProxyTrio trio = new ProxyTrio("127.0.0.6", "repeated-secret");

	@Test
	void eachApplicationTakesItsThreadsWithIt() {
		// the first start makes what the JVM keeps for good
		runOnce();
		Set<Thread> before = liveThreads();
		for (int i = 0; i < 3; i++) {
			runOnce();
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(liveThreads()).as("threads left by the closed applications")
				.filteredOn((thread) -> !before.contains(thread))
				.extracting(Thread::getName)
				.isEmpty());
	}

	/** An application with every kind of health check, whose WebClient and WebSocket client go through the pools. */
	private void runOnce() {
		runner().run((context) -> {
			WebClient web = context.getBean(WebClient.Builder.class).baseUrl(this.trio.target.baseUrl()).build();
			assertThat(web.get().uri("/whoami").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)))
				.isNotBlank();
			assertThat(TransportTestSupport.openSessionsByPeer(context.getBean(WebSocketClient.class),
					this.trio.target, 1))
				.hasSize(1);
		});
	}

	private ApplicationContextRunner runner() {
		return TransportTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(ProxyPoolHealthAutoConfiguration.class))
			.withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues(this.trio.pool("default.websocket"))
			.withPropertyValues("cryptofeed.proxy.default.http.health-check.method=http",
					"cryptofeed.proxy.default.http.health-check.url=" + this.trio.target.baseUrl() + "/whoami",
					"cryptofeed.proxy.default.websocket.health-check.method=tcp",
					"cryptofeed.proxy.exchanges.binance.http.url=" + this.trio.first.url(),
					"cryptofeed.proxy.exchanges.binance.http.health-check.method=ping",
					"spring.reactor.netty.shutdown-quiet-period=0s");
	}

	private static Set<Thread> liveThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.filter((thread) -> NOT_THEIRS.stream().noneMatch(thread.getName()::startsWith))
			.collect(Collectors.toSet());
	}

}
