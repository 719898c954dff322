package io.cryptofeed.proxy.netty;

import java.time.Duration;

import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each copy changes its own setting and keeps the others. */
class TransportSettingsTests {

	@Test
	void eachCopyChangesItsOwnSettingOnly() throws Exception {
		TransportSettings.ConnectionPoolSettings pool = new TransportSettings.ConnectionPoolSettings(7,
				Duration.ofSeconds(8));
		TransportSettings.WebSocketClientSettings webSocket = new TransportSettings.WebSocketClientSettings(9, true);
		ProxyTls tls = ProxyTls.of(SslContextBuilder.forClient().build(), "test");

		TransportSettings changed = TransportSettings.DEFAULTS.withConnectTimeout(Duration.ofMillis(1))
			.withHandshakeTimeout(Duration.ofMillis(2))
			.withTlsHandshakeTimeout(Duration.ofMillis(3))
			.withMaxAttempts(4)
			.withRetryIdempotent(false)
			.withQuietTimeout(Duration.ofMillis(6))
			.withConnectionPool(pool)
			.withWebSocketClient(webSocket)
			.withProxyTls(tls);

		assertThat(changed).isEqualTo(new TransportSettings(Duration.ofMillis(1), Duration.ofMillis(2),
				Duration.ofMillis(3), 4, false, Duration.ofMillis(6), pool, webSocket, tls));
		assertThat(TransportSettings.DEFAULTS.withMaxAttempts(5)).isEqualTo(new TransportSettings(
				Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), 5, true, Duration.ofSeconds(10),
				TransportSettings.ConnectionPoolSettings.DEFAULTS, TransportSettings.WebSocketClientSettings.DEFAULTS,
				ProxyTls.systemDefault()));
	}

}
