package io.cryptofeed.proxy.testkit;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import io.cryptofeed.proxy.testkit.support.HttpResponse;
import io.cryptofeed.proxy.testkit.support.ProxyClient;
import io.cryptofeed.proxy.testkit.support.Threads;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class FaultTests {

	private static final int SHORT_TIMEOUT_MILLIS = 300;

	@RegisterExtension
	static final TestProxiesExtension proxies = new TestProxiesExtension();

	private static TargetServer target;

	@BeforeAll
	static void startTarget() {
		target = TargetServer.start("127.0.0.1");
	}

	@AfterAll
	static void stopTarget() {
		target.close();
	}

	@ParameterizedTest
	@EnumSource(ProxyKind.class)
	void refuseClosesTheListenerAndNoneReopensTheSamePort(ProxyKind kind) throws IOException {
		TestProxy proxy = kind.start(proxies);
		int port = proxy.port();

		proxy.fault(Fault.REFUSE);

		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> ProxyClient.open(proxy.host(), port));
		proxy.fault(Fault.NONE);
		assertThat(proxy.port()).isEqualTo(port);
		assertThat(kind.whoami(proxy, target)).isEqualTo("127.0.0.1");
	}

	@ParameterizedTest
	@EnumSource(ProxyKind.class)
	void refuseKeepsOpenTunnelsAndTheSamePortIsReboundBesideThem(ProxyKind kind) throws IOException {
		TestProxy proxy = kind.start(proxies);

		try (Socket tunnel = kind.tunnel(proxy, target)) {
			proxy.fault(Fault.REFUSE);
			assertThatExceptionOfType(ConnectException.class)
				.isThrownBy(() -> ProxyClient.open(proxy.host(), proxy.port()));
			proxy.fault(Fault.NONE);

			assertThat(kind.whoami(proxy, target)).isEqualTo("127.0.0.1");
			assertThat(ProxyClient.get(tunnel, target.host(), target.port(), "/whoami").bodyText())
				.isEqualTo("127.0.0.1");
		}
		assertThat(proxy.tunnels()).isEqualTo(2);
	}

	@ParameterizedTest
	@CsvSource({ "HTTP, REFUSE", "HTTP, CRASH", "SOCKS5, REFUSE", "SOCKS5, CRASH" })
	void refuseOrCrashCanBeTheInitialFault(ProxyKind kind, String down) throws IOException {
		TestProxy proxy = kind.builder(proxies).fault(listenerDown(down)).start();

		assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> ProxyClient.open(proxy.host(), proxy.port()));
		proxy.fault(Fault.NONE);
		assertThat(kind.whoami(proxy, target)).isEqualTo("127.0.0.1");
		assertThat(proxy.accepted()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(ProxyKind.class)
	void crashResetsEveryOpenConnectionAndRefusesUntilTheProxyComesBackOnTheSamePort(ProxyKind kind)
			throws IOException {
		TestProxy proxy = kind.start(proxies);
		int port = proxy.port();

		try (Socket tunnel = kind.tunnel(proxy, target); Socket handshaking = ProxyClient.open(proxy.host(), port)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> proxy.accepted() == 2);
			proxy.fault(Fault.CRASH);

			assertThat(proxy.fault()).isEqualTo(Fault.CRASH);
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> ProxyClient.read(tunnel))
				.withMessageContaining("reset");
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> ProxyClient.read(handshaking))
				.withMessageContaining("reset");
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> ProxyClient.open(proxy.host(), port));
		}

		proxy.fault(Fault.NONE);

		assertThat(proxy.port()).isEqualTo(port);
		assertThat(kind.whoami(proxy, target)).isEqualTo("127.0.0.1");
		// the counters go on across the crash; the refused connect counts nothing
		assertThat(proxy.tunnels()).isEqualTo(2);
		assertThat(proxy.accepted()).isEqualTo(3);
	}

	@ParameterizedTest
	@EnumSource(ProxyKind.class)
	void crashResetsTunnelsHeldByAFreeze(ProxyKind kind) throws IOException {
		TestProxy proxy = kind.start(proxies);

		try (Socket tunnel = kind.tunnel(proxy, target)) {
			proxy.fault(Fault.FREEZE);
			proxy.fault(Fault.CRASH);

			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> ProxyClient.read(tunnel))
				.withMessageContaining("reset");
		}
		proxy.fault(Fault.NONE);
		assertThat(kind.whoami(proxy, target)).isEqualTo("127.0.0.1");
	}

	@Test
	void aHandshakeCutByACrashCountsNoTunnelAndLeavesNoConnectionToTheTarget() throws IOException {
		HttpConnectProxy proxy = proxies.httpBuilder().fault(Fault.HOLD).start();
		String prefix = TestProxy.THREAD_NAME_PREFIX + "http-" + proxy.port() + "-";

		try (ServerSocket lateTarget = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
				Socket client = ProxyClient.open(proxy.host(), proxy.port())) {
			lateTarget.setSoTimeout(ProxyClient.READ_TIMEOUT_MILLIS);
			String authority = "127.0.0.1:" + lateTarget.getLocalPort();
			client.getOutputStream()
				.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			await().atMost(Duration.ofSeconds(5)).until(() -> Threads.inMethod(prefix, "awaitRelease"));

			proxy.fault(Fault.CRASH);

			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> ProxyClient.read(client))
				.withMessageContaining("reset");
			// the held handshake still connects the target, and then finds its client gone
			try (Socket fromProxy = lateTarget.accept()) {
				fromProxy.setSoTimeout(ProxyClient.READ_TIMEOUT_MILLIS);
				assertThat(fromProxy.getInputStream().read()).isEqualTo(-1);
			}
		}
		assertThat(proxy.tunnels()).isZero();
	}

	@ParameterizedTest
	@CsvSource({ "HTTP, REFUSE", "HTTP, CRASH", "SOCKS5, REFUSE", "SOCKS5, CRASH" })
	void aPortTakenWhileTheProxyWasDownFailsItsComebackWithWhatToDo(ProxyKind kind, String down)
			throws IOException {
		Fault fault = listenerDown(down);
		TestProxy proxy = kind.builder(proxies).credentials("alice", "s3cret").start();
		String address = proxy.host() + ":" + proxy.port();
		proxy.fault(fault);

		try (ServerSocket taker = new ServerSocket(proxy.port(), 1, InetAddress.getByName(proxy.host()))) {
			assertThatIllegalStateException().isThrownBy(() -> proxy.fault(Fault.NONE))
				.withMessageStartingWith(proxy.toString())
				.withMessageContaining("cannot take its port " + address + " back: another socket took it while the"
						+ " proxy was down")
				.withMessageContaining("The proxy stays " + down + ": close that socket and switch the fault again")
				.withMessageContaining("fixed port outside the ephemeral range")
				.withMessageNotContaining("s3cret")
				.withCauseInstanceOf(BindException.class);
			assertThat(proxy.fault()).isEqualTo(fault);
		}

		proxy.fault(Fault.NONE);
		ProxyClient.open(proxy.host(), proxy.port()).close();
		await().atMost(Duration.ofSeconds(5)).until(() -> proxy.accepted() == 1);
	}

	@ParameterizedTest
	@EnumSource(ProxyKind.class)
	void hangAcceptsButNeverAnswers(ProxyKind kind) throws IOException {
		TestProxy proxy = kind.start(proxies);
		proxy.fault(Fault.HANG);

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			kind.sendOpening(socket, target);
			socket.setSoTimeout(SHORT_TIMEOUT_MILLIS);

			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> ProxyClient.read(socket));
			await().atMost(Duration.ofSeconds(5)).until(() -> proxy.accepted() == 1);
			proxy.fault(Fault.NONE);
			assertThat(kind.whoami(proxy, target)).isEqualTo("127.0.0.1");
			assertThat(proxy.tunnels()).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@EnumSource(ProxyKind.class)
	void stallOpensTheTunnelThenCarriesNothing(ProxyKind kind) throws IOException {
		TestProxy proxy = kind.start(proxies);
		proxy.fault(Fault.STALL);
		target.resetCounters();

		try (Socket tunnel = kind.tunnel(proxy, target)) {
			tunnel.setSoTimeout(SHORT_TIMEOUT_MILLIS);
			assertThatExceptionOfType(SocketTimeoutException.class)
				.isThrownBy(() -> ProxyClient.get(tunnel, target.host(), target.port(), "/whoami"));
		}
		assertThat(proxy.tunnels()).isEqualTo(1);
		assertThat(target.requestsByPeer()).isEmpty();
		proxy.fault(Fault.NONE);
		assertThat(kind.whoami(proxy, target)).isEqualTo("127.0.0.1");
	}

	@ParameterizedTest
	@EnumSource(ProxyKind.class)
	void freezeHoldsOpenTunnelsAndNewConnectionsUntilTheProxyThaws(ProxyKind kind) throws IOException {
		TestProxy proxy = kind.start(proxies);

		try (Socket tunnel = kind.tunnel(proxy, target)) {
			proxy.fault(Fault.FREEZE);
			target.resetCounters();
			tunnel.setSoTimeout(SHORT_TIMEOUT_MILLIS);
			assertThatExceptionOfType(SocketTimeoutException.class)
				.isThrownBy(() -> ProxyClient.get(tunnel, target.host(), target.port(), "/whoami"));
			assertThat(target.requestsByPeer()).isEmpty();
			try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
				kind.sendOpening(socket, target);
				socket.setSoTimeout(SHORT_TIMEOUT_MILLIS);
				assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> ProxyClient.read(socket));
			}
			// a frozen proxy reads nothing: the new connection's target is not among those asked for
			assertThat(proxy.requestedTargets()).hasSize(1);

			proxy.fault(Fault.NONE);
			// the request the freeze held reaches the target, and its answer comes back
			tunnel.setSoTimeout(5_000);
			assertThat(ProxyClient.readResponse(tunnel).bodyText()).isEqualTo("127.0.0.1");
		}
		assertThat(proxy.tunnels()).isEqualTo(1);
		assertThat(kind.whoami(proxy, target)).isEqualTo("127.0.0.1");
	}

	@ParameterizedTest
	@EnumSource(ProxyKind.class)
	void delayHoldsTheAnswerBack(ProxyKind kind) throws IOException {
		Duration delay = Duration.ofMillis(400);
		TestProxy proxy = kind.start(proxies);
		proxy.fault(Fault.delay(delay));

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			long start = System.nanoTime();
			kind.sendOpening(socket, target);

			assertThat(ProxyClient.read(socket)).isNotEqualTo(-1);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(delay);
		}
		assertThat(kind.whoami(proxy, target)).isEqualTo("127.0.0.1");
		proxy.fault(Fault.NONE);
		assertThat(kind.whoami(proxy, target)).isEqualTo("127.0.0.1");
	}

	@ParameterizedTest
	@EnumSource(ProxyKind.class)
	void holdAnswersOnlyOnceTheProxyGetsAnotherFaultThenAsWithNone(ProxyKind kind) throws IOException {
		TestProxy proxy = kind.start(proxies);
		String prefix = TestProxy.THREAD_NAME_PREFIX + kind.name().toLowerCase(Locale.ROOT) + "-" + proxy.port() + "-";
		proxy.fault(Fault.HOLD);

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			kind.sendOpening(socket, target);
			await().atMost(Duration.ofSeconds(5)).until(() -> Threads.inMethod(prefix, "awaitRelease"));
			assertThat(socket.getInputStream().available()).isZero();

			// released by a fault that answers nothing, and answered all the same
			proxy.fault(Fault.HANG);

			assertThat(ProxyClient.read(socket)).isNotEqualTo(-1);
		}
		proxy.fault(Fault.NONE);
		assertThat(kind.whoami(proxy, target)).isEqualTo("127.0.0.1");
	}

	@ParameterizedTest
	@EnumSource(ProxyKind.class)
	void resetAbortsTheHandshakeWithRst(ProxyKind kind) throws IOException {
		TestProxy proxy = kind.start(proxies);
		proxy.fault(Fault.RESET);

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			kind.sendOpening(socket, target);

			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> ProxyClient.read(socket))
				.withMessageContaining("reset");
		}
		assertThat(proxy.tunnels()).isZero();
		proxy.fault(Fault.NONE);
		assertThat(kind.whoami(proxy, target)).isEqualTo("127.0.0.1");
	}

	@ParameterizedTest
	@EnumSource(ProxyKind.class)
	void faultAppliesToNewConnectionsOnly(ProxyKind kind) throws IOException {
		TestProxy proxy = kind.start(proxies);

		try (Socket tunnel = kind.tunnel(proxy, target)) {
			proxy.fault(Fault.HANG);
			HttpResponse response = ProxyClient.get(tunnel, target.host(), target.port(), "/whoami");

			assertThat(response.bodyText()).isEqualTo("127.0.0.1");
		}
		assertThat(proxy.fault()).isEqualTo(Fault.HANG);
	}

	@Test
	void status407AnswersConnect() throws IOException {
		HttpConnectProxy proxy = proxies.http();
		proxy.fault(Fault.STATUS_407);

		HttpResponse response = connect(proxy);

		assertThat(response.status()).isEqualTo(407);
		assertThat(response.header("Proxy-Authenticate")).startsWith("Basic ");
		// the client asked for its target; the proxy opened no tunnel to it
		assertThat(proxy.requestedTargets()).containsExactly(target.host() + ":" + target.port());
		assertThat(proxy.tunnels()).isZero();
		proxy.fault(Fault.NONE);
		assertThat(connect(proxy).status()).isEqualTo(200);
	}

	@Test
	void status500AnswersConnect() throws IOException {
		HttpConnectProxy proxy = proxies.http();
		proxy.fault(Fault.STATUS_500);

		assertThat(connect(proxy).status()).isEqualTo(500);
		assertThat(proxy.tunnels()).isZero();
		assertThat(proxy.requestedTargets()).containsExactly(target.host() + ":" + target.port());
		proxy.fault(Fault.NONE);
		assertThat(connect(proxy).status()).isEqualTo(200);
		assertThat(proxy.tunnels()).isEqualTo(1);
	}

	@Test
	void authFailRejectsEvenTheRightCredentials() throws IOException {
		Socks5Proxy proxy = proxies.socks5("alice", "s3cret");
		proxy.fault(Fault.AUTH_FAIL);

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			assertThat(ProxyClient.socks5Greeting(socket, 0x02)).isEqualTo(0x02);
			assertThat(ProxyClient.socks5Authenticate(socket, "alice", "s3cret")).isEqualTo(0x01);
			assertThat(ProxyClient.read(socket)).isEqualTo(-1);
		}
		proxy.fault(Fault.NONE);
		assertThat(ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), target.host(), target.port(), "alice",
				"s3cret"))
			.isEqualTo("127.0.0.1");
	}

	@Test
	void authFailWithoutAUsernamePasswordOfferSelectsNoMethod() throws IOException {
		Socks5Proxy proxy = proxies.socks5();
		proxy.fault(Fault.AUTH_FAIL);

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			assertThat(ProxyClient.socks5Greeting(socket, 0x00)).isEqualTo(0xFF);
		}
	}

	@Test
	void delayMustNotBeNegative() {
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.delay(Duration.ofMillis(-1)));
		assertThat(Fault.delay(Duration.ofSeconds(1))).isEqualTo(Fault.delay(Duration.ofMillis(1000)))
			.hasToString("DELAY(PT1S)");
		assertThat(Fault.HANG.delay()).isZero();
	}

	private static HttpResponse connect(HttpConnectProxy proxy) throws IOException {
		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			return ProxyClient.sendHttpRequestHead(socket, "CONNECT", target.host() + ":" + target.port(), null, null);
		}
	}

	/** The two faults that take a proxy's listener down. */
	private static Fault listenerDown(String name) {
		return "CRASH".equals(name) ? Fault.CRASH : Fault.REFUSE;
	}

}
