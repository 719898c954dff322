package io.cryptofeed.proxy.health.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyScheme;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxiesExtension;
import io.cryptofeed.proxy.testkit.TestProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.netty.http.HttpResources;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The tcp probe against the test kit's in-JVM proxies, which fail on demand, and scripted servers. */
class GreetingProbeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

	/** How long a check with {@link #SHORT_TIMEOUT} may take at most, on a slow machine. */
	private static final Duration SHORT_TIMEOUT_BOUND = Duration.ofSeconds(3);

	@RegisterExtension
	final TestProxiesExtension proxies = new TestProxiesExtension();

	private final HealthProbe probe = HealthProbes.tcp();

	/** The kit proxies the probe is tried against. */
	enum Kind {

		HTTP, HTTP_WITH_CREDENTIALS, SOCKS5, SOCKS5_WITH_CREDENTIALS;

		TestProxy start(TestProxiesExtension proxies) {
			return switch (this) {
				case HTTP -> proxies.http();
				case HTTP_WITH_CREDENTIALS -> proxies.http(Canary.USER, Canary.PASSWORD);
				case SOCKS5 -> proxies.socks5();
				case SOCKS5_WITH_CREDENTIALS -> proxies.socks5(Canary.USER, Canary.PASSWORD);
			};
		}

	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void healthyProxyPasses(Kind kind) {
		TestProxy proxy = kind.start(this.proxies);
		Duration took = this.probe.check(ProxyEndpoint.parse(proxy.url()), TIMEOUT).block(Duration.ofSeconds(5));
		assertThat(took).isPositive().isLessThan(TIMEOUT);
		assertThat(proxy.accepted()).isEqualTo(1);
		assertThat(proxy.tunnels()).isZero();
	}

	/**
	 * A probe an application builds outlives Reactor Netty's shared loops, which an
	 * application context that closes disposes (another context of the same JVM, a test's):
	 * it greets on the loops there are at each check, not on those there were when it was built.
	 */
	@Test
	void aProbeKeepsCheckingAfterTheSharedLoopsWereDisposed() {
		HttpConnectProxy proxy = this.proxies.http();
		ProxyEndpoint endpoint = ProxyEndpoint.parse(proxy.url());
		assertThat(this.probe.check(endpoint, TIMEOUT).block(Duration.ofSeconds(5))).isPositive();
		HttpResources.disposeLoopsAndConnections();
		assertThat(this.probe.check(endpoint, TIMEOUT).block(Duration.ofSeconds(5))).isPositive();
		assertThat(proxy.accepted()).isEqualTo(2);
	}

	@Test
	void healthyProxyAnswersEveryCheck() {
		Socks5Proxy proxy = this.proxies.socks5(Canary.USER, Canary.PASSWORD);
		ProxyEndpoint endpoint = ProxyEndpoint.parse(proxy.url());
		for (int i = 0; i < 20; i++) {
			assertThat(this.probe.check(endpoint, TIMEOUT).block(Duration.ofSeconds(5))).isPositive();
		}
		assertThat(proxy.accepted()).isEqualTo(20);
	}

	@Test
	void reportsHowLongTheGreetingTook() {
		HttpConnectProxy proxy = this.proxies.httpBuilder().fault(Fault.delay(Duration.ofMillis(200))).start();
		Duration took = this.probe.check(ProxyEndpoint.parse(proxy.url()), TIMEOUT).block(Duration.ofSeconds(5));
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(TIMEOUT);
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void refusedConnectionFails(Kind kind) {
		TestProxy proxy = kind.start(this.proxies);
		proxy.fault(Fault.REFUSE);
		ProbeFailedException failure = failure(proxy.url(), TIMEOUT);
		assertThat(failure).hasMessageStartingWith(masked(proxy) + " could not be connected: ")
			.hasMessageContaining("Connection refused");
		Canary.assertAbsent(failure);
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void hangingProxyFailsWithinTheTimeout(Kind kind) {
		TestProxy proxy = kind.start(this.proxies);
		proxy.fault(Fault.HANG);
		ProxyEndpoint endpoint = ProxyEndpoint.parse(proxy.url());
		Duration took = StepVerifier.create(this.probe.check(endpoint, SHORT_TIMEOUT))
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(ProbeFailedException.class)
					.hasMessage(masked(proxy) + " did not answer within 300ms");
				Canary.assertAbsent(error);
			})
			.verify(SHORT_TIMEOUT_BOUND);
		assertThat(took).isGreaterThanOrEqualTo(SHORT_TIMEOUT).isLessThan(SHORT_TIMEOUT_BOUND);
		assertThat(proxy.accepted()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void resetFails(Kind kind) {
		TestProxy proxy = kind.start(this.proxies);
		proxy.fault(Fault.RESET);
		ProbeFailedException failure = failure(proxy.url(), TIMEOUT);
		assertThat(failure.getMessage()).startsWith(masked(proxy) + " ")
			.containsAnyOf("Connection reset by peer", "closed the connection before completing the greeting");
		Canary.assertAbsent(failure);
	}

	@Test
	void status407WithCredentialsFails() {
		HttpConnectProxy proxy = this.proxies.http(Canary.USER, Canary.PASSWORD);
		proxy.fault(Fault.STATUS_407);
		ProbeFailedException failure = failure(proxy.url(), TIMEOUT);
		assertThat(failure).hasMessage(masked(proxy) + " rejected the credentials (HTTP 407)");
		Canary.assertAbsent(failure);
	}

	@Test
	void status407WithoutCredentialsFailsToo() {
		HttpConnectProxy proxy = this.proxies.http(Canary.USER, Canary.PASSWORD);
		String url = "http://" + proxy.host() + ":" + proxy.port();
		ProbeFailedException failure = failure(url, TIMEOUT);
		assertThat(failure).hasMessage(url + " requires credentials the member lacks (HTTP 407)");
	}

	@Test
	void status500ProvesTheProcessAlive() {
		HttpConnectProxy proxy = this.proxies.http(Canary.USER, Canary.PASSWORD);
		proxy.fault(Fault.STATUS_500);
		assertThat(this.probe.check(ProxyEndpoint.parse(proxy.url()), TIMEOUT).block(Duration.ofSeconds(5)))
			.isPositive();
	}

	@Test
	void socks5AuthenticationFailureFails() {
		Socks5Proxy proxy = this.proxies.socks5(Canary.USER, Canary.PASSWORD);
		proxy.fault(Fault.AUTH_FAIL);
		ProbeFailedException failure = failure(proxy.url(), TIMEOUT);
		assertThat(failure).hasMessage(masked(proxy) + " rejected the credentials (RFC 1929 status 0x01)");
		Canary.assertAbsent(failure);
	}

	@Test
	void wrongPasswordFailsAgainstHttpProxy() {
		HttpConnectProxy proxy = this.proxies.http(Canary.USER, "the-right-one");
		ProxyEndpoint endpoint = new ProxyEndpoint(ProxyScheme.HTTP, proxy.host(), proxy.port(), Canary.USER,
				Canary.PASSWORD);
		ProbeFailedException failure = failure(endpoint, TIMEOUT);
		assertThat(failure).hasMessage("http://***@127.0.0.1:" + proxy.port() + " rejected the credentials (HTTP 407)");
		Canary.assertAbsent(failure);
	}

	@Test
	void wrongPasswordFailsAgainstSocks5Proxy() {
		Socks5Proxy proxy = this.proxies.socks5(Canary.USER, "the-right-one");
		ProxyEndpoint endpoint = new ProxyEndpoint(ProxyScheme.SOCKS5, proxy.host(), proxy.port(), Canary.USER,
				Canary.PASSWORD);
		ProbeFailedException failure = failure(endpoint, TIMEOUT);
		assertThat(failure)
			.hasMessage("socks5://***@127.0.0.1:" + proxy.port() + " rejected the credentials (RFC 1929 status 0x01)");
		Canary.assertAbsent(failure);
	}

	@Test
	void missingCredentialsFailAgainstSocks5ProxyThatRequiresThem() {
		Socks5Proxy proxy = this.proxies.socks5(Canary.USER, Canary.PASSWORD);
		ProbeFailedException failure = failure("socks5://" + proxy.host() + ":" + proxy.port(), TIMEOUT);
		assertThat(failure).hasMessage("socks5://127.0.0.1:" + proxy.port()
				+ " accepts no SOCKS5 connection without authentication (no acceptable method)");
	}

	@Test
	void passwordNeverAppearsInWhatTheProbeShows() {
		assertThat(this.probe.toString()).doesNotContain(Canary.PASSWORD);
		HttpConnectProxy proxy = this.proxies.http(Canary.USER, Canary.PASSWORD);
		proxy.fault(Fault.STATUS_407);
		ProbeFailedException failure = failure(proxy.url(), TIMEOUT);
		Canary.assertAbsent(failure);
		assertThat(failure.toString()).doesNotContain(Canary.PASSWORD).contains("***@");
		assertThat(ProxyEndpoint.parse(proxy.url()).toString()).doesNotContain(Canary.PASSWORD);
	}

	@Test
	void proxyThatClosesWithoutAnsweringFails() throws Exception {
		try (StubServer server = StubServer.start((input, output) -> {
			StubServer.read(input, 3);
			throw new IOException("Closing without an answer");
		})) {
			ProbeFailedException failure = failure("socks5://127.0.0.1:" + server.port(), TIMEOUT);
			assertThat(failure).hasMessage(
					"socks5://127.0.0.1:" + server.port() + " closed the connection before completing the greeting");
		}
	}

	@Test
	void answerInAnotherProtocolFails() throws Exception {
		try (StubServer server = StubServer.start((input, output) -> {
			StubServer.readHead(input);
			output.write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
		})) {
			ProbeFailedException failure = failure("http://127.0.0.1:" + server.port(), TIMEOUT);
			assertThat(failure).hasMessage("http://127.0.0.1:" + server.port()
					+ " answered with something other than an HTTP status line: \"SSH-2.0-OpenSSH_9.2..\"");
		}
	}

	@Test
	void closesTheConnectionAfterTheGreeting() throws Exception {
		try (StubServer server = StubServer.start((input, output) -> {
			StubServer.read(input, 3);
			output.write(new byte[] { 0x05, 0x00 });
		})) {
			assertThat(this.probe.check(ProxyEndpoint.parse("socks5://127.0.0.1:" + server.port()), TIMEOUT)
				.block(Duration.ofSeconds(5))).isPositive();
			assertThat(server.awaitClosedByClient(5_000)).isTrue();
		}
	}

	@Test
	void socks4ReplyProvesTheProxyAlive() throws Exception {
		try (StubServer server = StubServer.start((input, output) -> {
			byte[] request = StubServer.read(input, 13);
			assertThat(request).containsExactly(0x04, 0x01, 0x00, 0x01, 127, 0, 0, 1, 'f', 'e', 'e', 'd', 0x00);
			output.write(new byte[] { 0x00, 0x5B, 0, 0, 0, 0, 0, 0 });
		})) {
			assertThat(this.probe.check(ProxyEndpoint.parse("socks4://feed@127.0.0.1:" + server.port()), TIMEOUT)
				.block(Duration.ofSeconds(5))).isPositive();
			assertThat(server.awaitClosedByClient(5_000)).isTrue();
		}
	}

	/** A SOCKS4 user id is the member's credential there: failures name the proxy without it. */
	@Test
	void socks4FailuresLeaveOutTheUserId() throws Exception {
		try (StubServer server = StubServer.start((input, output) -> {
			StubServer.read(input, 9 + Canary.PASSWORD.length());
			output.write(new byte[] { 0x05, 0x5B, 0, 0, 0, 0, 0, 0 });
		})) {
			ProbeFailedException wrongReply = failure("socks4://" + Canary.PASSWORD + "@127.0.0.1:" + server.port(),
					TIMEOUT);
			assertThat(wrongReply).hasMessageContaining("reply version 0x05");
			assertThat(wrongReply.getMessage()).doesNotContain(Canary.PASSWORD);
			Canary.assertAbsent(wrongReply);
		}
		try (StubServer silent = StubServer.start((input, output) -> StubServer.read(input, 9))) {
			ProbeFailedException timedOut = failure("socks4://" + Canary.PASSWORD + "@127.0.0.1:" + silent.port(),
					SHORT_TIMEOUT);
			assertThat(timedOut).hasMessageEndingWith(" did not answer within 300ms");
			Canary.assertAbsent(timedOut);
		}
	}

	@Test
	void plainTcpListenerThatNeverAnswersFails() throws Exception {
		// The point of the greeting: a listener that accepts TCP but never speaks is not a proxy
		try (StubServer server = StubServer.start((input, output) -> StubServer.read(input, 3))) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 1000);
				assertThat(socket.isConnected()).isTrue();
			}
			ProbeFailedException failure = failure("socks5://127.0.0.1:" + server.port(), SHORT_TIMEOUT);
			assertThat(failure).hasMessageEndingWith(" did not answer within 300ms");
		}
	}

	@Test
	void aConnectNobodyAnswersIsToldApartFromAProxyThatAcceptedAndNeverAnswered() throws Exception {
		// a full accept queue drops further SYNs, as a firewall or a host that is down does
		try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			List<Socket> queued = new ArrayList<>();
			try {
				while (queued.size() < 16) {
					Socket socket = new Socket();
					queued.add(socket);
					try {
						socket.connect(new InetSocketAddress("127.0.0.1", full.getLocalPort()), 200);
					}
					catch (SocketTimeoutException ex) {
						break;
					}
				}
				ProbeFailedException failure = failure("http://127.0.0.1:" + full.getLocalPort(), SHORT_TIMEOUT);
				assertThat(failure).hasMessage("http://127.0.0.1:" + full.getLocalPort()
						+ " could not be connected within 300ms (no answer to the TCP connect)");
			}
			finally {
				for (Socket socket : queued) {
					socket.close();
				}
			}
		}
	}

	@Test
	void hostNameIsResolved() {
		HttpConnectProxy proxy = this.proxies.http();
		assertThat(this.probe.check(ProxyEndpoint.parse("http://localhost:" + proxy.port()), TIMEOUT)
			.block(Duration.ofSeconds(5))).isPositive();
	}

	@Test
	void nothingHappensUntilSubscribed() {
		HttpConnectProxy proxy = this.proxies.http();
		this.probe.check(ProxyEndpoint.parse(proxy.url()), TIMEOUT);
		assertThat(proxy.accepted()).isZero();
	}

	private ProbeFailedException failure(String url, Duration timeout) {
		return failure(ProxyEndpoint.parse(url), timeout);
	}

	private ProbeFailedException failure(ProxyEndpoint endpoint, Duration timeout) {
		Throwable thrown = catchThrowable(() -> this.probe.check(endpoint, timeout).block(Duration.ofSeconds(10)));
		assertThat(thrown).isInstanceOf(ProbeFailedException.class);
		return (ProbeFailedException) thrown;
	}

	private static String masked(TestProxy proxy) {
		return ProxyEndpoint.parse(proxy.url()).toString();
	}

}
