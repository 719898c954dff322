package io.cryptofeed.proxy.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.cryptofeed.proxy.testkit.support.Ports;
import io.cryptofeed.proxy.testkit.support.ProxyClient;
import io.cryptofeed.proxy.testkit.support.Socks5Reply;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class Socks5ProxyTests {

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

	@BeforeEach
	void resetTarget() {
		target.resetCounters();
	}

	@Test
	void aMappedNameReachesItsLoopbackAddressWhateverItsCase() throws IOException {
		Socks5Proxy proxy = proxies.socks5Builder().mapHost("Exchange.invalid", "127.0.0.1").start();

		String peer = ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), "EXCHANGE.invalid", target.port(), null,
				null);

		assertThat(peer).isEqualTo("127.0.0.1");
		assertThat(proxy.requestedTargets()).containsExactly("EXCHANGE.invalid:" + target.port());
	}

	@Test
	void tunnelReachesTheTargetFromTheEgressAddress() throws IOException {
		Socks5Proxy proxy = proxies.socks5Builder().bindAddress("127.0.0.2").egressAddress("127.0.0.3").start();

		String peer = ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), target.host(), target.port(), null,
				null);

		assertThat(peer).isEqualTo("127.0.0.3");
		assertThat(proxy.tunnels()).isEqualTo(1);
		assertThat(proxy.accepted()).isEqualTo(1);
		assertThat(target.requestsByPeer()).isEqualTo(Map.of("127.0.0.3", 1));
	}

	@Test
	void replyCarriesTheBoundEgressAddress() throws IOException {
		Socks5Proxy proxy = proxies.socks5Builder().bindAddress("127.0.0.2").egressAddress("127.0.0.5").start();

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			assertThat(ProxyClient.socks5Greeting(socket, 0x00)).isEqualTo(0x00);
			Socks5Reply reply = ProxyClient.socks5Connect(socket, target.host(), target.port());

			assertThat(reply.code()).isEqualTo(0x00);
			assertThat(reply.boundAddress().getHostAddress()).isEqualTo("127.0.0.5");
			assertThat(reply.boundPort()).isPositive();
		}
	}

	@Test
	void domainNamesAreResolvedByTheProxy() throws IOException {
		Socks5Proxy proxy = proxies.socks5Builder().egressAddress("127.0.0.3").start();

		assertThat(ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), "localhost", target.port(), null, null))
			.isEqualTo("127.0.0.3");
	}

	@Test
	void ipv6TargetsAreReached() throws IOException {
		TargetServer ipv6Target;
		try {
			ipv6Target = TargetServer.start("::1");
		}
		catch (RuntimeException ex) {
			Assumptions.abort("IPv6 loopback is not available: " + ex);
			return;
		}
		try (ipv6Target) {
			Socks5Proxy proxy = proxies.socks5();

			String peer = ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), "::1", ipv6Target.port(), null,
					null);

			assertThat(InetAddress.getByName(peer).isLoopbackAddress()).isTrue();
			assertThat(peer).contains(":");
			assertThat(proxy.tunnels()).isEqualTo(1);
		}
	}

	@Test
	void requiredCredentialsAreAccepted() throws IOException {
		Socks5Proxy proxy = proxies.socks5("alice", "s3cret");

		assertThat(ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), target.host(), target.port(), "alice",
				"s3cret"))
			.isEqualTo("127.0.0.1");
		assertThat(proxy.tunnels()).isEqualTo(1);
	}

	@Test
	void wrongPasswordIsRejectedWithStatus1() throws IOException {
		Socks5Proxy proxy = proxies.socks5("alice", "s3cret");

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			assertThat(ProxyClient.socks5Greeting(socket, 0x00, 0x02)).isEqualTo(0x02);
			assertThat(ProxyClient.socks5Authenticate(socket, "alice", "wrong")).isEqualTo(0x01);
			assertThat(ProxyClient.read(socket)).isEqualTo(-1);
		}
		assertThat(proxy.tunnels()).isZero();
	}

	@Test
	void noAuthOfferIsRejectedWhenCredentialsAreRequired() throws IOException {
		Socks5Proxy proxy = proxies.socks5("alice", "s3cret");

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			assertThat(ProxyClient.socks5Greeting(socket, 0x00)).isEqualTo(0xFF);
			assertThat(ProxyClient.read(socket)).isEqualTo(-1);
		}
	}

	@Test
	void usernamePasswordOfferIsRejectedWithoutConfiguredCredentials() throws IOException {
		Socks5Proxy proxy = proxies.socks5();

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			assertThat(ProxyClient.socks5Greeting(socket, 0x02)).isEqualTo(0xFF);
		}
	}

	@Test
	void refusingTargetIsAnsweredWithReply5() throws IOException {
		Socks5Proxy proxy = proxies.socks5();
		int closedPort = Ports.closedPort();

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			ProxyClient.socks5Greeting(socket, 0x00);

			assertThat(ProxyClient.socks5Connect(socket, "127.0.0.1", closedPort).code()).isEqualTo(0x05);
		}
		assertThat(proxy.tunnels()).isZero();
	}

	@Test
	void bindCommandIsAnsweredWithReply7() throws IOException {
		Socks5Proxy proxy = proxies.socks5();

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			ProxyClient.socks5Greeting(socket, 0x00);
			Socks5Reply reply = ProxyClient.socks5Request(socket, 0x02, 0x01, new byte[] { 127, 0, 0, 1 },
					target.port());

			assertThat(reply.code()).isEqualTo(0x07);
		}
	}

	@Test
	void unknownAddressTypeIsAnsweredWithReply8() throws IOException {
		Socks5Proxy proxy = proxies.socks5();

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			ProxyClient.socks5Greeting(socket, 0x00);
			Socks5Reply reply = ProxyClient.socks5Request(socket, 0x01, 0x09,
					"x".getBytes(StandardCharsets.US_ASCII), target.port());

			assertThat(reply.code()).isEqualTo(0x08);
		}
	}

	@Test
	void urlCarriesPercentEncodedCredentials() {
		Socks5Proxy proxy = proxies.socks5Builder().bindAddress("127.0.0.6").credentials("user", "pa ss").start();

		assertThat(proxy.url()).isEqualTo("socks5://user:pa%20ss@127.0.0.6:" + proxy.port());
		assertThat(proxies.socks5().url()).startsWith("socks5://127.0.0.1:");
	}

	/**
	 * RFC 1929 gives each credential a length byte: a proxy requiring more than 255 bytes of
	 * UTF-8 could authenticate no client, so it does not start.
	 */
	@Test
	void credentialsLongerThan255BytesAreRefusedAtStart() throws IOException {
		String twoBytesEach = "\u00e9".repeat(128);

		assertThatIllegalArgumentException().isThrownBy(() -> proxies.socks5("user", twoBytesEach))
			.withMessageContaining("255 bytes")
			.withMessageNotContaining(twoBytesEach);
		assertThatIllegalArgumentException().isThrownBy(() -> proxies.socks5(twoBytesEach, "pass"));
		String longest = "\u00e9".repeat(127);
		Socks5Proxy proxy = proxies.socks5(longest, longest);
		assertThat(ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), target.host(), target.port(), longest,
				longest))
			.isEqualTo("127.0.0.1");
	}

	@Test
	void httpOnlyFaultsAreRejected() {
		Socks5Proxy proxy = proxies.socks5();

		assertThatIllegalArgumentException().isThrownBy(() -> proxy.fault(Fault.STATUS_407));
		assertThatIllegalArgumentException().isThrownBy(() -> proxy.fault(Fault.STATUS_500));
	}

}
