package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolReloader;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code cryptofeed.proxy.connection-pool.*}: the keep-alive connections of the auto-configured clients. */
class ConnectionPoolSettingsTests {

	private final TargetServer target = TargetServer.start("127.0.0.1");

	private final HttpConnectProxy proxy = HttpConnectProxy.builder().bindAddress("127.0.0.1").start();

	@AfterEach
	void stop() {
		this.proxy.close();
		this.target.close();
	}

	@Test
	void aConnectionIdleForLongerThanMaxIdleTimeIsClosedAndTheNextRequestOpensANewTunnel() {
		TransportTestSupport.runner()
			.withPropertyValues("cryptofeed.proxy.default.http.url=" + this.proxy.url(),
					"cryptofeed.proxy.connection-pool.max-idle-time=300ms")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
				whoami(client);
				assertThat(this.proxy.tunnels()).isOne();

				// nothing uses the connection: it is closed once idle for longer than max-idle-time
				await().atMost(Duration.ofSeconds(5)).until(() -> clients.openConnections(member(context)) == 0);
				whoami(client);
				assertThat(this.proxy.tunnels()).isEqualTo(2);
			});
	}

	@Test
	void maxConnectionsBoundsTheTunnelsThroughAMemberAndFurtherRequestsWaitForOne() {
		TransportTestSupport.runner()
			.withPropertyValues("cryptofeed.proxy.default.http.url=" + this.proxy.url(),
					"cryptofeed.proxy.connection-pool.max-connections=2")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				// four requests in flight at once, each answered after 300 ms
				List<String> answers = Flux.range(0, 4)
					.flatMap((i) -> client.get()
						.uri(this.target.baseUrl() + "/delay/300")
						.retrieve()
						.bodyToMono(String.class), 4)
					.collectList()
					.block(Duration.ofSeconds(10));
				assertThat(answers).hasSize(4);
				// the last two waited for the first two's connections instead of opening their own
				assertThat(this.proxy.tunnels()).isEqualTo(2);
			});
	}

	@Test
	void aReloadThatChangesTheConnectionPoolSettingsSaysTheyApplyAtTheNextStart() {
		Map<String, Object> reloadable = new LinkedHashMap<>();
		reloadable.put("cryptofeed.proxy.default.http.url", this.proxy.url());
		TransportTestSupport.reloadableRunner(reloadable)
			.run((context) -> {
				ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);
				try (CapturedLog log = CapturedLog.of(ProxyPoolHttpClients.class)) {
					reloadable.put("cryptofeed.proxy.handshake-timeout", "2s");
					assertThat(reloader.reload()).isTrue();
					assertThat(log.warnings()).isEmpty();

					reloadable.put("cryptofeed.proxy.connection-pool.max-connections", "1000");
					reloadable.put("cryptofeed.proxy.connection-pool.max-idle-time", "5s");
					assertThat(reloader.reload()).isTrue();
					assertThat(log.warnings()).singleElement()
						.asString()
						.contains("apply at the next start")
						.contains("running max-connections=500 max-idle-time=30s")
						.contains("configured max-connections=1000 max-idle-time=5s");
				}
				// the rest of the reload applied
				assertThat(context.getBean(ProxyPoolHttpClients.class).settings().handshakeTimeout())
					.isEqualTo(Duration.ofSeconds(2));
			});
	}

	private static PoolMember member(AssertableApplicationContext context) {
		return context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow().members().get(0);
	}

	private String whoami(WebClient client) {
		return client.get()
			.uri(this.target.baseUrl() + "/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

}
