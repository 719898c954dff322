package io.cryptofeed.proxy.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLHandshakeException;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.netty.http.Http11SslContextSpec;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code https://} and {@code wss://} targets, as every exchange is, through a pool of in-JVM
 * proxies: TLS runs inside the tunnel, end to end with the target, whose certificate is
 * checked as without a proxy; a proxy that stalls once its tunnel is up costs the
 * {@code tls-handshake-timeout}, not Reactor Netty's 10 s.
 */
class TlsThroughPoolTests {

	/** Short enough that a stalled member costs far less than Reactor Netty's own 10 s. */
	private static final String[] SHORT_TLS_HANDSHAKE = { "cryptofeed.proxy.handshake-timeout=200ms",
			"cryptofeed.proxy.tls-handshake-timeout=300ms" };

	private ProxyTrio trio;

	private TargetServer target;

	@BeforeEach
	void start() {
		this.trio = new ProxyTrio("127.0.0.8", "tls-secret", TargetServer.startTls("127.0.0.1"));
		this.target = this.trio.target;
	}

	@AfterEach
	void stop() {
		this.trio.close();
	}

	@Test
	void httpsRequestsLeaveThroughEachMemberInTurn() {
		run("default.http", (context) -> {
			WebClient client = TransportTestSupport.trustingTlsTarget(context);
			List<String> peers = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				peers.add(whoami(client));
			}
			assertThat(this.target.baseUrl()).startsWith("https://");
			assertThat(peers).containsOnly("127.0.0.81", "127.0.0.82", "127.0.0.83");
			assertThat(peers.stream().distinct()).hasSize(3);
		});
	}

	@Test
	void anUntrustedCertificateIsTheCallersErrorAndNoProxyFailure() {
		run("default.http", (context) -> {
			// the builder without the bundle trusts only the JDK's authorities
			WebClient untrusting = context.getBean(WebClient.Builder.class).build();
			for (int i = 0; i < 4; i++) {
				assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoami(untrusting))
					.havingCause()
					.isInstanceOf(SSLHandshakeException.class);
			}
			// the tunnels were up, so no member is blamed and none was tried a second time
			assertThat(this.trio.first.tunnels() + this.trio.second.tunnels() + this.trio.third.tunnels())
				.isEqualTo(4);
			assertThat(httpPool(context).members()).allSatisfy((member) -> assertThat(breakerState(context, member))
				.isEqualTo(CircuitBreaker.State.CLOSED));
		});
	}

	@Test
	void aMemberThatStallsOnceItsTunnelIsUpCostsTheTlsHandshakeTimeoutAndIsSkipped() {
		this.trio.first.fault(Fault.STALL);
		run("default.http", (context) -> {
			WebClient client = TransportTestSupport.trustingTlsTarget(context);
			for (int i = 0; i < 6; i++) {
				// a block shorter than Reactor Netty's 10 s TLS handshake timeout
				assertThat(whoami(client)).isIn("127.0.0.82", "127.0.0.83");
			}
			// nothing of a request is sent before the TLS handshake: a POST goes elsewhere too
			String posted = client.post()
				.uri(this.target.baseUrl() + "/echo")
				.bodyValue("order")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(5));
			assertThat(posted).isEqualTo("order");
			PoolMember stalling = httpPool(context).members().get(0);
			assertThat(breakerState(context, stalling)).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(this.trio.first.tunnels()).as("tried until its breaker opened").isEqualTo(2);
			assertThat(this.target.requestsByPeer()).doesNotContainKey("127.0.0.81");
		}, SHORT_TLS_HANDSHAKE[0], SHORT_TLS_HANDSHAKE[1],
				// no trial call while the test runs, however slow the machine
				"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1m");
	}

	@Test
	void wssSessionsOpenThroughEachMemberInTurnAndPassAStallingOne() {
		run("default.websocket", (context) -> {
			ProxyPoolWebSocketClient sockets = trustingWebSocketClient(context);
			List<String> frames = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				frames.add(firstFrame(sockets));
			}
			assertThat(this.target.wsUrl()).startsWith("wss://");
			assertThat(frames).containsExactlyInAnyOrder("peer=127.0.0.81", "peer=127.0.0.82", "peer=127.0.0.83");

			this.trio.first.fault(Fault.STALL);
			for (int i = 0; i < 4; i++) {
				assertThat(firstFrame(sockets)).isIn("peer=127.0.0.82", "peer=127.0.0.83");
			}
		}, SHORT_TLS_HANDSHAKE);
	}

	private void run(String block, ContextConsumer<AssertableApplicationContext> test, String... more) {
		TransportTestSupport.runner()
			.withPropertyValues(this.trio.pool(block))
			.withPropertyValues(more)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				test.accept(context);
			});
	}

	/** The pools' WebSocket client on an HttpClient that trusts the target, as an application would build it. */
	private static ProxyPoolWebSocketClient trustingWebSocketClient(AssertableApplicationContext context) {
		ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
		Http11SslContextSpec trusting = Http11SslContextSpec.forClient().configure((builder) -> {
			try (InputStream certificate = TlsThroughPoolTests.class.getClassLoader()
				.getResourceAsStream(TargetServer.CERTIFICATE)) {
				builder.trustManager(certificate);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		return new ProxyPoolWebSocketClient(clients, clients.newHttpClient().secure((spec) -> spec.sslContext(trusting)));
	}

	private String firstFrame(ProxyPoolWebSocketClient sockets) {
		Sinks.One<String> first = Sinks.one();
		sockets
			.execute(URI.create(this.target.wsUrl()),
					(session) -> session.receive()
						.next()
						.doOnNext((message) -> first.tryEmitValue(message.getPayloadAsText()))
						.then())
			.block(Duration.ofSeconds(5));
		return first.asMono().block(Duration.ofSeconds(1));
	}

	private String whoami(WebClient client) {
		return client.get()
			.uri(this.target.baseUrl() + "/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(5));
	}

	private static ProxyPool httpPool(AssertableApplicationContext context) {
		return context.getBean(ProxyPools.class).pools().get(PoolKey.ofDefault(ConnectionType.HTTP));
	}

	private static CircuitBreaker.State breakerState(AssertableApplicationContext context, PoolMember member) {
		return context.getBean(MemberCircuitBreakers.class).breakerOf(member).getState();
	}

}
