package io.cryptofeed.proxy.testkit.real;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import io.cryptofeed.proxy.testkit.support.ProxyClient;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class MicrosocksTests {

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
	void authenticatedTunnelReachesTheTargetFromTheEgressAddress() throws IOException {
		try (Microsocks proxy = Microsocks.builder()
			.bindAddress("127.0.0.31")
			.egressAddress("127.0.0.32")
			.credentials("alice", "s3cret")
			.start()) {
			assertThat(proxy.url()).isEqualTo("socks5://alice:s3cret@127.0.0.31:" + proxy.port());

			String peer = ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), target.host(), target.port(),
					"alice", "s3cret");

			assertThat(peer).isEqualTo("127.0.0.32");
			RealProxyAssertions.assertCloseStopsEverything(proxy, RealProxies.MICROSOCKS);
		}
	}

	@Test
	void wrongPasswordIsRejected() throws IOException {
		try (Microsocks proxy = Microsocks.builder()
			.bindAddress("127.0.0.31")
			.egressAddress("127.0.0.33")
			.credentials("alice", "s3cret")
			.start()) {
			try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
				assertThat(ProxyClient.socks5Greeting(socket, 0x02)).isEqualTo(0x02);
				// Any non-zero status is a failure (RFC 1929); microsocks 1.0.3 sends 0x02
				assertThat(ProxyClient.socks5Authenticate(socket, "alice", "wrong")).isNotZero();
				assertThat(ProxyClient.read(socket)).isEqualTo(-1);
			}
			try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
				assertThat(ProxyClient.socks5Greeting(socket, 0x00)).isEqualTo(0xFF);
			}
			assertThat(target.requestsByPeer()).doesNotContainKey("127.0.0.33");
		}
	}

	@Test
	void aFailedStartDoesNotShowThePassword() {
		assertThatIllegalStateException()
			.isThrownBy(() -> Microsocks.builder()
				.bindAddress("127.0.0.31")
				.credentials("alice", "s3cret")
				.startTimeout(Duration.ZERO)
				.start())
			.withMessageContaining("microsocks")
			.withMessageNotContaining("s3cret");
	}

	@Test
	void credentialsAreRequired() {
		assertThatIllegalStateException().isThrownBy(() -> Microsocks.builder().start())
			.withMessageContaining("credentials");
	}

	/** RFC 1929 gives each credential a length byte: at most 255 bytes of UTF-8, not characters. */
	@Test
	void aCredentialLongerThan255BytesIsRejected() {
		String twoBytesEach = "\u00e9".repeat(128);

		assertThatIllegalArgumentException().isThrownBy(() -> Microsocks.builder().credentials("alice", twoBytesEach))
			.withMessageContaining("255 bytes")
			.withMessageNotContaining(twoBytesEach);
		assertThatIllegalArgumentException().isThrownBy(() -> Microsocks.builder().credentials(twoBytesEach, "s3cret"));
		Microsocks.builder().credentials("alice", "\u00e9".repeat(127));
	}

}
