package io.cryptofeed.proxy.netty;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.ProxyCertificate;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.netty.channel.Channel;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.HttpProtocol;

import org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpMethod;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * HTTP/2 to an exchange through the pools, as an application turns it on for the
 * auto-configured WebClient: every request a stream, many at once on one tunnel per member.
 * What the pools promise for HTTP/1.1 connections holds for those tunnels: a new tunnel is
 * one success for its member's breaker, a member set aside has its tunnels closed (the streams
 * under way finish first), and a request stalled by a frozen proxy is cut and sent again
 * through another member.
 */
class Http2ThroughPoolTests {

	private ProxyTrio trio;

	@BeforeEach
	void start() {
		this.trio = new ProxyTrio("127.0.0.3", "h2-secret", TargetServer.startHttp2("127.0.0.1"));
	}

	@AfterEach
	void stop() {
		this.trio.close();
	}

	@Test
	void requestsTakeTheMembersInTurnOnOneTunnelEachAndEachTunnelIsOneSuccessForItsBreaker() {
		http2(TransportTestSupport.runner()).withPropertyValues(this.trio.pool("default.http")).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThat(get(client, "/protocol")).isEqualTo("HTTP/2.0");
			this.trio.target.resetCounters();
			for (int i = 0; i < 9; i++) {
				get(client, "/whoami");
			}

			assertThat(this.trio.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.31", 3),
					Map.entry("127.0.0.32", 3), Map.entry("127.0.0.33", 3));
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			for (PoolMember member : pool(context).members()) {
				assertThat(breakers.breakerOf(member).getMetrics().getNumberOfSuccessfulCalls()).isOne();
				assertThat(clients.openConnections(member)).isOne();
				assertThat(member.activeLeases()).isZero();
			}
			assertThat(proxies()).allSatisfy((proxy) -> assertThat(proxy.tunnels()).isOne());
		});
	}

	/**
	 * A burst of requests opens more tunnels than one per member (Reactor Netty's HTTP/2 pool
	 * does so without the pools too): each one open is tracked under its member, and closed
	 * with the others when the member fails. Handshakes get time and the breakers a window
	 * they cannot fill: on a busy machine ninety tunnels at once take longer than the
	 * runner's 500 ms, and a breaker that opened would close its member's tunnels before the
	 * test looks at them.
	 */
	@Test
	void manyRequestsAtOnceReleaseEveryLeaseAndEveryTunnelOfAFailingMemberIsClosed() {
		OpenTunnels tunnels = new OpenTunnels();
		tunnels.observe(http2(TransportTestSupport.runner()))
			.withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues("cryptofeed.proxy.handshake-timeout=10s", "cryptofeed.proxy.tls-handshake-timeout=10s",
					"cryptofeed.proxy.circuit-breaker.sliding-window-size=1000",
					"cryptofeed.proxy.circuit-breaker.minimum-number-of-calls=1000")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				List<String> protocols = Flux.range(0, 90)
					.flatMap((i) -> client.get().uri(this.trio.target.baseUrl() + "/protocol").retrieve().bodyToMono(String.class))
					.collectList()
					.block(Duration.ofSeconds(30));

				assertThat(protocols).hasSize(90).containsOnly("HTTP/2.0");
				ProxyPool pool = pool(context);
				ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
				for (int i = 0; i < 3; i++) {
					PoolMember member = pool.members().get(i);
					assertThat(member.activeLeases()).isZero();
					assertThat(clients.openConnections(member)).isPositive().isEqualTo(tunnels.to(proxies().get(i)));
				}
				PoolMember failing = pool.members().get(0);
				pool.setUnavailable(failing, Unavailability.UNHEALTHY, true);
				await().atMost(Duration.ofSeconds(5)).until(() -> tunnels.to(this.trio.first) == 0);
				assertThat(clients.openConnections(failing)).isZero();
				assertThat(tunnels.to(this.trio.second)).isPositive().isEqualTo(clients.openConnections(pool.members().get(1)));
			});
	}

	/**
	 * The member's tunnel is closed when it fails, as an idle HTTP/1.1 connection is, and a
	 * while after it is drained: back in the snapshot, it carries its next request on a new
	 * tunnel, not on one through a proxy that may have dropped it.
	 */
	@ParameterizedTest
	@EnumSource(value = Unavailability.class, names = { "UNHEALTHY", "DRAINED" })
	void aMemberSetAsideHasItsTunnelClosedAndOpensANewOneOnceBack(Unavailability reason) {
		http2(TransportTestSupport.runner()).withPropertyValues(this.trio.pool("default.http")).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			ProxyPool pool = pool(context);
			PoolMember member = pool.members().get(0);
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			for (int i = 0; i < 3; i++) {
				get(client, "/whoami");
			}
			assertThat(clients.openConnections(member)).isOne();

			pool.setUnavailable(member, reason, true);
			await().atMost(Duration.ofSeconds(5)).until(() -> clients.openConnections(member) == 0);
			pool.setUnavailable(member, reason, false);
			this.trio.target.resetCounters();
			for (int i = 0; i < 3; i++) {
				get(client, "/whoami");
			}

			assertThat(this.trio.target.requestsByPeer()).containsOnlyKeys("127.0.0.31", "127.0.0.32", "127.0.0.33");
			assertThat(this.trio.first.tunnels()).isEqualTo(2);
			assertThat(this.trio.second.tunnels()).isOne();
			assertThat(this.trio.third.tunnels()).isOne();
		});
	}

	/** Closing a drained member's tunnel lets the request it carries finish: nothing is sent twice. */
	@Test
	void aRequestUnderWayThroughAMemberThatIsDrainedGetsItsAnswerBeforeTheTunnelCloses() {
		http2(TransportTestSupport.runner()).withPropertyValues(this.trio.pool("default.http")).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			ProxyPool pool = pool(context);
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			CompletableFuture<String> slow = client.get()
				.uri(this.trio.target.baseUrl() + "/delay/1500")
				.retrieve()
				.bodyToMono(String.class)
				.toFuture();
			String peer = peerOfTheOnlyRequest();
			PoolMember member = pool.members().get(memberIndex(peer));

			pool.setUnavailable(member, Unavailability.DRAINED, true);

			assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("delayed 1500");
			await().atMost(Duration.ofSeconds(5)).until(() -> clients.openConnections(member) == 0);
			assertThat(this.trio.target.requestsByPeer()).containsOnly(Map.entry(peer, 1));
		});
	}

	/**
	 * A proxy freezes under a GET: once its health check finds it, the quiet stream is cut and
	 * the GET sent through another member, and the frozen tunnel is closed, so that the member,
	 * back once it answers checks again, carries its next request on a new tunnel.
	 */
	@Test
	void aGetStalledByAFrozenProxyIsAnsweredThroughAnotherAndTheFrozenTunnelIsClosed() {
		http2(TransportTestSupport.runnerCuttingQuietConnections("default.http"))
			.withPropertyValues(this.trio.pool("default.http"))
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				ProxyPool pool = pool(context);
				ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
				CompletableFuture<String> stalled = client.get()
					.uri(this.trio.target.baseUrl() + "/delay/1000")
					.retrieve()
					.bodyToMono(String.class)
					.toFuture();
				String peer = peerOfTheOnlyRequest();
				PoolMember member = pool.members().get(memberIndex(peer));
				TestProxy frozen = proxies().get(memberIndex(peer));
				frozen.fault(Fault.FREEZE);

				assertThat(stalled.get(15, TimeUnit.SECONDS)).isEqualTo("delayed 1000");
				assertThat(this.trio.target.requestsByPeer()).hasSize(2).containsEntry(peer, 1).containsValue(1);
				assertThat(pool.quietConnectionsCut()).isOne();
				await().atMost(Duration.ofSeconds(5)).until(() -> clients.openConnections(member) == 0);

				frozen.fault(Fault.NONE);
				await().atMost(Duration.ofSeconds(10)).until(member::isAvailable);
				this.trio.target.resetCounters();
				for (int i = 0; i < 3; i++) {
					get(client, "/whoami");
				}
				assertThat(this.trio.target.requestsByPeer()).containsKey(peer);
				assertThat(frozen.tunnels()).isEqualTo(2);
			});
	}

	/**
	 * The response timeout holds per stream: a GET the exchange is too slow to answer is sent
	 * once more through another member, a POST never twice, and no member is blamed.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "GET", "POST" })
	void aRequestTheExchangeIsTooSlowToAnswerTimesOutAndOnlyAGetIsSentOnceMore(String methodName) {
		HttpMethod method = HttpMethod.valueOf(methodName);
		http2(TransportTestSupport.runner()).withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues("cryptofeed.proxy.default.http.timeout=300ms")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				assertThatExceptionOfType(WebClientRequestException.class)
					.isThrownBy(() -> client.method(method)
						.uri(this.trio.target.baseUrl() + "/delay/3000")
						.retrieve()
						.bodyToMono(String.class)
						.block(Duration.ofSeconds(10)))
					.withRootCauseInstanceOf(ReadTimeoutException.class);

				int tries = (method == HttpMethod.GET) ? 2 : 1;
				assertThat(this.trio.tunnels()).isEqualTo(tries);
				// each request was sent before its timeout fired, yet a busy proxy may relay it later
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(this.trio.target.requestsByPeer()).hasSize(tries)
						.allSatisfy((peer, count) -> assertThat(count).isOne()));
				MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
				assertThat(pool(context).members()).allSatisfy((member) -> assertThat(
						breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero());
			});
	}

	/**
	 * A proxy that freezes with its tunnel up stalls the next stream through it: the GET is
	 * answered through another member, and the frozen one is blamed for it.
	 */
	@Test
	void aGetStalledOnAFrozenTunnelIsAnsweredThroughAnotherAndItsMemberBlamed() {
		http2(TransportTestSupport.runner()).withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues("cryptofeed.proxy.default.http.timeout=" + TransportTestSupport.STALLED_ANSWER_TIMEOUT,
					// a success and the stall open its breaker: half-open would clear the count asserted
					"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1m")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				for (int i = 0; i < 3; i++) {
					get(client, "/whoami");
				}
				this.trio.first.fault(Fault.FREEZE);
				this.trio.target.resetCounters();
				for (int i = 0; i < 3; i++) {
					assertThat(get(client, "/whoami")).isIn("127.0.0.32", "127.0.0.33");
				}

				assertThat(this.trio.target.requestsByPeer()).doesNotContainKey("127.0.0.31");
				PoolMember frozen = pool(context).members().get(0);
				assertThat(context.getBean(MemberCircuitBreakers.class).breakerOf(frozen).getMetrics().getNumberOfFailedCalls())
					.isOne();
			});
	}

	@Test
	void aRefusingMemberIsPassedOverAndBlamed() {
		this.trio.first.fault(Fault.REFUSE);
		// two refusals open its breaker: half-open would clear the count asserted
		http2(TransportTestSupport.runner()).withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues("cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1m")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				for (int i = 0; i < 6; i++) {
					assertThat(get(client, "/protocol")).isEqualTo("HTTP/2.0");
				}

				assertThat(this.trio.target.requestsByPeer()).containsOnlyKeys("127.0.0.32", "127.0.0.33");
				PoolMember refusing = pool(context).members().get(0);
				assertThat(context.getBean(MemberCircuitBreakers.class).breakerOf(refusing).getMetrics().getNumberOfFailedCalls())
					.isPositive();
			});
	}

	/** A RestClient on Reactor Netty's request factory, given HTTP/2 as an application does. */
	@Test
	void restClientRequestsSpeakHttp2ThroughEachMemberInTurn() {
		ClientHttpRequestFactoryBuilderCustomizer<ReactorClientHttpRequestFactoryBuilder> http2 = (builder) -> builder
			.withHttpClientCustomizer((client) -> client.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
				.secure((spec) -> spec.sslContext(TargetServer.trustingHttp2ClientSslContext())));
		RestClientThroughPoolTests.runner()
			.withBean(ClientHttpRequestFactoryBuilderCustomizer.class, () -> http2)
			.withPropertyValues(this.trio.pool("default.http"))
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				for (int i = 0; i < 6; i++) {
					assertThat(client.get().uri(this.trio.target.baseUrl() + "/protocol").retrieve().body(String.class))
						.isEqualTo("HTTP/2.0");
				}

				assertThat(this.trio.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.31", 2),
						Map.entry("127.0.0.32", 2), Map.entry("127.0.0.33", 2));
				assertThat(proxies()).allSatisfy((proxy) -> assertThat(proxy.tunnels()).isOne());
				assertThat(pool(context).members()).allSatisfy((member) -> assertThat(member.activeLeases()).isZero());
			});
	}

	/** HTTP/2 with the exchange inside TLS with the proxy: the exchange's ALPN runs end to end in the tunnel. */
	@Test
	void http2RunsInsideTheTunnelsOfHttpsMembers() {
		try (HttpConnectProxy first = tlsProxy("127.0.0.34"); HttpConnectProxy second = tlsProxy("127.0.0.35")) {
			http2(TransportTestSupport.runner())
				.withPropertyValues(TransportTestSupport.pool("default.http", first.url(), second.url()))
				.withPropertyValues("spring.ssl.bundle.pem.proxies.truststore.certificate=classpath:"
						+ ProxyCertificate.CERTIFICATE, "cryptofeed.proxy.proxy-tls.bundle=proxies")
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					for (int i = 0; i < 4; i++) {
						assertThat(get(client, "/protocol")).isEqualTo("HTTP/2.0");
					}

					assertThat(first.url()).startsWith("https://");
					assertThat(this.trio.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.34", 2),
							Map.entry("127.0.0.35", 2));
					assertThat(first.tunnels()).isOne();
					assertThat(second.tunnels()).isOne();
				});
		}
	}

	private static HttpConnectProxy tlsProxy(String egressAddress) {
		return HttpConnectProxy.builder()
			.tls()
			.bindAddress("127.0.0.1")
			.egressAddress(egressAddress)
			.credentials("feed", "h2-secret")
			.start();
	}

	/**
	 * HTTP/2 turned on as an application does it, on top of the pools' customizer: TLS settings
	 * that offer {@code h2}, which an SSL bundle's do not (its client falls back to HTTP/1.1).
	 */
	static ApplicationContextRunner http2(ApplicationContextRunner runner) {
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> http2 = (builder) -> builder
			.withHttpClientCustomizer((client) -> client.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
				.secure((spec) -> spec.sslContext(TargetServer.trustingHttp2ClientSslContext())));
		return runner.withBean("http2", ClientHttpConnectorBuilderCustomizer.class, () -> http2);
	}

	private String get(WebClient client, String path) {
		return client.get()
			.uri(this.trio.target.baseUrl() + path)
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	/** The client's open connections to each proxy, as its channels report them. */
	private static final class OpenTunnels implements ConnectionObserver {

		private final Set<Channel> open = ConcurrentHashMap.newKeySet();

		/** The runner with this observer on the client that Boot's connector builder makes. */
		ApplicationContextRunner observe(ApplicationContextRunner runner) {
			ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> customizer = (builder) -> builder
				.withHttpClientCustomizer((client) -> client.observe(this));
			return runner.withBean("openTunnels", ClientHttpConnectorBuilderCustomizer.class, () -> customizer);
		}

		@Override
		public void onStateChange(Connection connection, State newState) {
			Channel channel = connection.channel();
			// a connection, not a stream; its remote address is the proxy's
			if (newState == State.CONNECTED && channel.parent() == null && this.open.add(channel)) {
				channel.closeFuture().addListener((closed) -> this.open.remove(channel));
			}
		}

		int to(TestProxy proxy) {
			return (int) this.open.stream()
				.filter((channel) -> ((InetSocketAddress) channel.remoteAddress()).getPort() == proxy.port())
				.count();
		}

	}

	/** Waits until the target has one request, and tells which proxy's egress address sent it. */
	private String peerOfTheOnlyRequest() {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.trio.target.requestsByPeer().size() == 1);
		return this.trio.target.requestsByPeer().keySet().iterator().next();
	}

	/** The member (and proxy) behind an egress address: 127.0.0.31 is the first. */
	private static int memberIndex(String peer) {
		return peer.charAt(peer.length() - 1) - '1';
	}

	private List<TestProxy> proxies() {
		return List.of(this.trio.first, this.trio.second, this.trio.third);
	}

	private static ProxyPool pool(AssertableApplicationContext context) {
		return context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
	}

}
