package io.cryptofeed.proxy.netty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.ProxyCertificate;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user who turns on Reactor Netty's wiretap to see what goes wrong with a proxy gets the
 * handshake with each proxy in the log, and no proxy password: neither in clear nor as the
 * Base64 of an HTTP CONNECT's {@code Proxy-Authorization}, for handshakes that succeed and
 * for those the proxy rejects.
 */
@ExtendWith(OutputCaptureExtension.class)
class WiretappedClientTests {

	private static final List<String> DEBUG_LOGGERS = List.of("reactor.netty", "io.netty");

	private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());

	private final String password = canary();

	private final String wrongPassword = canary();

	private TargetServer target;

	private HttpConnectProxy http;

	private Socks5Proxy socks;

	private HttpConnectProxy rejectingHttp;

	private Socks5Proxy rejectingSocks;

	@BeforeEach
	void start() {
		this.target = TargetServer.start("127.0.0.1");
		this.http = HttpConnectProxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.81")
			.credentials("feed", this.password)
			.start();
		this.socks = Socks5Proxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.82")
			.credentials("feed", this.password)
			.start();
		this.rejectingHttp = HttpConnectProxy.builder().bindAddress("127.0.0.1").credentials("feed", this.password).start();
		this.rejectingSocks = Socks5Proxy.builder().bindAddress("127.0.0.1").credentials("feed", this.password).start();
		DEBUG_LOGGERS.forEach((name) -> this.logging.setLogLevel(name, LogLevel.DEBUG));
	}

	@AfterEach
	void stop() {
		DEBUG_LOGGERS.forEach((name) -> this.logging.setLogLevel(name, null));
		this.http.close();
		this.socks.close();
		this.rejectingHttp.close();
		this.rejectingSocks.close();
		this.target.close();
	}

	@Test
	void theHandshakeWithEachProxyIsLoggedWithItsCredentialMasked(CapturedOutput output) {
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> wiretap = (builder) -> builder
			.withHttpClientCustomizer((client) -> client.wiretap(true));
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", this.http.url(), this.socks.url(),
					withWrongPassword("http", this.rejectingHttp.port()),
					withWrongPassword("socks5", this.rejectingSocks.port())))
			.withPropertyValues("cryptofeed.proxy.failover.max-attempts=4")
			.withBean(ClientHttpConnectorBuilderCustomizer.class, () -> wiretap)
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).baseUrl(this.target.baseUrl()).build();
				for (int i = 0; i < 8; i++) {
					assertThat(client.get().uri("/whoami").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)))
						.isIn("127.0.0.81", "127.0.0.82");
				}
				assertThat(this.target.requestsByPeer()).containsOnlyKeys("127.0.0.81", "127.0.0.82");
				assertThat(this.rejectingHttp.accepted()).as("the HTTP proxy that answers 407").isPositive();
				assertThat(this.rejectingSocks.accepted()).as("the SOCKS5 proxy that refuses the password").isPositive();
			});

		assertThat(output.getAll()).as("the wiretap logged each kind of handshake")
			.contains("CONNECT 127.0.0.1:" + this.target.port())
			.contains("proxy-authorization: ***")
			.contains("407 Proxy Authentication Required")
			.contains("DefaultSocks5PasswordAuthRequest(username: ***, password: ****)")
			.contains("DefaultSocks5PasswordAuthResponse(status: SUCCESS")
			.contains("DefaultSocks5PasswordAuthResponse(status: UNKNOWN(1))");
		for (String secret : List.of(this.password, this.wrongPassword)) {
			assertThat(output.getAll()).doesNotContain(secret).doesNotContain(basic("feed:" + secret));
		}
	}

	/**
	 * TLS to an {@code https} member goes under the proxy handshake, so the wiretap and the
	 * proxy handshake's log still see the CONNECT in plain text above it: masked as for an
	 * {@code http} member.
	 */
	@Test
	void anHttpsMembersHandshakeIsLoggedWithItsCredentialMaskedToo(CapturedOutput output) {
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> wiretap = (builder) -> builder
			.withHttpClientCustomizer((client) -> client.wiretap(true));
		try (HttpConnectProxy https = HttpConnectProxy.builder()
			.tls()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.83")
			.credentials("feed", this.password)
			.start()) {
			TransportTestSupport.runner()
				.withPropertyValues("cryptofeed.proxy.default.http.url=" + https.url(),
						"spring.ssl.bundle.pem.proxies.truststore.certificate=classpath:" + ProxyCertificate.CERTIFICATE,
						"cryptofeed.proxy.proxy-tls.bundle=proxies")
				.withBean(ClientHttpConnectorBuilderCustomizer.class, () -> wiretap)
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).baseUrl(this.target.baseUrl()).build();
					for (int i = 0; i < 2; i++) {
						assertThat(client.get().uri("/whoami").retrieve().bodyToMono(String.class)
							.block(Duration.ofSeconds(10))).isEqualTo("127.0.0.83");
					}
				});
		}

		assertThat(output.getAll()).as("the wiretap logged the handshake")
			.contains("CONNECT 127.0.0.1:" + this.target.port())
			.contains("proxy-authorization: ***");
		assertThat(output.getAll()).doesNotContain(this.password).doesNotContain(basic("feed:" + this.password));
	}

	/**
	 * Some providers take a token as the user name, without a password
	 * ({@code socks5://token@host:port}): Netty prints a SOCKS5 user name and a SOCKS4 user id
	 * in clear, so the handshake's log masks them as the URL's user info is masked everywhere.
	 */
	@Test
	void aTokenGivenAsTheUserNameIsMaskedInTheSocksHandshakes(CapturedOutput output) {
		String token = canary();
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> wiretap = (builder) -> builder
			.withHttpClientCustomizer((client) -> client.wiretap(true));
		try (Socks5Proxy tokenOnly = Socks5Proxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.82")
			.credentials(token, "")
			.start()) {
			// the SOCKS5 proxy does not speak SOCKS4: the request is logged as it is sent, and refused
			String socks4 = "socks4://" + token + "@127.0.0.1:" + this.socks.port();
			TransportTestSupport.runner()
				.withPropertyValues(TransportTestSupport.pool("default.http", socks4,
						"socks5://" + token + "@127.0.0.1:" + tokenOnly.port()))
				.withPropertyValues("cryptofeed.proxy.failover.max-attempts=2")
				.withBean(ClientHttpConnectorBuilderCustomizer.class, () -> wiretap)
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).baseUrl(this.target.baseUrl()).build();
					for (int i = 0; i < 2; i++) {
						assertThat(client.get().uri("/whoami").retrieve().bodyToMono(String.class)
							.block(Duration.ofSeconds(10))).isEqualTo("127.0.0.82");
					}
				});
		}

		assertThat(output.getAll()).as("the wiretap logged both handshakes")
			.contains("userId: ***)")
			.contains("DefaultSocks5PasswordAuthRequest(username: ***")
			.contains("DefaultSocks5PasswordAuthResponse(status: SUCCESS")
			.doesNotContain(token);
	}

	private String withWrongPassword(String scheme, int port) {
		return scheme + "://feed:" + this.wrongPassword + "@127.0.0.1:" + port;
	}

	private static String basic(String credentials) {
		return Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
	}

	private static String canary() {
		return "pw" + UUID.randomUUID().toString().replace("-", "");
	}

}
