package io.cryptofeed.proxy.testkit;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.transport.ProxyProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The in-JVM proxies work with Netty's proxy handlers, the client side the starter routes through.
 */
class ReactorNettyClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

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

	@Test
	void httpRequestThroughHttpConnectProxy() {
		TestProxy proxy = proxies.httpBuilder().egressAddress("127.0.0.51").credentials("alice", "s3cret").start();

		assertThat(whoami(client(proxy, ProxyProvider.Proxy.HTTP))).isEqualTo("127.0.0.51");
		assertThat(proxy.tunnels()).isEqualTo(1);
	}

	@Test
	void httpRequestThroughSocks5Proxy() {
		TestProxy proxy = proxies.socks5Builder().egressAddress("127.0.0.52").credentials("alice", "s3cret").start();

		assertThat(whoami(client(proxy, ProxyProvider.Proxy.SOCKS5))).isEqualTo("127.0.0.52");
		assertThat(proxy.tunnels()).isEqualTo(1);
	}

	@Test
	void webSocketThroughHttpConnectProxy() {
		TestProxy proxy = proxies.httpBuilder().egressAddress("127.0.0.53").credentials("alice", "s3cret").start();

		assertThat(webSocketExchange(client(proxy, ProxyProvider.Proxy.HTTP))).containsExactly("peer=127.0.0.53",
				"hello");
	}

	@Test
	void webSocketThroughSocks5Proxy() {
		TestProxy proxy = proxies.socks5Builder().egressAddress("127.0.0.54").credentials("alice", "s3cret").start();

		assertThat(webSocketExchange(client(proxy, ProxyProvider.Proxy.SOCKS5))).containsExactly("peer=127.0.0.54",
				"hello");
	}

	@ParameterizedTest
	@EnumSource(value = ProxyProvider.Proxy.class, names = { "HTTP", "SOCKS5" })
	void aCrashResetsTheOpenTunnelRefusesNewOnesAndTheProxyComesBackOnItsPort(ProxyProvider.Proxy type) {
		TestProxy proxy = ((type == ProxyProvider.Proxy.HTTP) ? proxies.httpBuilder() : proxies.socks5Builder())
			.egressAddress("127.0.0.55")
			.credentials("alice", "s3cret")
			.start();
		HttpClient client = client(proxy, type);
		target.resetCounters();
		// the target holds the answer back, so the request's tunnel is open when the proxy crashes
		CompletableFuture<String> inFlight = client.get()
			.uri(target.baseUrl() + "/delay/60000")
			.responseContent()
			.aggregate()
			.asString()
			.toFuture();
		await().atMost(TIMEOUT).until(() -> target.requestsByPeer().containsKey("127.0.0.55"));

		proxy.fault(Fault.CRASH);

		assertThat(inFlight).failsWithin(TIMEOUT).withThrowableThat().withMessageContaining("reset");
		assertThatThrownBy(() -> whoami(client)).hasCauseInstanceOf(ConnectException.class);
		proxy.fault(Fault.NONE);
		assertThat(whoami(client)).isEqualTo("127.0.0.55");
		assertThat(proxy.tunnels()).isEqualTo(2);
	}

	private static HttpClient client(TestProxy proxy, ProxyProvider.Proxy type) {
		return HttpClient.create()
			.proxy((spec) -> spec.type(type)
				.host(proxy.host())
				.port(proxy.port())
				.username("alice")
				.password((user) -> "s3cret")
				.connectTimeoutMillis(TIMEOUT.toMillis()));
	}

	private static String whoami(HttpClient client) {
		return client.get().uri(target.baseUrl() + "/whoami").responseContent().aggregate().asString().block(TIMEOUT);
	}

	private static List<String> webSocketExchange(HttpClient client) {
		return client.websocket()
			.uri(target.wsUrl())
			.handle((in, out) -> out.sendString(Mono.just("hello")).then().thenMany(in.receive().asString().take(2)))
			.collectList()
			.block(TIMEOUT);
	}

}
