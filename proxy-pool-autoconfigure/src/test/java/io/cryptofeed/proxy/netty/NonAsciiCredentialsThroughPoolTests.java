package io.cryptofeed.proxy.netty;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.testkit.TestProxiesExtension;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.real.Microsocks;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Credentials beyond ASCII, percent-encoded as UTF-8 in the URL, reach the proxy as the UTF-8
 * bytes the URL gave, whatever the proxy kind, as the health checks send them: a SOCKS proxy
 * compares bytes, and one that got other bytes than the health check sent would refuse every
 * connect of a member the checks find healthy.
 */
class NonAsciiCredentialsThroughPoolTests {

	private static final String USER = "fëed";

	private static final String PASSWORD = "pässwörd€";

	/** {@link #USER}:{@link #PASSWORD} as a URL writes them. */
	private static final String USER_INFO = "f%C3%ABed:p%C3%A4ssw%C3%B6rd%E2%82%AC";

	@RegisterExtension
	static final TestProxiesExtension proxies = new TestProxiesExtension();

	@ParameterizedTest
	@ValueSource(strings = { "http", "socks5" })
	void aUserAndPasswordBeyondAsciiAuthenticate(String kind) {
		authenticates(kind, USER, PASSWORD, USER_INFO);
	}

	/**
	 * An '@' in the user name percent-encoded, and a ':' where the protocol carries one (HTTP
	 * Basic authentication cannot: the proxy reads the user name up to the first ':'); the
	 * URL's delimiters in the password as written or encoded.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "http", "socks5" })
	void aUserAndPasswordWithTheUrlsDelimitersAuthenticate(String kind) {
		if (kind.equals("http")) {
			authenticates(kind, "fe@d", "p@ss:w/rd%#?", "fe%40d:p@ss:w/rd%25%23%3F");
		}
		else {
			authenticates(kind, "fe@d:1", "p@ss:w/rd%#?", "fe%40d%3A1:p@ss:w/rd%25%23%3F");
		}
	}

	private static void authenticates(String kind, String user, String password, String userInfo) {
		TargetServer target = proxies.manage(TargetServer.start("127.0.0.1"));
		TestProxy proxy = kind.equals("http") ? proxies.httpBuilder().credentials(user, password).start()
				: proxies.socks5Builder().credentials(user, password).start();
		String url = kind + "://" + userInfo + "@127.0.0.1:" + proxy.port();
		TransportTestSupport.runner()
			.withPropertyValues("cryptofeed.proxy.default.http.url=" + url,
					"cryptofeed.proxy.default.http.health-check.enabled=false")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				String peer = client.get()
					.uri(target.baseUrl() + "/whoami")
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(10));
				assertThat(peer).isEqualTo("127.0.0.1");
			});
		assertThat(proxy.requestedTargets()).containsExactly("127.0.0.1:" + target.port());
	}

	/** microsocks compares the bytes its command line gave, as any real SOCKS5 server compares bytes. */
	@Test
	void aUserAndPasswordBeyondAsciiAuthenticateWithMicrosocks() {
		// the command line carries the credentials in the JVM's encoding for file names and arguments
		assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "arguments are not passed as UTF-8");
		TargetServer target = proxies.manage(TargetServer.start("127.0.0.1"));
		try (Microsocks microsocks = Microsocks.builder().credentials(USER, PASSWORD).start()) {
			String url = "socks5://" + USER_INFO + "@127.0.0.1:" + microsocks.port();
			TransportTestSupport.runner()
				.withPropertyValues("cryptofeed.proxy.default.http.url=" + url)
				.run((context) -> assertThat(context.getBean(WebClient.Builder.class)
					.build()
					.get()
					.uri(target.baseUrl() + "/whoami")
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(10))).isEqualTo("127.0.0.1"));
		}
	}

	/** SOCKS4 has no in-JVM proxy in the kit: a listener reads the request's user id, and refuses it. */
	@Test
	void aSocks4UserIdBeyondAsciiIsSentAsItsUtf8Bytes() throws Exception {
		try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture<byte[]> userId = CompletableFuture.supplyAsync(() -> readUserIdAndRefuse(listener));
			String url = "socks4://f%C3%ABed@127.0.0.1:" + listener.getLocalPort();
			TransportTestSupport.runner()
				.withPropertyValues("cryptofeed.proxy.default.http.url=" + url,
						"cryptofeed.proxy.default.http.health-check.enabled=false")
				.run((context) -> assertThatExceptionOfType(WebClientRequestException.class)
					.isThrownBy(() -> context.getBean(WebClient.Builder.class)
						.build()
						.get()
						.uri("http://127.0.0.1:9/whoami")
						.retrieve()
						.bodyToMono(String.class)
						.block(Duration.ofSeconds(10))));
			assertThat(userId.get(10, TimeUnit.SECONDS)).isEqualTo(USER.getBytes(StandardCharsets.UTF_8));
		}
	}

	/** Reads one SOCKS4 request up to its user id's terminating zero, and answers "rejected". */
	private static byte[] readUserIdAndRefuse(ServerSocket listener) {
		try (Socket client = listener.accept()) {
			DataInputStream in = new DataInputStream(client.getInputStream());
			// version, command, port, IPv4 address
			in.readFully(new byte[8]);
			ByteArrayOutputStream userId = new ByteArrayOutputStream();
			for (int b = in.read(); b > 0; b = in.read()) {
				userId.write(b);
			}
			OutputStream out = client.getOutputStream();
			out.write(new byte[] { 0x00, 0x5B, 0, 0, 0, 0, 0, 0 });
			out.flush();
			return userId.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
