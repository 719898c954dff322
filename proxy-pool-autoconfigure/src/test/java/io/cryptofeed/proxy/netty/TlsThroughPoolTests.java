package io.cryptofeed.proxy.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

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

	/**
	 * 2 s from the TCP connect for both handshakes: far less than Reactor Netty's own 10 s, and
	 * far more than a handshake with the local target takes on a busy machine. Most of it is
	 * the proxy's: a stall costs the sum however it is split, and a healthy proxy's handshake,
	 * which the first timeout bounds alone, was seen to miss 500 ms on a busy machine.
	 */
	private static final String[] SHORT_TLS_HANDSHAKE = { "cryptofeed.proxy.handshake-timeout=1500ms",
			"cryptofeed.proxy.tls-handshake-timeout=500ms" };

	private ProxyTrio trio;

	private TargetServer target;

	@BeforeEach
	void start() {
		this.trio = new ProxyTrio("127.0.0.8", "tls-secret", TargetServer.startTls("127.0.0.1"));
		this.target = this.trio.target;
	}

	/** The JVM's first TLS handshake loads its classes and keys: done here, not inside a test's timeouts. */
	@BeforeAll
	static void warmUpTls() {
		try (TargetServer warmUp = TargetServer.startTls("127.0.0.1")) {
			String peer = HttpClient.create()
				.secure((spec) -> spec.sslContext(TargetServer.trustingClientSslContext()))
				.get()
				.uri(warmUp.baseUrl() + "/whoami")
				.responseContent()
				.aggregate()
				.asString()
				.block(Duration.ofSeconds(30));
			assertThat(peer).isEqualTo("127.0.0.1");
		}
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
			// round-robin reaches the stalling member within three (twice when it starts there,
			// since the failover takes a turn): nothing of a request is sent before the TLS
			// handshake, so each POST that met it went through another member
			for (int i = 0; i < 3; i++) {
				String posted = client.post()
					.uri(this.target.baseUrl() + "/echo")
					.bodyValue("order " + i)
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(8));
				assertThat(posted).isEqualTo("order " + i);
			}
			assertThat(this.trio.first.tunnels()).isBetween(1, 2);
			assertThat(this.target.requestsByPeer()).doesNotContainKey("127.0.0.81");
			for (int i = 0; i < 6; i++) {
				// each block is shorter than Reactor Netty's own 10 s TLS handshake timeout
				assertThat(whoami(client)).isIn("127.0.0.82", "127.0.0.83");
			}
			// blamed once the exchange answered through another member, until its breaker opened
			PoolMember stalling = httpPool(context).members().get(0);
			assertThat(breakerState(context, stalling)).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(this.trio.first.tunnels()).as("tried until its breaker opened").isEqualTo(2);
			assertThat(this.target.requestsByPeer()).doesNotContainKey("127.0.0.81")
				.containsOnlyKeys("127.0.0.82", "127.0.0.83");
			assertThat(this.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum())
				.as("each request sent once").isEqualTo(9);
		}, SHORT_TLS_HANDSHAKE[0], SHORT_TLS_HANDSHAKE[1],
				// no trial call while the test runs, however slow the machine
				"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1m");
	}

	@Test
	void withoutFailoverAMemberThatStallsTlsIsBlamedAtOnceAndItsBreakerOpens() {
		this.trio.first.fault(Fault.STALL);
		run("default.http", (context) -> {
			WebClient client = TransportTestSupport.trustingTlsTarget(context);
			PoolMember stalling = httpPool(context).members().get(0);
			int stalled = 0;
			// round-robin meets the stalling member twice in six requests; nothing retries them
			for (int i = 0; i < 6; i++) {
				try {
					assertThat(whoami(client)).isIn("127.0.0.82", "127.0.0.83");
				}
				catch (WebClientRequestException ex) {
					assertThat(ex).hasRootCauseInstanceOf(SslHandshakeTimeoutException.class);
					stalled++;
				}
			}
			assertThat(stalled).isEqualTo(2);
			assertThat(breakerState(context, stalling)).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(this.trio.first.tunnels()).isEqualTo(2);
		}, SHORT_TLS_HANDSHAKE[0], SHORT_TLS_HANDSHAKE[1], "cryptofeed.proxy.failover.max-attempts=1",
				"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1m");
	}

	@Test
	void anExchangeThatStallsTlsFailsTheRequestWithinTheTimeoutsAndNoMemberIsBlamed() throws IOException {
		// a listening socket that never accepts: the kernel completes the TCP handshake and
		// takes the client's hello, and nothing ever answers, through whichever member; each try
		// costs both timeouts, the first of them nearly all, since the healthy proxies' own
		// handshakes have to end within it
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			run("default.http", (context) -> {
				WebClient client = TransportTestSupport.trustingTlsTarget(context);
				for (int i = 0; i < 2; i++) {
					assertThatExceptionOfType(WebClientRequestException.class)
						.isThrownBy(() -> client.get()
							.uri("https://127.0.0.1:" + silent.getLocalPort() + "/whoami")
							.retrieve()
							.bodyToMono(String.class)
							.block(Duration.ofSeconds(8)))
						.havingCause()
						.isInstanceOf(ProxyConnectFailedException.class)
						.satisfies((failure) -> assertThat(((ProxyConnectFailedException) failure).failures())
							.hasSize(2)
							.allSatisfy((tried) -> assertThat(tried).contains("SslHandshakeTimeoutException")));
				}
				assertThat(httpPool(context).members()).allSatisfy((member) -> assertThat(breakerState(context, member))
					.isEqualTo(CircuitBreaker.State.CLOSED));
				assertThat(httpPool(context).availableMembers()).hasSize(3);
			}, "cryptofeed.proxy.handshake-timeout=1s", "cryptofeed.proxy.tls-handshake-timeout=200ms",
					"cryptofeed.proxy.failover.max-attempts=2");
		}
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
		return new ProxyPoolWebSocketClient(clients, clients.newHttpClient()
			.secure((spec) -> spec.sslContext(TargetServer.trustingClientSslContext())));
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
