package io.cryptofeed.proxy.health.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyScheme;
import io.cryptofeed.proxy.netty.ProxyTls;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.TestProxiesExtension;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The http probe: real GETs through the test kit's proxies to the kit's target server. */
@ExtendWith(OutputCaptureExtension.class)
class HttpThroughProxyProbeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

	private static final Duration SHORT_TIMEOUT_BOUND = Duration.ofSeconds(3);

	private static final IntPredicate SUCCESS = (status) -> status >= 200 && status < 300;

	private static TargetServer target;

	@RegisterExtension
	final TestProxiesExtension proxies = new TestProxiesExtension();

	/** The kit proxies, each leaving from its own loopback address. */
	enum Kind {

		HTTP, HTTP_WITH_CREDENTIALS, SOCKS5, SOCKS5_WITH_CREDENTIALS;

		TestProxy start(TestProxiesExtension proxies) {
			return switch (this) {
				case HTTP -> proxies.httpBuilder().egressAddress("127.0.0.21").start();
				case HTTP_WITH_CREDENTIALS -> proxies.httpBuilder()
					.egressAddress("127.0.0.21")
					.credentials(Canary.USER, Canary.PASSWORD)
					.start();
				case SOCKS5 -> proxies.socks5Builder().egressAddress("127.0.0.21").start();
				case SOCKS5_WITH_CREDENTIALS -> proxies.socks5Builder()
					.egressAddress("127.0.0.21")
					.credentials(Canary.USER, Canary.PASSWORD)
					.start();
			};
		}

	}

	@BeforeAll
	static void startTarget() {
		target = TargetServer.start("127.0.0.1");
	}

	@AfterAll
	static void stopTarget() {
		target.close();
	}

	@BeforeEach
	void resetTarget() {
		target.resetCounters();
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void expectedStatusThroughTheProxyPasses(Kind kind) {
		TestProxy proxy = kind.start(this.proxies);
		HealthProbe probe = HealthProbes.http(url("/status/200"), SUCCESS);
		assertThat(probe.check(ProxyEndpoint.parse(proxy.url()), TIMEOUT).block(Duration.ofSeconds(5))).isPositive()
			.isLessThan(TIMEOUT);
		assertThat(target.requestsByPeer()).containsExactly(Map.entry("127.0.0.21", 1));
		assertThat(proxy.tunnels()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(value = Kind.class, names = { "HTTP", "SOCKS5" })
	void theProxyIsAskedForTheCheckUrlsHostByNameAsTheApplicationsConnectionsAre(Kind kind) {
		TestProxy proxy = kind.start(this.proxies);
		String byName = "localhost:" + target.port();
		URI url = URI.create("http://" + byName + "/status/200");
		// the starter's probes run on event loops of their own, as ProbeResources makes them
		try (ProbeResources resources = ProbeResources.create("dns-test-probe", 1)) {
			HealthProbe probe = resources.http(url, SUCCESS, ProxyTls.systemDefault());
			assertThat(probe.check(ProxyEndpoint.parse(proxy.url()), TIMEOUT).block(Duration.ofSeconds(5))).isPositive();
		}
		// an address would mean a lookup on this host, which may not resolve what only the proxy's network does
		assertThat(proxy.requestedTargets()).containsExactly(byName);
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void unexpectedStatusFailsNamingIt(Kind kind) {
		TestProxy proxy = kind.start(this.proxies);
		HealthProbe probe = HealthProbes.http(url("/status/503"), SUCCESS);
		ProxyEndpoint endpoint = ProxyEndpoint.parse(proxy.url());
		ProbeFailedException failure = failure(probe, endpoint, TIMEOUT);
		assertThat(failure).hasMessage("GET " + target.baseUrl() + "/status/503 through " + endpoint
				+ " answered 503, which is not an expected status");
		Canary.assertAbsent(failure);
		assertThat(target.requestsByPeer()).containsExactly(Map.entry("127.0.0.21", 1));
	}

	@Test
	void expectedStatusIsTheCallersChoice() {
		TestProxy proxy = Kind.HTTP.start(this.proxies);
		HealthProbe probe = HealthProbes.http(url("/status/503"), (status) -> status == 503);
		assertThat(probe.check(ProxyEndpoint.parse(proxy.url()), TIMEOUT).block(Duration.ofSeconds(5))).isPositive();
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void refusingProxyFails(Kind kind) {
		TestProxy proxy = kind.start(this.proxies);
		proxy.fault(Fault.REFUSE);
		ProxyEndpoint endpoint = ProxyEndpoint.parse(proxy.url());
		ProbeFailedException failure = failure(HealthProbes.http(url("/status/200"), SUCCESS), endpoint, TIMEOUT);
		assertThat(failure)
			.hasMessageStartingWith("GET " + target.baseUrl() + "/status/200 through " + endpoint + " failed: ")
			.hasMessageContaining("Connection refused");
		Canary.assertAbsent(failure);
		assertThat(target.requestsByPeer()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void targetNobodyListensOnFailsThroughAWorkingProxy(Kind kind) throws IOException {
		TestProxy proxy = kind.start(this.proxies);
		ProxyEndpoint endpoint = ProxyEndpoint.parse(proxy.url());
		URI closed = URI.create("http://127.0.0.1:" + unusedPort() + "/status/200");
		ProbeFailedException failure = failure(HealthProbes.http(closed, SUCCESS), endpoint, TIMEOUT);
		assertThat(failure).hasMessageStartingWith("GET " + closed + " through " + endpoint + " failed: ");
		assertThat(failure.getMessage()).containsAnyOf("502 Bad Gateway", "CONNECTION_REFUSED");
		Canary.assertAbsent(failure);
		assertThat(proxy.accepted()).isEqualTo(1);
	}

	/**
	 * A proxy that never answers the handshake fails the check within its timeout, once: the
	 * handshake it abandons is not reported again by Reactor Netty as an error observed after
	 * the check ended, a WARN at each check of a hanging member.
	 */
	@ParameterizedTest
	@EnumSource(Kind.class)
	void hangingProxyFailsWithinTheTimeout(Kind kind, CapturedOutput output) {
		TestProxy proxy = kind.start(this.proxies);
		proxy.fault(Fault.HANG);
		ProxyEndpoint endpoint = ProxyEndpoint.parse(proxy.url());
		HealthProbe probe = HealthProbes.http(url("/status/200"), SUCCESS);
		Duration took = StepVerifier.create(probe.check(endpoint, SHORT_TIMEOUT))
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(ProbeFailedException.class).hasMessageStartingWith("GET ");
				Canary.assertAbsent(error);
			})
			.verify(SHORT_TIMEOUT_BOUND);
		assertThat(took).isLessThan(SHORT_TIMEOUT_BOUND);
		assertNoErrorLoggedAfterTheCheck(output);
	}

	/**
	 * A check the health checker disposes during the proxy handshake, as it does when it closes
	 * with the application or a reload stops checking the member, ends without a word: no
	 * Reactor Netty WARN at every shutdown that meets a check of a slow proxy.
	 */
	@ParameterizedTest
	@EnumSource(value = Kind.class, names = { "HTTP", "SOCKS5" })
	void aCheckDisposedDuringTheProxyHandshakeLogsNothing(Kind kind, CapturedOutput output) {
		TestProxy proxy = kind.start(this.proxies);
		proxy.fault(Fault.HANG);
		Disposable check = HealthProbes.http(url("/status/200"), SUCCESS)
			.check(ProxyEndpoint.parse(proxy.url()), TIMEOUT)
			.subscribe();
		await().atMost(Duration.ofSeconds(5)).until(() -> proxy.accepted() == 1);

		check.dispose();

		assertNoErrorLoggedAfterTheCheck(output);
	}

	/** Reactor Netty logs an error that reaches a connection whose subscriber has gone within milliseconds. */
	private static void assertNoErrorLoggedAfterTheCheck(CapturedOutput output) {
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(output.getAll()).doesNotContain("observed post termination"));
	}

	@Test
	void slowTargetFailsWithinTheTimeout() {
		TestProxy proxy = Kind.SOCKS5_WITH_CREDENTIALS.start(this.proxies);
		ProxyEndpoint endpoint = ProxyEndpoint.parse(proxy.url());
		// Its own target, so that the request it leaves behind is not counted by another test
		try (TargetServer slow = TargetServer.start("127.0.0.1")) {
			URI url = URI.create(slow.baseUrl() + "/delay/5000");
			Duration took = StepVerifier.create(HealthProbes.http(url, SUCCESS).check(endpoint, SHORT_TIMEOUT))
				.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(ProbeFailedException.class)
					.hasMessage("GET " + url + " through " + endpoint + " did not complete within 300ms"))
				.verify(SHORT_TIMEOUT_BOUND);
			assertThat(took).isLessThan(SHORT_TIMEOUT_BOUND);
		}
	}

	@ParameterizedTest
	@EnumSource(value = Kind.class, names = { "HTTP_WITH_CREDENTIALS", "SOCKS5_WITH_CREDENTIALS" })
	void wrongPasswordFails(Kind kind) {
		TestProxy proxy = kind.start(this.proxies);
		ProxyScheme scheme = (kind == Kind.HTTP_WITH_CREDENTIALS) ? ProxyScheme.HTTP : ProxyScheme.SOCKS5;
		ProxyEndpoint endpoint = new ProxyEndpoint(scheme, proxy.host(), proxy.port(), Canary.USER,
				Canary.PASSWORD + "-wrong");
		ProbeFailedException failure = failure(HealthProbes.http(url("/status/200"), SUCCESS), endpoint, TIMEOUT);
		assertThat(failure)
			.hasMessageStartingWith("GET " + target.baseUrl() + "/status/200 through " + endpoint + " failed: ");
		Canary.assertAbsent(failure);
		assertThat(target.requestsByPeer()).isEmpty();
	}

	@Test
	void everyCheckOpensItsOwnConnectionThroughTheProxy() {
		TestProxy proxy = Kind.HTTP_WITH_CREDENTIALS.start(this.proxies);
		HealthProbe probe = HealthProbes.http(url("/status/204"), SUCCESS);
		ProxyEndpoint endpoint = ProxyEndpoint.parse(proxy.url());
		for (int i = 0; i < 3; i++) {
			assertThat(probe.check(endpoint, TIMEOUT).block(Duration.ofSeconds(5))).isPositive();
		}
		assertThat(proxy.accepted()).isEqualTo(3);
		assertThat(proxy.tunnels()).isEqualTo(3);
		assertThat(target.requestsByPeer()).containsExactly(Map.entry("127.0.0.21", 3));
	}

	@Test
	void messagesLeaveOutUserInfoAndQueryOfTheUrl() {
		TestProxy proxy = Kind.HTTP.start(this.proxies);
		URI url = URI.create("http://someone:" + Canary.PASSWORD + "@127.0.0.1:" + target.port() + "/status/503?token="
				+ Canary.PASSWORD);
		HealthProbe probe = HealthProbes.http(url, SUCCESS);
		ProbeFailedException failure = failure(probe, ProxyEndpoint.parse(proxy.url()), TIMEOUT);
		assertThat(failure).hasMessageContaining("GET " + target.baseUrl() + "/status/503 through ")
			.hasMessageContaining("answered 503");
		Canary.assertAbsent(failure);
		assertThat(probe.toString()).isEqualTo("http (GET " + target.baseUrl() + "/status/503)");
	}

	/**
	 * Reactor Netty logs each request's URI at DEBUG ({@code HttpClientConnect}: "Handler is
	 * being applied: {uri=…}"): a check URL's query, which may hold an API key, must not be
	 * in it, yet still reach the target ({@code peer} names another address, so only a
	 * request that carries it gets 200).
	 */
	@Test
	void reactorNettysDebugLogLeavesOutTheQueryThatStillReachesTheTarget(CapturedOutput output) {
		TestProxy proxy = Kind.HTTP_WITH_CREDENTIALS.start(this.proxies);
		HealthProbe probe = HealthProbes.http(url("/status/503?peer=127.0.0.250&apikey=" + Canary.PASSWORD), SUCCESS);
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel("reactor.netty", LogLevel.TRACE);
		try {
			assertThat(probe.check(ProxyEndpoint.parse(proxy.url()), TIMEOUT).block(Duration.ofSeconds(5)))
				.isPositive();
		}
		finally {
			logging.setLogLevel("reactor.netty", null);
		}
		assertThat(output.getAll()).as("Reactor Netty logged the request")
			.contains("uri=" + target.baseUrl() + "/status/503")
			.doesNotContain(Canary.PASSWORD);
	}

	/**
	 * The request line carries the URL as written: a %-encoded '/' stays encoded, a '/' in the
	 * query stays as it is, and characters outside ASCII, which may not travel raw on a request
	 * line, go %-encoded in UTF-8, as a browser sends them.
	 */
	@Test
	void theRequestLineCarriesTheUrlAsWrittenWithCharactersOutsideAsciiEncoded() throws Exception {
		TestProxy proxy = Kind.HTTP.start(this.proxies);
		List<String> requestLines = new CopyOnWriteArrayList<>();
		try (StubServer origin = StubServer.start((input, output) -> {
			requestLines.add(StubServer.readHead(input).lines().findFirst().orElseThrow());
			output.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
				.getBytes(StandardCharsets.US_ASCII));
		})) {
			URI url = URI.create("http://127.0.0.1:" + origin.port()
					+ "/api/v3/a%2Fb/caf\u00e9?symbol=BTC/USDT&note=%20x&town=K\u00f6ln");
			HealthProbe probe = HealthProbes.http(url, SUCCESS);
			assertThat(probe.check(ProxyEndpoint.parse(proxy.url()), TIMEOUT).block(Duration.ofSeconds(5)))
				.isPositive();
		}
		assertThat(requestLines)
			.containsExactly("GET /api/v3/a%2Fb/caf%C3%A9?symbol=BTC/USDT&note=%20x&town=K%C3%B6ln HTTP/1.1");
	}

	@Test
	void rejectsUrlsItCannotGet() {
		assertThatIllegalArgumentException().isThrownBy(() -> HealthProbes.http(URI.create("/status/200"), SUCCESS));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HealthProbes.http(URI.create("ftp://127.0.0.1/status"), SUCCESS));
		assertThatIllegalArgumentException().isThrownBy(() -> HealthProbes.http(URI.create("http:///path"), SUCCESS));
	}

	@Test
	void nothingHappensUntilSubscribed() {
		TestProxy proxy = Kind.HTTP.start(this.proxies);
		HealthProbes.http(url("/status/200"), SUCCESS).check(ProxyEndpoint.parse(proxy.url()), TIMEOUT);
		assertThat(proxy.accepted()).isZero();
	}

	private static URI url(String path) {
		return URI.create(target.baseUrl() + path);
	}

	/** A loopback port nobody listened on a moment ago. */
	private static int unusedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
			return socket.getLocalPort();
		}
	}

	private static ProbeFailedException failure(HealthProbe probe, ProxyEndpoint endpoint, Duration timeout) {
		Throwable thrown = catchThrowable(() -> probe.check(endpoint, timeout).block(Duration.ofSeconds(10)));
		assertThat(thrown).isInstanceOf(ProbeFailedException.class);
		return (ProbeFailedException) thrown;
	}

}
