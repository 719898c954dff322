package io.cryptofeed.proxy.service;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.jayway.jsonpath.JsonPath;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import reactor.netty.http.HttpProtocol;

import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static io.cryptofeed.proxy.service.ServiceFixture.SERVICE_PEER;
import static io.cryptofeed.proxy.service.ServiceFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP/2 through a proxy the service gave: every request is a stream of one tunnel, and the
 * service hears of the tunnel once, not of each stream.
 */
class ServiceHttp2TunnelTests {

	@AutoClose
	private final ServiceFixture fixture = new ServiceFixture();

	@AutoClose
	private final TargetServer http2Target = TargetServer.startHttp2("127.0.0.1");

	@Test
	void streamsOnOneTunnelAreReportedAsOneConnect() {
		this.fixture.answerWithProxy(3600L, "embedded_fallback");
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> http2 = (builder) -> builder
			.withHttpClientCustomizer((client) -> client.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
				.secure((spec) -> spec.sslContext(TargetServer.trustingHttp2ClientSslContext())));
		run(this.fixture.runner().withBean("http2", ClientHttpConnectorBuilderCustomizer.class, () -> http2),
				(context, client) -> {
					for (int i = 0; i < 3; i++) {
						assertThat(this.fixture.whoami(client, "binance", this.http2Target)).isEqualTo(SERVICE_PEER);
					}
					assertThat(this.fixture.serviceProxy.tunnels()).isOne();
					// reports go one at a time in turn: a session's, reported last, follows the streams'
					context.getBean(WebSocketClient.class)
						.execute(URI.create(this.fixture.target.wsUrl()), (session) -> session.close())
						.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE, "binance"))
						.block(Duration.ofSeconds(10));
					await().atMost(Duration.ofSeconds(5)).until(() -> !reportsOf("websocket").isEmpty());
					assertThat(reportsOf("http")).as("one report for the tunnel the streams shared").singleElement();
				});
	}

	private List<LoggedRequest> reportsOf(String connectionType) {
		return this.fixture.feedback()
			.stream()
			.filter((report) -> connectionType.equals(JsonPath.read(report.getBodyAsString(), "$.connection_type")))
			.toList();
	}

}
