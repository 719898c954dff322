package io.cryptofeed.proxy.netty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolHealthAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolReloadAutoConfiguration;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.ProxyCertificate;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.cryptofeed.proxy.testsupport.WebSocketFrames;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code https://} members: TLS to the proxy itself, under the CONNECT handshake, so that the
 * request for the tunnel and its credentials never cross the network in the clear. The proxy's
 * certificate is verified (trust from an SSL bundle, or the JDK's), against the address the
 * member names; a proxy that fails TLS is a connect failure like any other, and the request
 * goes through another member.
 */
@ExtendWith(OutputCaptureExtension.class)
class HttpsProxyThroughPoolTests {

	private static final String PASSWORD = "tls-proxy-s3cret";

	/** Trusts the test proxies' certificate, as an application would trust its provider's authority. */
	private static final String[] TRUSTING_PROXIES = {
			"spring.ssl.bundle.pem.proxies.truststore.certificate=classpath:" + ProxyCertificate.CERTIFICATE,
			"cryptofeed.proxy.proxy-tls.bundle=proxies" };

	private TargetServer target;

	private TargetServer tlsTarget;

	private final List<HttpConnectProxy> proxies = new ArrayList<>();

	@BeforeEach
	void start() {
		this.target = TargetServer.start("127.0.0.1");
		this.tlsTarget = TargetServer.startTls("127.0.0.1");
	}

	@AfterEach
	void stop() {
		this.proxies.forEach(HttpConnectProxy::close);
		this.target.close();
		this.tlsTarget.close();
	}

	@Test
	void httpAndHttpsRequestsLeaveThroughEachHttpsMemberInTurn() {
		HttpConnectProxy first = tlsProxy("127.0.0.91");
		HttpConnectProxy second = tlsProxy("127.0.0.92");
		HttpConnectProxy third = tlsProxy("127.0.0.93");
		assertThat(first.url()).startsWith("https://");
		run(pool(first, second, third), (context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			// TLS in TLS: the exchange's TLS runs inside the tunnel of a proxy reached over TLS
			WebClient trustingTarget = TransportTestSupport.trustingTlsTarget(context);
			List<String> peers = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				peers.add(whoami(client, this.target));
				peers.add(whoami(trustingTarget, this.tlsTarget));
			}
			assertThat(peers).containsOnly("127.0.0.91", "127.0.0.92", "127.0.0.93");
			assertThat(peers.stream().distinct()).hasSize(3);
			assertThat(first.tunnels() + second.tunnels() + third.tunnels()).isEqualTo(6);
		});
	}

	@Test
	void theConnectRequestAndItsCredentialsCrossTheNetworkEncrypted() throws IOException {
		HttpConnectProxy tlsProxy = tlsProxy("127.0.0.91");
		try (Tap tap = new Tap(tlsProxy.port())) {
			run(pool(tap.url("https")), (context) -> {
				assertThat(whoami(context.getBean(WebClient.Builder.class).build(), this.target))
					.isEqualTo("127.0.0.91");
				byte[] sent = tap.sent();
				assertThat(sent[0]).as("a TLS handshake record first").isEqualTo((byte) 0x16);
				assertThat(new String(sent, StandardCharsets.ISO_8859_1))
					.doesNotContainIgnoringCase("CONNECT", "Proxy-Authorization", PASSWORD, basicCredentials());
			});
		}
		// the same tap in front of an http:// member reads them all
		HttpConnectProxy plainProxy = HttpConnectProxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.92")
			.credentials("feed", PASSWORD)
			.start();
		this.proxies.add(plainProxy);
		try (Tap tap = new Tap(plainProxy.port())) {
			run(pool(tap.url("http")), (context) -> {
				assertThat(whoami(context.getBean(WebClient.Builder.class).build(), this.target))
					.isEqualTo("127.0.0.92");
				assertThat(new String(tap.sent(), StandardCharsets.ISO_8859_1)).contains("CONNECT 127.0.0.1:")
					.containsIgnoringCase("Proxy-Authorization: Basic " + basicCredentials());
			});
		}
	}

	@Test
	void aMemberNamedByHostNameIsLookedUpAndItsCertificateCheckedAgainstThatName() {
		HttpConnectProxy proxy = tlsProxy("127.0.0.91");
		String byName = "https://feed:" + PASSWORD + "@localhost:" + proxy.port();
		run(pool(byName), (context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThat(whoami(client, this.target)).isEqualTo("127.0.0.91");
		});
	}

	@Test
	void restClientRequestsLeaveThroughHttpsMembersToo() {
		HttpConnectProxy first = tlsProxy("127.0.0.91");
		HttpConnectProxy second = tlsProxy("127.0.0.92");
		RestClientThroughPoolTests.runner()
			.withPropertyValues(pool(first, second))
			.withPropertyValues(TRUSTING_PROXIES)
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				List<String> peers = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					peers.add(client.get().uri(this.target.baseUrl() + "/whoami").retrieve().body(String.class));
				}
				assertThat(peers).containsExactlyInAnyOrder("127.0.0.91", "127.0.0.91", "127.0.0.92", "127.0.0.92");
			});
	}

	@Test
	void aProxyCertificateTheApplicationDoesNotTrustIsAConnectFailureAndAnotherMemberCarriesTheRequest(
			CapturedOutput output) {
		HttpConnectProxy untrusted = tlsProxy("127.0.0.91");
		HttpConnectProxy plain = HttpConnectProxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.92")
			.start();
		this.proxies.add(plain);
		// no bundle: only the JDK's authorities are trusted, and none signed the test certificate
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", untrusted.url(), plain.url()))
			.withPropertyValues("cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1m")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				for (int i = 0; i < 4; i++) {
					assertThat(whoami(client, this.target)).isEqualTo("127.0.0.92");
				}
				PoolMember refused = member(context, 0);
				assertThat(breaker(context, refused).getState()).isEqualTo(CircuitBreaker.State.OPEN);
				assertThat(untrusted.accepted()).isPositive();
				assertThat(untrusted.tunnels()).isZero();
			});
		assertThat(output).doesNotContain(PASSWORD);
	}

	@Test
	void whenNoMemberPassesTlsTheErrorNamesEachWithItsCause() {
		HttpConnectProxy first = tlsProxy("127.0.0.91");
		HttpConnectProxy second = tlsProxy("127.0.0.92");
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", first.url(), second.url()))
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				assertThatExceptionOfType(WebClientRequestException.class)
					.isThrownBy(() -> whoami(client, this.target))
					.havingCause()
					.isInstanceOfSatisfying(ProxyConnectFailedException.class, (failure) -> {
						assertThat(failure.failures()).hasSize(2)
							.allSatisfy((tried) -> assertThat(tried).startsWith("https://***@127.0.0.1:")
								.contains("SSLHandshakeException"));
						assertThat(failure).hasMessageNotContaining(PASSWORD);
					});
			});
	}

	@Test
	void aProxyWhoseAddressItsCertificateDoesNotNameIsNotTrusted() {
		// the certificate names 127.0.0.1 to 127.0.0.32, not this address
		HttpConnectProxy misnamed = HttpConnectProxy.builder()
			.tls()
			.bindAddress("127.0.0.33")
			.egressAddress("127.0.0.91")
			.credentials("feed", PASSWORD)
			.start();
		this.proxies.add(misnamed);
		HttpConnectProxy named = tlsProxy("127.0.0.92");
		run(pool(misnamed, named), (context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			for (int i = 0; i < 4; i++) {
				assertThat(whoami(client, this.target)).isEqualTo("127.0.0.92");
			}
			assertThat(breaker(context, member(context, 0)).getMetrics().getNumberOfFailedCalls()).isPositive();
			assertThat(misnamed.tunnels()).isZero();
			// two failures open its breaker: half-open would clear the count asserted
		}, "cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1m");
	}

	/**
	 * An {@code https} target behind an {@code https} member that refuses the tunnel, or
	 * stalls once it is up: the POST goes through the other member, since nothing of it
	 * reached the exchange (the proxy's TLS handshake is not the exchange's), and reaches the
	 * exchange once.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "STATUS_407", "STATUS_500", "RESET", "STALL" })
	void aPostToAnHttpsTargetThroughAnHttpsMemberThatRefusesTheTunnelGoesThroughTheOther(String faultName)
			throws ReflectiveOperationException {
		HttpConnectProxy refusing = tlsProxy("127.0.0.91");
		refusing.fault((Fault) Fault.class.getField(faultName).get(null));
		HttpConnectProxy working = tlsProxy("127.0.0.92");
		// a stalling member costs both timeouts, which the working member's handshakes have to beat
		run(pool(refusing, working), (context) -> {
			WebClient client = TransportTestSupport.trustingTlsTarget(context);
			for (int i = 0; i < 4; i++) {
				assertThat(client.post()
					.uri(this.tlsTarget.baseUrl() + "/echo")
					.bodyValue("order-" + i)
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(5))).isEqualTo("order-" + i);
			}
			assertThat(this.tlsTarget.requestsByPeer()).containsOnly(Map.entry("127.0.0.92", 4));
			assertThat(breaker(context, member(context, 0)).getMetrics().getNumberOfFailedCalls()).isPositive();
		}, "cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1m",
				TransportTestSupport.HUNG_HANDSHAKE_TIMEOUT, "cryptofeed.proxy.tls-handshake-timeout=500ms");
	}

	@Test
	void aProxyThatNeverAnswersTheTlsHandshakeCostsTheHandshakeTimeoutAndIsSkipped() {
		HttpConnectProxy frozen = tlsProxy("127.0.0.91");
		frozen.fault(Fault.FREEZE);
		HttpConnectProxy working = tlsProxy("127.0.0.92");
		run(pool(frozen, working), (context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			for (int i = 0; i < 4; i++) {
				// each block is far shorter than Netty's own 10 s TLS handshake timeout
				assertThat(whoami(client, this.target)).isEqualTo("127.0.0.92");
			}
			assertThat(breaker(context, member(context, 0)).getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(frozen.accepted()).isPositive();
		}, TransportTestSupport.HUNG_HANDSHAKE_TIMEOUT, "cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1m");
	}

	@Test
	void webSocketSessionsOpenThroughHttpsMembersToWsAndWssTargets() {
		HttpConnectProxy first = tlsProxy("127.0.0.91");
		HttpConnectProxy second = tlsProxy("127.0.0.92");
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.websocket", first.url(), second.url()))
			.withPropertyValues(TRUSTING_PROXIES)
			.run((context) -> {
				// ws:// through the auto-configured client
				assertSessionsSpreadOverBothMembers(context.getBean(WebSocketClient.class), this.target);
				// wss://, TLS in TLS, through the pools' WebSocket client on an HttpClient that trusts
				// the target, as an application builds it
				ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
				WebSocketClient trustingTarget = new ProxyPoolWebSocketClient(clients, clients.newHttpClient()
					.secure((spec) -> spec.sslContext(TargetServer.trustingClientSslContext())));
				assertThat(this.tlsTarget.wsUrl()).startsWith("wss://");
				assertSessionsSpreadOverBothMembers(trustingTarget, this.tlsTarget);
			});
	}

	private static void assertSessionsSpreadOverBothMembers(WebSocketClient sockets, TargetServer target) {
		List<String> frames = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			frames.add(WebSocketFrames.firstFrame(sockets, URI.create(target.wsUrl()), Duration.ofSeconds(5)));
		}
		assertThat(frames).containsOnly("peer=127.0.0.91", "peer=127.0.0.92");
		assertThat(frames.stream().distinct()).hasSize(2);
	}

	@Test
	void healthChecksGreetHttpsMembersOverTlsWithTheBundlesTrust() {
		HttpConnectProxy trusted = tlsProxy("127.0.0.91");
		// the same kind of proxy, checked without the bundle: its certificate fails the check
		HttpConnectProxy untrusted = tlsProxy("127.0.0.92");
		String check = "cryptofeed.proxy.default.http.health-check.";
		// the trusted member has to pass each check within the timeout: nothing waits for it
		String[] checkedSoon = { check + "interval=1s", check + "timeout=900ms", check + "retry-count=1",
				check + "unhealthy-threshold=1" };
		TransportTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(ProxyPoolHealthAutoConfiguration.class))
			.withPropertyValues(pool(trusted))
			.withPropertyValues(TRUSTING_PROXIES)
			.withPropertyValues(checkedSoon)
			.run((context) -> {
				await().atMost(Duration.ofSeconds(10)).until(() -> trusted.accepted() >= 2);
				assertThat(member(context, 0).isSetAsideFor(Unavailability.UNHEALTHY)).isFalse();
			});
		TransportTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(ProxyPoolHealthAutoConfiguration.class))
			.withPropertyValues(pool(untrusted))
			.withPropertyValues(checkedSoon)
			.run((context) -> await().atMost(Duration.ofSeconds(10))
				.until(() -> member(context, 0).isSetAsideFor(Unavailability.UNHEALTHY)));
		assertThat(trusted.tunnels() + untrusted.tunnels()).isZero();
	}

	@Test
	void aReloadedBundleAppliesToTheNextConnectionAndAMissingOneIsRejected(CapturedOutput output) {
		HttpConnectProxy proxy = tlsProxy("127.0.0.91");
		Map<String, Object> reloadable = new LinkedHashMap<>();
		reloadable.put("cryptofeed.proxy.default.http.url", proxy.url());
		TransportTestSupport.reloadableRunner(reloadable)
			.withPropertyValues(TRUSTING_PROXIES[0])
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				// started without the bundle: the JDK's authorities did not sign the proxy's certificate
				assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoami(client, this.target))
					.withMessageContaining("SSLHandshakeException");
				reloadable.put("cryptofeed.proxy.proxy-tls.bundle", "proxies");
				context.publishEvent(new EnvironmentChangeEvent(context, reloadable.keySet()));
				assertThat(whoami(client, this.target)).isEqualTo("127.0.0.91");

				reloadable.put("cryptofeed.proxy.proxy-tls.bundle", "nowhere");
				context.publishEvent(new EnvironmentChangeEvent(context, reloadable.keySet()));
				assertThat(output).contains("proxy config reload rejected", "cryptofeed.proxy.proxy-tls.bundle");
				// the running TLS settings stay: a new connection (to another target) is trusted as before
				assertThat(whoami(TransportTestSupport.trustingTlsTarget(context), this.tlsTarget))
					.isEqualTo("127.0.0.91");
				assertThat(proxy.tunnels()).isEqualTo(2);
			});
	}

	@Test
	void anUpdatedBundleAppliesToTheNextConnectionWithoutARestart(CapturedOutput output) {
		HttpConnectProxy proxy = tlsProxy("127.0.0.91");
		TransportTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(ProxyPoolReloadAutoConfiguration.class))
			// the bundle first trusts another authority (the TLS target's), as before a provider's rotation
			.withPropertyValues("spring.ssl.bundle.pem.proxies.truststore.certificate=classpath:"
					+ TargetServer.CERTIFICATE, "cryptofeed.proxy.proxy-tls.bundle=proxies",
					"cryptofeed.proxy.default.http.url=" + proxy.url())
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoami(client, this.target))
					.withMessageContaining("SSLHandshakeException");
				// what Boot does when reload-on-update sees the bundle's files change
				SslBundle rotated = SslBundle.of(new PemSslStoreBundle(null,
						PemSslStoreDetails.forCertificate("classpath:" + ProxyCertificate.CERTIFICATE)));
				context.getBean(SslBundleRegistry.class).updateBundle("proxies", rotated);
				assertThat(output).contains("proxy config reload: SSL bundle 'proxies'", "proxy config reload applied");
				assertThat(whoami(client, this.target)).isEqualTo("127.0.0.91");
			});
	}

	@Test
	void aBundleThatDoesNotExistFailsStartUpNamingTheProperty() {
		TransportTestSupport.runner()
			.withPropertyValues("cryptofeed.proxy.default.http.url=https://feed:" + PASSWORD + "@127.0.0.1:8443",
					"cryptofeed.proxy.proxy-tls.bundle=corporate-proxies")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("cryptofeed.proxy.proxy-tls.bundle")
				.hasMessageContaining("there is no SSL bundle named 'corporate-proxies'")
				.hasMessageContaining("spring.ssl.bundle.pem.corporate-proxies")
				.hasMessageNotContaining(PASSWORD));
	}

	private HttpConnectProxy tlsProxy(String egress) {
		HttpConnectProxy proxy = HttpConnectProxy.builder()
			.tls()
			.bindAddress("127.0.0.1")
			.egressAddress(egress)
			.credentials("feed", PASSWORD)
			.start();
		this.proxies.add(proxy);
		return proxy;
	}

	private static String[] pool(HttpConnectProxy... members) {
		return pool(Arrays.stream(members).map(HttpConnectProxy::url).toArray(String[]::new));
	}

	private static String[] pool(String... urls) {
		return TransportTestSupport.pool("default.http", urls);
	}

	private static String basicCredentials() {
		return Base64.getEncoder().encodeToString(("feed:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
	}

	private void run(String[] pool, ContextConsumer<AssertableApplicationContext> test, String... more) {
		TransportTestSupport.runner()
			.withPropertyValues(pool)
			.withPropertyValues(TRUSTING_PROXIES)
			.withPropertyValues(more)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				test.accept(context);
			});
	}

	private static String whoami(WebClient client, TargetServer target) {
		return client.get()
			.uri(target.baseUrl() + "/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(5));
	}

	private static PoolMember member(AssertableApplicationContext context, int index) {
		return context.getBean(ProxyPools.class)
			.pools()
			.get(PoolKey.ofDefault(ConnectionType.HTTP))
			.members()
			.get(index);
	}

	private static CircuitBreaker breaker(AssertableApplicationContext context, PoolMember member) {
		return context.getBean(MemberCircuitBreakers.class).breakerOf(member);
	}

	/**
	 * A TCP relay in front of a proxy on {@code 127.0.0.1} that keeps what the client sent: what
	 * anyone on the network between the application and its proxy could read.
	 */
	private static final class Tap implements AutoCloseable {

		private final ServerSocket listener;

		private final int proxyPort;

		private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

		private final ExecutorService threads = Executors.newCachedThreadPool();

		private final Set<Socket> open = ConcurrentHashMap.newKeySet();

		Tap(int proxyPort) throws IOException {
			this.proxyPort = proxyPort;
			this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
			this.threads.execute(this::accept);
		}

		/** The proxy's URL through the tap, with the test's credentials. */
		String url(String scheme) {
			return scheme + "://feed:" + PASSWORD + "@127.0.0.1:" + this.listener.getLocalPort();
		}

		/** What clients sent so far; the proxy has read it all once it answered. */
		byte[] sent() {
			synchronized (this.sent) {
				return this.sent.toByteArray();
			}
		}

		private void accept() {
			while (!this.listener.isClosed()) {
				try {
					Socket client = this.listener.accept();
					this.open.add(client);
					Socket proxy = new Socket("127.0.0.1", this.proxyPort);
					this.open.add(proxy);
					this.threads.execute(() -> copy(client, proxy, true));
					this.threads.execute(() -> copy(proxy, client, false));
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void copy(Socket from, Socket to, boolean record) {
			byte[] buffer = new byte[8192];
			try (InputStream input = from.getInputStream(); OutputStream output = to.getOutputStream()) {
				int read;
				while ((read = input.read(buffer)) != -1) {
					if (record) {
						synchronized (this.sent) {
							this.sent.write(buffer, 0, read);
						}
					}
					output.write(buffer, 0, read);
					output.flush();
				}
			}
			catch (IOException ex) {
				// either side closed: the other follows
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}

		private static void closeQuietly(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing is best effort
			}
		}

		/** Stops listening and closes every relayed connection, which ends the copying threads. */
		@Override
		public void close() throws IOException {
			this.listener.close();
			this.open.forEach(Tap::closeQuietly);
			this.threads.shutdown();
		}

	}

}
