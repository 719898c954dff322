package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolHealthAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolReloadAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolTransportAutoConfiguration;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import reactor.core.publisher.Sinks;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.runner.AbstractApplicationContextRunner;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientSsl;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The application context a user of the starter gets, for transport tests. */
final class TransportTestSupport {

	private TransportTestSupport() {
	}

	/** The SSL bundle that trusts a {@link TargetServer#startTls TLS target}. */
	static final String TLS_TARGET_BUNDLE = "target";

	/**
	 * A handshake timeout for the tests that wait for a hung proxy's handshake to expire:
	 * short, so that each wait is quick, yet three times the 500 ms a healthy member's
	 * handshake was seen to miss on a machine with a load average of 16; the healthy members
	 * of such a test have to beat it too.
	 */
	static final String HUNG_HANDSHAKE_TIMEOUT = "cryptofeed.proxy.handshake-timeout=1500ms";

	/**
	 * A handshake timeout for the tests in which a member hangs beside healthy ones that each
	 * request fails over to, and which only count where the requests went: short, so that each
	 * wait is quick; a healthy member's handshake that misses it on a busy machine is failed
	 * over like the hung one's.
	 */
	static final String FAILED_OVER_HANDSHAKE_TIMEOUT = "cryptofeed.proxy.handshake-timeout=500ms";

	/**
	 * A response timeout ({@code default.http.timeout}, say) for the tests in which a member
	 * stalls a request or opening handshake that another member then answers: short, so that
	 * waiting for the stall is quick, yet long enough for the other member's answer on a busy
	 * machine, which has to come within it too.
	 */
	static final String STALLED_ANSWER_TIMEOUT = "1500ms";

	/**
	 * Boot's SSL bundles, reactive HTTP client and WebClient auto-configuration plus ours,
	 * with a breaker that opens after two failures in a row, and the
	 * {@link #TLS_TARGET_BUNDLE} bundle. Its handshake timeout is generous, since most tests
	 * only need their healthy members' handshakes to end in time, however busy the machine: a
	 * test that waits for a hung one sets {@link #HUNG_HANDSHAKE_TIMEOUT} or
	 * {@link #FAILED_OVER_HANDSHAKE_TIMEOUT}.
	 */
	static ApplicationContextRunner runner() {
		return withPools(new ApplicationContextRunner());
	}

	/** {@link #runner()} in a reactive web application, as with {@code spring-boot-starter-webflux}. */
	static ReactiveWebApplicationContextRunner reactiveRunner() {
		return withPools(new ReactiveWebApplicationContextRunner());
	}

	/**
	 * {@link #runner()} with the reload auto-configuration and a property source, ahead of
	 * every other, that a test changes before it publishes an {@code EnvironmentChangeEvent}.
	 */
	static ApplicationContextRunner reloadableRunner(Map<String, Object> reloadable) {
		return runner()
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("reloadable", reloadable)))
			.withConfiguration(AutoConfigurations.of(ProxyPoolReloadAutoConfiguration.class));
	}

	private static <R extends AbstractApplicationContextRunner<R, ?, ?>> R withPools(R runner) {
		return runner
			.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
					ProxyPoolTransportAutoConfiguration.class, SslAutoConfiguration.class,
					ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class))
			.withPropertyValues("spring.ssl.bundle.pem." + TLS_TARGET_BUNDLE + ".truststore.certificate=classpath:"
					+ TargetServer.CERTIFICATE)
			.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.handshake-timeout=5s",
					"cryptofeed.proxy.circuit-breaker.minimum-number-of-calls=2",
					"cryptofeed.proxy.circuit-breaker.sliding-window-size=2",
					"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1s",
					"cryptofeed.proxy.circuit-breaker.permitted-calls-in-half-open-state=1");
	}

	/**
	 * A server on 127.0.0.1 whose {@code /to/{host}} answers 302 to the target's
	 * {@code /whoami} at that host: a redirect to a host of the test's choosing. It closes
	 * each connection after its answer.
	 */
	static OwnLoopsServer redirecting(TargetServer target) {
		return OwnLoopsServer.bind((server) -> server.route((routes) -> routes.get("/to/{host}",
				(request, response) -> response.status(302)
					.keepAlive(false)
					.header("Location", "http://" + request.param("host") + ":" + target.port() + "/whoami")
					.send())));
	}

	/** A WebClient from the auto-configured builder that trusts a TLS target, as a Boot SSL bundle makes one. */
	static WebClient trustingTlsTarget(ApplicationContext context) {
		return context.getBean(WebClient.Builder.class)
			.apply(context.getBean(WebClientSsl.class).fromBundle(TLS_TARGET_BUNDLE))
			.build();
	}

	/**
	 * Sends at least ten requests, and goes on until the member behind these breaker metrics
	 * failed one: least-connections breaks ties at random, so ten alone may never try it.
	 */
	static void sendUntilFailedThrough(CircuitBreaker.Metrics member, Runnable request) {
		for (int i = 0; i < 10 || member.getNumberOfFailedCalls() == 0; i++) {
			assertThat(i).as("requests before the refusing member was tried").isLessThan(200);
			request.run();
		}
	}

	static String[] pool(String block, String... urls) {
		String[] properties = new String[urls.length];
		for (int i = 0; i < urls.length; i++) {
			properties[i] = "cryptofeed.proxy." + block + ".pool[" + i + "].url=" + urls[i];
		}
		return properties;
	}

	/**
	 * {@link #runner()} with health checks of the block's pool ({@code default.http}, say) that
	 * find a frozen member within two seconds, and quiet connections through a failing member
	 * cut after 500 ms. A check has one attempt, which a healthy member has to pass too, or its
	 * quiet connections are cut as well: 900 ms, not the 300 ms a busy machine can miss.
	 */
	static ApplicationContextRunner runnerCuttingQuietConnections(String block) {
		String check = "cryptofeed.proxy." + block + ".health-check.";
		return runner().withConfiguration(AutoConfigurations.of(ProxyPoolHealthAutoConfiguration.class))
			.withPropertyValues("cryptofeed.proxy.failover.quiet-timeout=500ms", check + "interval=1s",
					check + "timeout=900ms", check + "retry-count=1", check + "unhealthy-threshold=1");
	}

	/**
	 * Opens sessions to the target's {@code /ws} one after the other and keeps them open, each
	 * until the connection closes.
	 * @return each session's end, by its first frame ({@code peer=<address>}: which proxy carried it)
	 */
	static Map<String, CompletableFuture<Void>> openSessionsByPeer(WebSocketClient client, TargetServer target,
			int sessions) {
		Map<String, CompletableFuture<Void>> sessionsByPeer = new HashMap<>();
		openSessions(client, target, sessions).forEach((session) -> sessionsByPeer.put(session.getKey(),
				session.getValue()));
		return sessionsByPeer;
	}

	/**
	 * Opens sessions as {@link #openSessionsByPeer} does, several through one proxy if need be.
	 * @return each session's first frame ({@code peer=<address>}) and its end, in the order opened
	 */
	static List<Map.Entry<String, CompletableFuture<Void>>> openSessions(WebSocketClient client, TargetServer target,
			int sessions) {
		List<Map.Entry<String, CompletableFuture<Void>>> opened = new ArrayList<>();
		for (int i = 0; i < sessions; i++) {
			Sinks.One<String> peer = Sinks.one();
			CompletableFuture<Void> session = client
				.execute(URI.create(target.wsUrl()),
						(s) -> s.receive().map(WebSocketMessage::getPayloadAsText).doOnNext(peer::tryEmitValue).then())
				.toFuture();
			opened.add(Map.entry(peer.asMono().block(Duration.ofSeconds(10)), session));
		}
		return opened;
	}

}
