package io.cryptofeed.proxy.testkit;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.Map;
import java.util.Random;

import javax.net.ssl.SSLSocket;

import io.cryptofeed.proxy.testkit.support.HttpResponse;
import io.cryptofeed.proxy.testkit.support.Ports;
import io.cryptofeed.proxy.testkit.support.ProxyClient;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

class HttpConnectProxyTests {

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
		HttpConnectProxy proxy = proxies.httpBuilder().mapHost("Exchange.invalid", "127.0.0.1").start();

		String peer = ProxyClient.whoamiThroughHttp(proxy.host(), proxy.port(), "EXCHANGE.invalid", target.port(), null,
				null);

		assertThat(peer).isEqualTo("127.0.0.1");
		assertThat(proxy.requestedTargets()).containsExactly("EXCHANGE.invalid:" + target.port());
	}

	@Test
	void tunnelReachesTheTargetFromTheEgressAddress() throws IOException {
		HttpConnectProxy proxy = proxies.httpBuilder().bindAddress("127.0.0.2").egressAddress("127.0.0.3").start();

		String peer = ProxyClient.whoamiThroughHttp(proxy.host(), proxy.port(), target.host(), target.port(), null,
				null);

		assertThat(peer).isEqualTo("127.0.0.3");
		assertThat(proxy.tunnels()).isEqualTo(1);
		assertThat(proxy.accepted()).isEqualTo(1);
		assertThat(target.requestsByPeer()).isEqualTo(Map.of("127.0.0.3", 1));
	}

	@Test
	void aTlsProxyIsSpokenToOverTlsFirstAndPresentsTheKitsCertificate() throws IOException {
		HttpConnectProxy proxy = proxies.httpBuilder()
			.tls()
			.bindAddress("127.0.0.2")
			.egressAddress("127.0.0.3")
			.credentials("alice", "s3cret")
			.start();
		assertThat(proxy.url()).isEqualTo("https://alice:s3cret@127.0.0.2:" + proxy.port());

		String peer = ProxyClient.whoamiThroughTlsHttp(proxy.host(), proxy.port(), target.host(), target.port(),
				"alice", "s3cret");

		assertThat(peer).isEqualTo("127.0.0.3");
		assertThat(proxy.tunnels()).isEqualTo(1);
		// in plain text, the CONNECT gets no HTTP answer: the proxy expected a TLS handshake
		try (Socket plain = ProxyClient.open(proxy.host(), proxy.port())) {
			assertThat(catchThrowable(() -> ProxyClient.sendHttpRequestHead(plain, "CONNECT",
					target.host() + ":" + target.port(), "alice", "s3cret")))
				.isInstanceOf(IOException.class);
		}
		assertThat(proxy.tunnels()).isEqualTo(1);
	}

	@Test
	void aCrashResetsATlsTunnelWithoutClosingItsTlsFirst() throws IOException {
		HttpConnectProxy proxy = proxies.httpBuilder().tls().start();

		try (SSLSocket tunnel = ProxyClient.openTls(proxy.host(), proxy.port())) {
			assertThat(ProxyClient
				.sendHttpRequestHead(tunnel, "CONNECT", target.host() + ":" + target.port(), null, null)
				.status()).isEqualTo(200);

			proxy.fault(Fault.CRASH);

			// a close_notify first would end the stream (-1), as a proxy closing in good order does
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> ProxyClient.read(tunnel))
				.withMessageContaining("reset");
		}
	}

	@Test
	void aResetOfATlsProxyIsATcpRstWithoutClosingItsTlsFirst() throws IOException {
		HttpConnectProxy proxy = proxies.httpBuilder().tls().fault(Fault.RESET).start();

		// the TLS socket kept open to the end: a finalizer of the JDK's closes one left unreachable
		try (Socket tcp = ProxyClient.open(proxy.host(), proxy.port()); SSLSocket tls = ProxyClient.speakTls12(tcp)) {
			ProxyKind.HTTP.sendOpening(tls, target);

			// read beneath TLS: a close_notify alert first would be a proxy closing in good order
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> ProxyClient.read(tcp))
				.withMessageContaining("reset");
		}
		assertThat(proxy.tunnels()).isZero();
	}

	@Test
	void egressAddressDefaultsToTheBindAddress() throws IOException {
		HttpConnectProxy proxy = proxies.httpBuilder().bindAddress("127.0.0.4").start();

		assertThat(proxy.host()).isEqualTo("127.0.0.4");
		assertThat(ProxyClient.whoamiThroughHttp(proxy.host(), proxy.port(), target.host(), target.port(), null, null))
			.isEqualTo("127.0.0.4");
	}

	@Test
	void tunnelRelaysLargeBodiesBothWays() throws IOException {
		HttpConnectProxy proxy = proxies.http();
		byte[] body = new byte[512 * 1024];
		new Random(42).nextBytes(body);

		try (Socket tunnel = ProxyClient.httpTunnel(proxy.host(), proxy.port(), target.host(), target.port(), null,
				null)) {
			HttpResponse response = ProxyClient.post(tunnel, target.host(), target.port(), "/echo", body);

			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body()).isEqualTo(body);
		}
	}

	@Test
	void tunnelEndsWhenTheTargetCloses() throws IOException {
		HttpConnectProxy proxy = proxies.http();

		try (Socket tunnel = ProxyClient.httpTunnel(proxy.host(), proxy.port(), target.host(), target.port(), null,
				null)) {
			ProxyClient.get(tunnel, target.host(), target.port(), "/whoami");

			assertThat(ProxyClient.read(tunnel)).isEqualTo(-1);
		}
	}

	@Test
	void requiredCredentialsAreAccepted() throws IOException {
		HttpConnectProxy proxy = proxies.http("alice", "s3cret");

		assertThat(ProxyClient.whoamiThroughHttp(proxy.host(), proxy.port(), target.host(), target.port(), "alice",
				"s3cret"))
			.isEqualTo("127.0.0.1");
		assertThat(proxy.tunnels()).isEqualTo(1);
	}

	@Test
	void missingCredentialsAreAnsweredWith407() throws IOException {
		HttpConnectProxy proxy = proxies.http("alice", "s3cret");

		HttpResponse response = connect(proxy, null, null);

		assertThat(response.status()).isEqualTo(407);
		assertThat(response.header("Proxy-Authenticate")).isEqualTo("Basic realm=\"proxy-pool-test\"");
		assertThat(proxy.tunnels()).isZero();
	}

	@Test
	void wrongCredentialsAreAnsweredWith407() throws IOException {
		HttpConnectProxy proxy = proxies.http("alice", "s3cret");

		assertThat(connect(proxy, "alice", "wrong").status()).isEqualTo(407);
		assertThat(connect(proxy, "mallory", "s3cret").status()).isEqualTo(407);
		assertThat(proxy.tunnels()).isZero();
		// each asked for its target, refused or not
		assertThat(proxy.requestedTargets()).containsExactly(target.host() + ":" + target.port(),
				target.host() + ":" + target.port());
		assertThat(proxy.accepted()).isEqualTo(2);
	}

	@Test
	void otherMethodsAreAnsweredWith405() throws IOException {
		HttpConnectProxy proxy = proxies.http();

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			HttpResponse response = ProxyClient.sendHttpRequestHead(socket, "GET", target.baseUrl() + "/whoami", null,
					null);

			assertThat(response.status()).isEqualTo(405);
			assertThat(response.header("Allow")).isEqualTo("CONNECT");
			assertThat(ProxyClient.read(socket)).isEqualTo(-1);
		}
		assertThat(target.requestsByPeer()).isEmpty();
	}

	@Test
	void unreachableTargetIsAnsweredWith502() throws IOException {
		HttpConnectProxy proxy = proxies.http();
		int closedPort = Ports.closedPort();

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			HttpResponse response = ProxyClient.sendHttpRequestHead(socket, "CONNECT", "127.0.0.1:" + closedPort, null,
					null);

			assertThat(response.status()).isEqualTo(502);
		}
		assertThat(proxy.tunnels()).isZero();
	}

	@Test
	void malformedRequestIsAnsweredWith400() throws IOException {
		HttpConnectProxy proxy = proxies.http();

		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			HttpResponse response = ProxyClient.sendHttpRequestHead(socket, "CONNECT", "no-port-here", null, null);

			assertThat(response.status()).isEqualTo(400);
		}
	}

	@Test
	void urlCarriesPercentEncodedCredentials() {
		HttpConnectProxy proxy = proxies.http("us er", "p@ss:w/rd");

		assertThat(proxy.url()).isEqualTo("http://us%20er:p%40ss%3Aw%2Frd@127.0.0.1:" + proxy.port());
		assertThat(proxies.http().url()).startsWith("http://127.0.0.1:");
	}

	/**
	 * Basic authentication sends {@code user:password}, read up to the first ':' (RFC 7617): a
	 * proxy requiring a user name with one could authenticate no client, so it does not start.
	 */
	@Test
	void aUserNameWithAColonIsRefusedAtStart() throws IOException {
		assertThatIllegalArgumentException().isThrownBy(() -> proxies.http("fe:ed", "s3cret"))
			.withMessageContaining("':'")
			.withMessageNotContaining("s3cret");
		HttpConnectProxy proxy = proxies.http("feed", "s3:cr:et");
		assertThat(connect(proxy, "feed", "s3:cr:et").status()).isEqualTo(200);
	}

	@Test
	void socksOnlyFaultIsRejected() {
		HttpConnectProxy proxy = proxies.http();

		assertThatIllegalArgumentException().isThrownBy(() -> proxy.fault(Fault.AUTH_FAIL));
		assertThat(proxy.fault()).isEqualTo(Fault.NONE);
		assertThatIllegalArgumentException().isThrownBy(() -> proxies.httpBuilder().fault(Fault.AUTH_FAIL).start());
	}

	private static HttpResponse connect(HttpConnectProxy proxy, String user, String password) throws IOException {
		try (Socket socket = ProxyClient.open(proxy.host(), proxy.port())) {
			return ProxyClient.sendHttpRequestHead(socket, "CONNECT", target.host() + ":" + target.port(), user,
					password);
		}
	}

}
