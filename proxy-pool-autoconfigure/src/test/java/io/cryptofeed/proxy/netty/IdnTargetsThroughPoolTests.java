package io.cryptofeed.proxy.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.cryptofeed.proxy.testsupport.WebSocketFrames;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A target whose host name is internationalized ({@code bücher.example}) is asked for in its
 * ASCII form ({@code xn--bcher-kva.example}) on the wire: in the CONNECT line and the Host
 * header through an http member (both ASCII only, RFC 9112), in the SOCKS5 request (which
 * Netty converts itself), and in a WebSocket's opening handshake. The proxies map the ASCII
 * name to loopback, so nothing leaves this machine.
 */
class IdnTargetsThroughPoolTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String UNICODE = "bücher.example";

	private static final String ASCII = "xn--bcher-kva.example";

	private OwnLoopsServer target;

	private TestProxy proxy;

	/** Answers every request, and opens every WebSocket session, with the Host header it got. */
	@BeforeEach
	void startTarget() {
		this.target = OwnLoopsServer.bind((server) -> server.route((routes) -> routes
				.get("/host", (request, response) -> response
					.sendString(Mono.just(String.valueOf(request.requestHeaders().get(HttpHeaderNames.HOST)))))
				.get("/ws", (request, response) -> {
					String host = String.valueOf(request.requestHeaders().get(HttpHeaderNames.HOST));
					return response.sendWebsocket((in, out) -> out.sendString(Mono.just(host)));
				})));
	}

	@AfterEach
	void stop() {
		if (this.proxy != null) {
			this.proxy.close();
		}
		this.target.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "http", "socks5" })
	void aRequestAsksForTheAsciiFormOfTheTargetsName(String kind) {
		this.proxy = proxy(kind);
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", this.proxy.url()))
			.run((context) -> {
				ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
				HttpClient own = pools.apply(pools.newHttpClient(), ConnectionType.HTTP);
				String host = pools
					.withFailover(ConnectionType.HTTP,
							() -> own.get().uri("http://" + UNICODE + ":" + port() + "/host").responseContent()
								.aggregate()
								.asString())
					.block(WAIT);
				assertThat(this.proxy.requestedTargets()).containsExactly(ASCII + ":" + port());
				assertThat(host).isEqualTo(ASCII + ":" + port());
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "http", "socks5" })
	void aWebSocketAsksForTheAsciiFormOfTheTargetsName(String kind) {
		this.proxy = proxy(kind);
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.websocket", this.proxy.url()))
			.run((context) -> {
				String host = firstFrame(context, URI.create("ws://" + UNICODE + ":" + port() + "/ws"));
				assertThat(this.proxy.requestedTargets()).containsExactly(ASCII + ":" + port());
				assertThat(host).isEqualTo(ASCII + ":" + port());
			});
	}

	/**
	 * Over HTTP/2 the Host header becomes the {@code :authority} of each stream, which Reactor
	 * Netty writes on the stream's own channel: the connection's conversion never saw it, and
	 * the exchange was asked for the name in Latin-1 bytes. The target checks no certificate
	 * name here: its test certificate is for localhost.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "http", "socks5" })
	void anHttp2RequestGivesTheAsciiFormOfTheTargetsNameAsItsAuthority(String kind) {
		this.proxy = proxy(kind);
		OwnLoopsServer http2 = OwnLoopsServer.bind((server) -> server.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
			.secure((spec) -> spec.sslContext(serverTls()))
			.route((routes) -> routes.get("/host", (request, response) -> response
				.sendString(Mono.just(request.version() + " " + request.requestHeaders().get(HttpHeaderNames.HOST))))));
		try {
			TransportTestSupport.runner()
				.withPropertyValues(TransportTestSupport.pool("default.http", this.proxy.url()))
				.run((context) -> {
					ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
					HttpClient own = pools.apply(pools.newHttpClient()
						.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
						.secure((spec) -> spec.sslContext(Http2SslContextSpec.forClient()
							.configure((builder) -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE)))
							.handlerConfigurator((handler) -> {
								// the certificate names localhost: no name check
							})), ConnectionType.HTTP);
					String answer = pools
						.withFailover(ConnectionType.HTTP,
								() -> own.get()
									.uri("https://" + UNICODE + ":" + http2.port() + "/host")
									.responseContent()
									.aggregate()
									.asString())
						.block(WAIT);
					assertThat(answer).isEqualTo("HTTP/2.0 " + ASCII + ":" + http2.port());
				});
		}
		finally {
			http2.close();
		}
	}

	private static Http2SslContextSpec serverTls() {
		ClassLoader loader = IdnTargetsThroughPoolTests.class.getClassLoader();
		try (InputStream certificate = loader.getResourceAsStream(TargetServer.CERTIFICATE);
				InputStream key = loader.getResourceAsStream("io/cryptofeed/proxy/testkit/target/target-key.pem")) {
			return Http2SslContextSpec.forServer(certificate, key);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private TestProxy proxy(String kind) {
		return kind.equals("http") ? HttpConnectProxy.builder().mapHost(ASCII, "127.0.0.1").start()
				: Socks5Proxy.builder().mapHost(ASCII, "127.0.0.1").start();
	}

	private int port() {
		return this.target.port();
	}

	private static String firstFrame(ApplicationContext context, URI url) {
		return WebSocketFrames.firstFrame(context.getBean(WebSocketClient.class), url, WAIT);
	}

}
