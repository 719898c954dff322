package io.cryptofeed.proxy.testkit;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;

import io.cryptofeed.proxy.testkit.support.Ports;
import io.cryptofeed.proxy.testkit.support.ProxyClient;
import io.cryptofeed.proxy.testkit.support.Threads;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class ProxyLifecycleTests {

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
	void toStringAndErrorsDoNotShowThePassword(ProxyKind kind) {
		TestProxy proxy = kind.builder(new TestProxiesExtension()).credentials("user", "s3cret").start();
		proxy.close();

		assertThat(proxy.url()).contains("s3cret");
		assertThat(proxy.toString()).doesNotContain("s3cret");
		assertThatIllegalStateException().isThrownBy(() -> proxy.fault(Fault.NONE))
			.withMessageNotContaining("s3cret");
	}

	@ParameterizedTest
	@EnumSource(ProxyKind.class)
	void closeStopsEveryThreadAndClosesEveryConnection(ProxyKind kind) throws IOException {
		List<String> kitThreadsBefore = Threads.named(TestProxy.THREAD_NAME_PREFIX);
		TestProxy proxy = kind.builder(new TestProxiesExtension()).start();
		String prefix = TestProxy.THREAD_NAME_PREFIX + kind.name().toLowerCase() + "-" + proxy.port() + "-";
		try (Socket tunnel = kind.tunnel(proxy, target); Socket hanging = ProxyClient.open(proxy.host(), proxy.port())) {
			proxy.fault(Fault.HANG);
			try (Socket hung = ProxyClient.open(proxy.host(), proxy.port())) {
				kind.sendOpening(hung, target);
				await().atMost(Duration.ofSeconds(5)).until(() -> proxy.accepted() == 3);
				assertThat(Threads.named(prefix)).isNotEmpty();

				proxy.close();

				assertThat(Threads.named(prefix)).isEmpty();
				assertThat(closedByPeer(tunnel)).isTrue();
				assertThat(closedByPeer(hung)).isTrue();
				assertThat(closedByPeer(hanging)).isTrue();
			}
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(Threads.named(TestProxy.THREAD_NAME_PREFIX)).isEqualTo(kitThreadsBefore));
		assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> ProxyClient.open(proxy.host(), proxy.port()));
	}

	@Test
	void closeOfARefusingProxyStopsEveryThread() {
		TestProxy proxy = Socks5Proxy.builder().start();
		String prefix = TestProxy.THREAD_NAME_PREFIX + "socks5-" + proxy.port() + "-";
		proxy.fault(Fault.REFUSE);

		proxy.close();

		await().atMost(Duration.ofSeconds(5)).until(() -> Threads.named(prefix).isEmpty());
	}

	@Test
	void closeIsIdempotentAndEndsFaultSwitching() {
		TestProxy proxy = HttpConnectProxy.builder().start();

		proxy.close();
		proxy.close();

		assertThatIllegalStateException().isThrownBy(() -> proxy.fault(Fault.NONE));
	}

	@Test
	void countersCanBeReset() throws IOException {
		try (TestProxy proxy = HttpConnectProxy.builder().start()) {
			ProxyClient.whoamiThroughHttp(proxy.host(), proxy.port(), target.host(), target.port(), null, null);
			assertThat(proxy.tunnels()).isEqualTo(1);
			assertThat(proxy.accepted()).isEqualTo(1);

			proxy.resetCounters();

			assertThat(proxy.tunnels()).isZero();
			assertThat(proxy.accepted()).isZero();
		}
	}

	@Test
	void fixedPortCanBeChosen() throws IOException {
		int port = Ports.closedPort();

		try (TestProxy proxy = Socks5Proxy.builder().port(port).start()) {
			assertThat(proxy.port()).isEqualTo(port);
			assertThat(ProxyClient.whoamiThroughSocks5(proxy.host(), port, target.host(), target.port(), null, null))
				.isEqualTo("127.0.0.1");
		}
	}

	@Test
	void targetServerCloseStopsItsThreads() throws IOException {
		TargetServer server = TargetServer.start("127.0.0.7");
		try (Socket socket = ProxyClient.open(server.host(), server.port())) {
			assertThat(ProxyClient.get(socket, server.host(), server.port(), "/whoami").status()).isEqualTo(200);
		}
		String prefix = TargetServer.THREAD_NAME_PREFIX + "127.0.0.7";
		assertThat(Threads.named(prefix)).isNotEmpty();

		server.close();

		await().atMost(Duration.ofSeconds(5)).until(() -> Threads.named(prefix).isEmpty());
	}

	/** Whether the peer closed the connection, gracefully or with a reset. */
	private static boolean closedByPeer(Socket socket) throws IOException {
		try {
			return ProxyClient.read(socket) == -1;
		}
		catch (SocketException ex) {
			return String.valueOf(ex.getMessage()).contains("reset");
		}
	}

}
