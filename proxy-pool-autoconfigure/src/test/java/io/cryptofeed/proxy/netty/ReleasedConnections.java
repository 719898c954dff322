package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;

import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.awaitility.Awaitility.await;

/**
 * Counts the connections the auto-configured client returned to its pool, so that a test's
 * sequential requests each find the previous one's connection idle. WebClient hands a caller
 * its answer just before Reactor Netty returns the connection, so a request sent at once may
 * otherwise open a tunnel more (about once in 250 sequences of four requests over two members).
 */
final class ReleasedConnections implements ConnectionObserver {

	private final AtomicInteger released = new AtomicInteger();

	/** The runner with this observer on the client that Boot's connector builder makes. */
	ApplicationContextRunner observe(ApplicationContextRunner runner) {
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> customizer = (builder) -> builder
			.withHttpClientCustomizer((client) -> client.observe(this));
		return runner.withBean(ClientHttpConnectorBuilderCustomizer.class, () -> customizer);
	}

	/** Runs the request, then waits until the connection that carried it is back in its pool. */
	<T> T afterRelease(Supplier<T> request) {
		int before = this.released.get();
		T answer = request.get();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.released.get() > before);
		return answer;
	}

	@Override
	public void onStateChange(Connection connection, State newState) {
		if (newState == State.RELEASED) {
			this.released.incrementAndGet();
		}
	}

}
