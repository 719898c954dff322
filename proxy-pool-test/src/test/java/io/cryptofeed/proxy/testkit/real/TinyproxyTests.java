package io.cryptofeed.proxy.testkit.real;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import io.cryptofeed.proxy.testkit.support.HttpResponse;
import io.cryptofeed.proxy.testkit.support.ProxyClient;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TinyproxyTests {

	private static TargetServer target;

	@BeforeAll
	static void startTarget() {
		target = TargetServer.start("127.0.0.1");
	}

	@AfterAll
	static void stopTarget() {
		target.close();
	}

	@Test
	void connectTunnelReachesTheTargetFromTheEgressAddress() throws IOException {
		try (Tinyproxy proxy = Tinyproxy.builder().bindAddress("127.0.0.21").egressAddress("127.0.0.22").start()) {
			assertThat(proxy.url()).isEqualTo("http://127.0.0.21:" + proxy.port());

			String peer = ProxyClient.whoamiThroughHttp(proxy.host(), proxy.port(), target.host(), target.port(), null,
					null);

			assertThat(peer).isEqualTo("127.0.0.22");
			RealProxyAssertions.assertCloseStopsEverything(proxy, RealProxies.TINYPROXY);
		}
	}

	/** A proxy on {@code ::1} reaches an IPv4 target as well, from the IPv4 loopback address. */
	@Test
	void onTheIpv6LoopbackItReachesAnIpv4TargetToo() throws IOException {
		try (Tinyproxy proxy = Tinyproxy.builder().bindAddress("::1").start()) {
			assertThat(ProxyClient.whoamiThroughHttp(proxy.host(), proxy.port(), target.host(), target.port(), null,
					null))
				.isEqualTo("127.0.0.1");
		}
	}

	@Test
	void cpuTimeCountsWhatRelayingCosts() {
		try (Tinyproxy proxy = Tinyproxy.builder().bindAddress("127.0.0.21").egressAddress("127.0.0.25").start()) {
			Duration before = proxy.cpuTime();

			RealProxyAssertions.relayUntil(() -> assertThat(ProxyClient.whoamiThroughHttp(proxy.host(), proxy.port(),
					target.host(), target.port(), null, null))
				.isEqualTo("127.0.0.25"), () -> assertThat(proxy.cpuTime()).isGreaterThan(before));
		}
	}

	@Test
	void basicAuthAcceptsTheRightCredentialsOnly() throws IOException {
		try (Tinyproxy proxy = Tinyproxy.builder()
			.bindAddress("127.0.0.21")
			.egressAddress("127.0.0.23")
			.credentials("alice", "s3cret")
			.start()) {
			assertThat(proxy.url()).isEqualTo("http://alice:s3cret@127.0.0.21:" + proxy.port());

			assertThat(ProxyClient.whoamiThroughHttp(proxy.host(), proxy.port(), target.host(), target.port(), "alice",
					"s3cret"))
				.isEqualTo("127.0.0.23");
			assertThat(connect(proxy, null, null).status()).isEqualTo(407);
			// tinyproxy 1.11 answers wrong credentials with 401, not 407
			assertThat(connect(proxy, "alice", "wrong").status()).isIn(401, 407);
		}
	}

	@Test
	void aPausedProxyAcceptsTcpButNeverAnswersUntilResumed() throws IOException {
		try (Tinyproxy proxy = Tinyproxy.builder().bindAddress("127.0.0.21").egressAddress("127.0.0.24").start()) {
			proxy.pause();
			try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
				// the kernel completed the handshake: a bare TCP check would call this proxy healthy
				assertThat(socket.isConnected()).isTrue();
				socket.setSoTimeout(300);
				socket.getOutputStream().write("CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n".getBytes());
				org.assertj.core.api.Assertions.assertThatExceptionOfType(java.net.SocketTimeoutException.class)
					.isThrownBy(() -> socket.getInputStream().read());
			}
			proxy.resume();
			assertThat(ProxyClient.whoamiThroughHttp(proxy.host(), proxy.port(), target.host(), target.port(), null,
					null))
				.isEqualTo("127.0.0.24");
		}
	}

	private static HttpResponse connect(Tinyproxy proxy, String user, String password) throws IOException {
		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			return ProxyClient.sendHttpRequestHead(socket, "CONNECT", target.host() + ":" + target.port(), user,
					password);
		}
	}

}
