package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.time.Duration;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.cryptofeed.proxy.testsupport.WebSocketFrames;
import io.netty.resolver.DefaultAddressResolverGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.http.client.HttpClient;

import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The target's host name goes to the proxy as a name, for REST and WebSocket alike: the proxy
 * resolves it (remote DNS), so the client's own resolver never sees exchange host names. SOCKS5
 * is the telling case: its request carries either a name or an address, whereas a CONNECT line
 * shows the name either way. (Boot's WebClient once resolved names locally through SOCKS5:
 * the resolver that {@code runOn} sets kept Reactor Netty from skipping resolution.) The pools
 * set the no-op resolver themselves rather than rely on Reactor Netty's {@code proxyWhen}: before
 * 1.3.4 (Boot 4.0.0 to 4.0.3) it resolves targets locally, and since then it still does for a
 * client that has a resolver of its own.
 */
class RemoteDnsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private TargetServer target;

	private TestProxy proxy;

	@BeforeEach
	void startTarget() {
		this.target = TargetServer.start("127.0.0.1");
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
	void theProxyIsAskedForTheHostByName(String kind) {
		this.proxy = kind.equals("http") ? HttpConnectProxy.builder().bindAddress("127.0.0.1").start()
				: Socks5Proxy.builder().bindAddress("127.0.0.1").credentials("feed", "secret").start();
		String byName = "localhost:" + this.target.port();
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", this.proxy.url()))
			.withPropertyValues(TransportTestSupport.pool("default.websocket", this.proxy.url()))
			.run((context) -> {
				assertThat(whoami(context, byName)).isNotBlank();
				assertThat(this.proxy.requestedTargets()).as("REST").containsExactly(byName);
				assertThat(firstFrame(context, byName)).startsWith("peer=");

				assertThat(this.proxy.requestedTargets()).as("REST, then WebSocket").containsExactly(byName, byName);
			});
	}

	/**
	 * A name this machine cannot resolve still reaches the proxy: a local lookup would fail
	 * before any connect. (A CONNECT line shows a name either way, so only this tells that an
	 * http member's target was not looked up here.) The proxy cannot resolve it either, and
	 * refuses the target.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "http", "socks5" })
	void aNameThatDoesNotResolveHereStillReachesTheProxy(String kind) {
		this.proxy = kind.equals("http") ? HttpConnectProxy.builder().bindAddress("127.0.0.1").start()
				: Socks5Proxy.builder().bindAddress("127.0.0.1").credentials("feed", "secret").start();
		String unresolvable = "some-name.invalid:" + this.target.port();
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", this.proxy.url()))
			.withPropertyValues("cryptofeed.proxy.default.http.health-check.enabled=false")
			.run((context) -> {
				assertThatExceptionOfType(WebClientRequestException.class)
					.isThrownBy(() -> whoami(context, unresolvable))
					.withMessageContaining("no proxy could connect");
				assertThat(this.proxy.requestedTargets()).containsExactly(unresolvable);
			});
	}

	// "none" fails on Reactor Netty before 1.3.4 without the pools' own resolver, "the JDK's" on any
	@ParameterizedTest
	@ValueSource(strings = { "none", "the JDK's" })
	void anOwnClientAsksTheProxyByNameWhateverResolverItHadBefore(String resolver) {
		this.proxy = Socks5Proxy.builder().bindAddress("127.0.0.1").credentials("feed", "secret").start();
		String byName = "localhost:" + this.target.port();
		HttpClient before = resolver.equals("none") ? HttpClient.create()
				: HttpClient.create().resolver(DefaultAddressResolverGroup.INSTANCE);
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", this.proxy.url()))
			.run((context) -> {
				ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
				HttpClient own = pools.apply(before, ConnectionType.HTTP);
				String peer = pools
					.withFailover(ConnectionType.HTTP,
							() -> own.get().uri("http://" + byName + "/whoami").responseContent().aggregate().asString())
					.block(WAIT);
				assertThat(peer).isNotBlank();
				assertThat(this.proxy.requestedTargets()).containsExactly(byName);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "no pool at all", "a pool for another exchange only" })
	void aConnectionThatGoesDirectStillResolvesTheHostName(String configuration) {
		this.proxy = HttpConnectProxy.builder().bindAddress("127.0.0.1").start();
		String[] properties = configuration.equals("no pool at all") ? new String[0]
				: new String[] { "cryptofeed.proxy.exchanges.other.hosts=example.invalid",
						"cryptofeed.proxy.exchanges.other.http.url=" + this.proxy.url(),
						"cryptofeed.proxy.exchanges.other.websocket.url=" + this.proxy.url() };
		String byName = "localhost:" + this.target.port();
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			assertThat(whoami(context, byName)).isNotBlank();
			assertThat(firstFrame(context, byName)).startsWith("peer=");
			assertThat(this.proxy.accepted()).isZero();
		});
	}

	private static String whoami(ApplicationContext context, String authority) {
		return context.getBean(WebClient.Builder.class)
			.build()
			.get()
			.uri("http://" + authority + "/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.block(WAIT);
	}

	/** Opens a WebSocket session, reads its first frame and closes it. */
	private static String firstFrame(ApplicationContext context, String authority) {
		return WebSocketFrames.firstFrame(context.getBean(WebSocketClient.class), URI.create("ws://" + authority + "/ws"),
				WAIT);
	}

}
