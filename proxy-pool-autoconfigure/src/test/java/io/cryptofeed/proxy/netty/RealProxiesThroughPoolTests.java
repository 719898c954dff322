package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.ProxyCertificate;
import io.cryptofeed.proxy.testkit.real.Dante;
import io.cryptofeed.proxy.testkit.real.Microsocks;
import io.cryptofeed.proxy.testkit.real.Stunnel;
import io.cryptofeed.proxy.testkit.real.Tinyproxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Debian's tinyproxy (HTTP CONNECT), microsocks (SOCKS5 with a password) and Dante (SOCKS5)
 * as one pool. Each leaves from its own loopback address, so the target's view of the peer
 * proves which proxy carried each request. Skipped where the binaries are missing, except in
 * CI, where a missing binary fails the test.
 */
class RealProxiesThroughPoolTests {

	private static TargetServer target;

	private static TargetServer tlsTarget;

	private static TargetServer http2Target;

	private static Tinyproxy tinyproxy;

	private static Microsocks microsocks;

	private static Dante dante;

	@BeforeAll
	static void start() {
		target = TargetServer.start("127.0.0.1");
		tlsTarget = TargetServer.startTls("127.0.0.1");
		http2Target = TargetServer.startHttp2("127.0.0.1");
		tinyproxy = Tinyproxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.41").start();
		microsocks = Microsocks.builder()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.42")
			.credentials("feed", "real-secret")
			.start();
		dante = Dante.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.43").start();
	}

	@AfterAll
	static void stop() {
		for (AutoCloseable closeable : new AutoCloseable[] { dante, microsocks, tinyproxy, target, tlsTarget,
				http2Target }) {
			try {
				if (closeable != null) {
					closeable.close();
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	@BeforeEach
	void resetCounters() {
		target.resetCounters();
		tlsTarget.resetCounters();
		http2Target.resetCounters();
	}

	@Test
	void roundRobinSpreads300RequestsEvenlyOverThreeRealProxies() {
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", tinyproxy.url(), microsocks.url(), dante.url()))
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				for (int i = 0; i < 300; i++) {
					client.get()
						.uri(target.baseUrl() + "/whoami")
						.retrieve()
						.bodyToMono(String.class)
						.block(Duration.ofSeconds(10));
				}
				assertThat(target.requestsByPeer()).containsOnly(Map.entry("127.0.0.41", 100),
						Map.entry("127.0.0.42", 100), Map.entry("127.0.0.43", 100));
			});
	}

	@Test
	void httpsMembersSpeakTlsToRealTinyproxiesBehindStunnel() {
		// a provider's TLS front: stunnel (OpenSSL) before tinyproxy, which asks for a password
		try (Stunnel first = Stunnel.builder(Tinyproxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.44")
			.credentials("feed", "tls-real-secret")
			.start()).start();
				Stunnel second = Stunnel.builder(Tinyproxy.builder()
					.bindAddress("127.0.0.1")
					.egressAddress("127.0.0.45")
					.credentials("feed", "tls-real-secret")
					.start()).start()) {
			assertThat(first.url()).startsWith("https://feed:tls-real-secret@127.0.0.1:");
			TransportTestSupport.runner()
				.withPropertyValues(TransportTestSupport.pool("default.http", first.url(), second.url()))
				.withPropertyValues(
						"spring.ssl.bundle.pem.proxies.truststore.certificate=classpath:" + ProxyCertificate.CERTIFICATE,
						"cryptofeed.proxy.proxy-tls.bundle=proxies")
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					WebClient trustingTarget = TransportTestSupport.trustingTlsTarget(context);
					for (int i = 0; i < 10; i++) {
						client.get().uri(target.baseUrl() + "/whoami").retrieve().bodyToMono(String.class)
							.block(Duration.ofSeconds(10));
					}
					// TLS in TLS: the exchange's inside the tunnel, the proxy's around it
					for (int i = 0; i < 10; i++) {
						trustingTarget.get().uri(tlsTarget.baseUrl() + "/whoami").retrieve().bodyToMono(String.class)
							.block(Duration.ofSeconds(10));
					}
					assertThat(target.requestsByPeer()).containsOnly(Map.entry("127.0.0.44", 5),
							Map.entry("127.0.0.45", 5));
					assertThat(tlsTarget.requestsByPeer()).containsOnly(Map.entry("127.0.0.44", 5),
							Map.entry("127.0.0.45", 5));

					// HTTP/2, agreed with the exchange inside those tunnels
					ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
					HttpClient http2 = pools.apply(pools.newHttpClient()
						.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
						.secure((spec) -> spec.sslContext(TargetServer.trustingHttp2ClientSslContext())),
							ConnectionType.HTTP);
					for (int i = 0; i < 4; i++) {
						assertThat(http2.get().uri(http2Target.baseUrl() + "/protocol").responseContent().aggregate()
							.asString().block(Duration.ofSeconds(10))).isEqualTo("HTTP/2.0");
					}
					assertThat(http2Target.requestsByPeer()).containsOnly(Map.entry("127.0.0.44", 2),
							Map.entry("127.0.0.45", 2));
				});
		}
	}

	@Test
	void restClientRequestsGoThroughEachRealProxy() {
		RestClientThroughPoolTests.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", tinyproxy.url(), microsocks.url(), dante.url()))
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				for (int i = 0; i < 30; i++) {
					client.get().uri(target.baseUrl() + "/whoami").retrieve().body(String.class);
				}
				assertThat(target.requestsByPeer()).containsOnly(Map.entry("127.0.0.41", 10),
						Map.entry("127.0.0.42", 10), Map.entry("127.0.0.43", 10));
			});
	}

	@Test
	void httpsRequestsGoThroughEachRealProxyWithTlsEndToEnd() {
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", tinyproxy.url(), microsocks.url(), dante.url()))
			.run((context) -> {
				WebClient client = TransportTestSupport.trustingTlsTarget(context);
				for (int i = 0; i < 30; i++) {
					client.get()
						.uri(tlsTarget.baseUrl() + "/whoami")
						.retrieve()
						.bodyToMono(String.class)
						.block(Duration.ofSeconds(10));
				}
				assertThat(tlsTarget.baseUrl()).startsWith("https://");
				assertThat(tlsTarget.requestsByPeer()).containsOnly(Map.entry("127.0.0.41", 10),
						Map.entry("127.0.0.42", 10), Map.entry("127.0.0.43", 10));
			});
	}

	/** HTTP/2 streams multiplexed on one tunnel through each real proxy. */
	@Test
	void http2RequestsGoThroughEachRealProxyOnOneTunnelEach() {
		Http2ThroughPoolTests.http2(TransportTestSupport.runner())
			.withPropertyValues(TransportTestSupport.pool("default.http", tinyproxy.url(), microsocks.url(), dante.url()))
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				for (int i = 0; i < 30; i++) {
					assertThat(client.get()
						.uri(http2Target.baseUrl() + "/protocol")
						.retrieve()
						.bodyToMono(String.class)
						.block(Duration.ofSeconds(10))).isEqualTo("HTTP/2.0");
				}
				assertThat(http2Target.requestsByPeer()).containsOnly(Map.entry("127.0.0.41", 10),
						Map.entry("127.0.0.42", 10), Map.entry("127.0.0.43", 10));
				ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
				assertThat(context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow().members())
					.allSatisfy((member) -> assertThat(clients.openConnections(member)).isOne());
			});
	}

	@Test
	void webSocketSessionsGoThroughEachRealProxy() {
		TransportTestSupport.runner()
			.withPropertyValues(
					TransportTestSupport.pool("default.websocket", tinyproxy.url(), microsocks.url(), dante.url()))
			.run((context) -> {
				WebSocketClient client = context.getBean(WebSocketClient.class);
				List<String> peers = new ArrayList<>();
				for (int i = 0; i < 3; i++) {
					peers.add(firstFrame(client));
				}
				assertThat(peers).containsExactlyInAnyOrder("peer=127.0.0.41", "peer=127.0.0.42", "peer=127.0.0.43");
			});
	}

	/**
	 * A real proxy stopped (SIGSTOP) keeps its sessions' connections open and silent. Once its
	 * health check fails, the session through it is closed, and the next one goes through
	 * another; the sessions through the others stay open.
	 */
	@Test
	void aSessionThroughAStoppedRealProxyIsClosedOnceItsHealthCheckFails() {
		TransportTestSupport.runnerCuttingQuietConnections("default.websocket")
			.withPropertyValues(
					TransportTestSupport.pool("default.websocket", tinyproxy.url(), microsocks.url(), dante.url()))
			.run((context) -> {
				WebSocketClient client = context.getBean(WebSocketClient.class);
				Map<String, CompletableFuture<Void>> sessionsByPeer = TransportTestSupport.openSessionsByPeer(client,
						target, 3);
				assertThat(sessionsByPeer).containsOnlyKeys("peer=127.0.0.41", "peer=127.0.0.42", "peer=127.0.0.43");

				microsocks.pause();
				try {
					CompletableFuture<Void> stopped = sessionsByPeer.get("peer=127.0.0.42");
					await().atMost(Duration.ofSeconds(15)).until(stopped::isDone);
					assertThat(stopped).isCompleted();
					assertThat(sessionsByPeer.get("peer=127.0.0.41")).isNotDone();
					assertThat(sessionsByPeer.get("peer=127.0.0.43")).isNotDone();
					assertThat(firstFrame(client)).isIn("peer=127.0.0.41", "peer=127.0.0.43");
				}
				finally {
					microsocks.resume();
					sessionsByPeer.values().forEach((session) -> session.cancel(true));
				}
			});
	}

	/**
	 * A real proxy stopped (SIGSTOP) while a GET waits for its answer holds the answer back.
	 * Once its health check fails, the GET is cut and answered through the other member, long
	 * before the pool's 30 s response timeout.
	 */
	@Test
	void aGetStalledByAStoppedRealProxyIsAnsweredThroughAnotherOnceItsHealthCheckFails() {
		TransportTestSupport.runnerCuttingQuietConnections("default.http")
			.withPropertyValues(TransportTestSupport.pool("default.http", microsocks.url(), dante.url()))
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				// a keep-alive connection through each; round-robin then sends one of the next two
				// through microsocks
				whoami(client);
				whoami(client);
				target.resetCounters();
				CompletableFuture<String> first = delayed(client);
				await().atMost(Duration.ofSeconds(5)).until(() -> !target.requestsByPeer().isEmpty());
				CompletableFuture<String> stalled = target.requestsByPeer().containsKey("127.0.0.42") ? first
						: delayed(client);
				await().atMost(Duration.ofSeconds(5)).until(() -> target.requestsByPeer().containsKey("127.0.0.42"));

				microsocks.pause();
				try {
					assertThat(stalled.get(15, TimeUnit.SECONDS)).isEqualTo("delayed 2000");
					assertThat(target.requestsByPeer()).containsEntry("127.0.0.42", 1);
					assertThat(context.getBean(ProxyPools.class)
						.resolve(null, ConnectionType.HTTP)
						.orElseThrow()
						.quietConnectionsCut()).isOne();
				}
				finally {
					microsocks.resume();
				}
			});
	}

	private static String whoami(WebClient client) {
		return client.get()
			.uri(target.baseUrl() + "/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	private static CompletableFuture<String> delayed(WebClient client) {
		return client.get()
			.uri(target.baseUrl() + "/delay/2000")
			.retrieve()
			.bodyToMono(String.class)
			.toFuture();
	}

	@Test
	void socks4WorksThroughDante() {
		String socks4 = "socks4://" + dante.host() + ":" + dante.port();
		TransportTestSupport.runner().withPropertyValues("cryptofeed.proxy.default.http.url=" + socks4).run((context) -> {
			String peer = context.getBean(WebClient.Builder.class)
				.build()
				.get()
				.uri(target.baseUrl() + "/whoami")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			assertThat(peer).isEqualTo("127.0.0.43");
		});
	}

	/**
	 * SOCKS4 carries an IPv4 address only: a host name goes as SOCKS4a, for the proxy to
	 * resolve, never looked up here. Dante 1.4 speaks SOCKS4 without the 4a extension, so it
	 * takes the request for the address 0.0.0.1 and refuses it (91), as the docs warn.
	 */
	@Test
	void socks4SendsAHostNameTargetForTheProxyToResolveWhichDanteWithoutSocks4aRefuses() {
		String socks4 = "socks4://" + dante.host() + ":" + dante.port();
		TransportTestSupport.runner().withPropertyValues("cryptofeed.proxy.default.http.url=" + socks4).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			String byName = "localhost:" + target.port();

			assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> client.get()
					.uri("http://" + byName + "/whoami")
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(10)))
				.withMessageContaining("=> localhost/<unresolved>:" + target.port())
				.withMessageContaining("status: REJECTED_OR_FAILED(91)");
			assertThat(target.requestsByPeer()).isEmpty();
		});
	}

	@Test
	void aWrongSocksPasswordFailsOverToTheOthers() {
		String wrong = microsocks.url().replace("real-secret", "wrong-secret");
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", tinyproxy.url(), wrong, dante.url()))
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				for (int i = 0; i < 12; i++) {
					client.get()
						.uri(target.baseUrl() + "/whoami")
						.retrieve()
						.bodyToMono(String.class)
						.block(Duration.ofSeconds(10));
				}
				assertThat(target.requestsByPeer()).containsOnlyKeys("127.0.0.41", "127.0.0.43");
			});
	}

	/** Opens a session, reads its first frame (the peer the target saw) and closes it. */
	private static String firstFrame(WebSocketClient client) {
		Sinks.One<String> frame = Sinks.one();
		client
			.execute(URI.create(target.wsUrl()),
					(session) -> session.receive()
						.take(1)
						.map(WebSocketMessage::getPayloadAsText)
						.doOnNext(frame::tryEmitValue)
						.then())
			.block(Duration.ofSeconds(10));
		return frame.asMono().block(Duration.ofSeconds(1));
	}

}
