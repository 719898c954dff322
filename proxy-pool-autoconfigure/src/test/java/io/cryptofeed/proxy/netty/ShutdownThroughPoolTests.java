package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolHealthAutoConfiguration;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.TestProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/** Closing the application while its traffic through the pools is stuck in hanging proxies. */
class ShutdownThroughPoolTests {

	/** Far above the tens of milliseconds measured, far below Spring's 15 s shutdown timeout. */
	private static final Duration PROMPT = Duration.ofSeconds(3);

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
	void aSessionHandshakeTheShutdownCutIsNotFailedOverOntoEventLoopsStartedAnew() {
		runner().run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			this.trio.first.fault(Fault.HANG);
			this.trio.second.fault(Fault.HANG);
			this.trio.third.fault(Fault.HANG);
			CompletableFuture<Void> session = context.getBean(WebSocketClient.class)
				.execute(URI.create(this.trio.target.wsUrl()), (opened) -> opened.receive().then())
				.toFuture();
			await().atMost(Duration.ofSeconds(10)).until(() -> accepted() == 1);
			Set<Thread> beforeClose = Thread.getAllStackTraces().keySet();

			assertClosesPromptly(context);

			// failed over onto Reactor Netty's global loops started anew, it went on through the
			// other members for a handshake timeout each
			await().atMost(Duration.ofSeconds(5)).until(session::isDone);
			assertThat(session).isCompletedExceptionally();
			assertThat(accepted()).as("connections to the proxies").isOne();
			assertThat(threadsNamed("reactor-")).as("event loops started after the close")
				.filteredOn(Thread::isAlive)
				.allMatch(beforeClose::contains);
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
					"cryptofeed.proxy.handshake-timeout=30s", "spring.reactor.netty.shutdown-quiet-period=0s");
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
					|| name.startsWith("boundedElastic-") || name.startsWith("proxy-health")) {
				dump.append('"').append(name).append("\" ").append(thread.getState()).append('\n');
				for (int i = 0; i < Math.min(frames.length, 16); i++) {
					dump.append("    at ").append(frames[i]).append('\n');
				}
			}
		});
		return dump.toString();
	}

}
