package io.cryptofeed.proxy.netty;

import java.time.Duration;

import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/** Each copy changes its own setting and keeps the others, and no copy takes what the configuration refuses. */
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

	@Test
	void aCopyRefusesWhatTheConfigurationWouldRefuseAndNamesTheSetting() {
		TransportSettings defaults = TransportSettings.DEFAULTS;

		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withMaxAttempts(0))
			.withMessage("maxAttempts must be at least 1, but was 0");
		// below a millisecond Netty would take the timeout as none at all
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withHandshakeTimeout(Duration.ofNanos(500)))
			.withMessage("handshakeTimeout must be at least 1ms, but was 500ns");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withConnectTimeout(Duration.ofDays(25)))
			.withMessage("connectTimeout must be at most 24 days, but was 25d");
		// beyond what a long of milliseconds holds: refused, not an ArithmeticException
		assertThatIllegalArgumentException()
			.isThrownBy(() -> defaults.withHandshakeTimeout(Duration.ofDays(9_999_999_999_999L)))
			.withMessageStartingWith("handshakeTimeout must be at most 24 days");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> defaults.withTlsHandshakeTimeout(Duration.ofSeconds(-1)))
			.withMessage("tlsHandshakeTimeout must be at least 1ms, but was -1s");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withQuietTimeout(Duration.ofSeconds(-1)))
			.withMessage("quietTimeout must not be negative (0 turns it off), but was -1s");
		// its nanoseconds would overflow when a member fails, instead of cutting anything
		assertThatIllegalArgumentException()
			.isThrownBy(() -> defaults.withQuietTimeout(Duration.ofSeconds(99_999_999_999L)))
			.withMessageStartingWith("quietTimeout must be at most 24 days");
		assertThatNullPointerException().isThrownBy(() -> defaults.withConnectTimeout(null))
			.withMessage("connectTimeout");
		assertThatNullPointerException().isThrownBy(() -> defaults.withProxyTls(null)).withMessage("proxyTls");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TransportSettings.ConnectionPoolSettings(0, Duration.ofSeconds(30)))
			.withMessage("maxConnections must be at least 1, but was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TransportSettings.ConnectionPoolSettings(1, Duration.ZERO))
			.withMessage("maxIdleTime must be positive, but was 0s");
		assertThatIllegalArgumentException().isThrownBy(() -> new TransportSettings.WebSocketClientSettings(0, false))
			.withMessage("maxFramePayloadLength must be at least 1, but was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TransportSettings.WebSocketClientSettings(1, false, Duration.ofSeconds(-1)))
			.withMessage("directHandshakeTimeout must not be negative (0 turns it off), but was -1s");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TransportSettings.WebSocketClientSettings(1, false, Duration.ofNanos(500)))
			.withMessage("directHandshakeTimeout must be at least 1ms, but was 500ns");
		// zero turns the quiet timeout, and the direct handshake's, off rather than being refused
		assertThat(defaults.withQuietTimeout(Duration.ZERO).quietTimeout()).isZero();
		assertThat(new TransportSettings.WebSocketClientSettings(1, false, Duration.ZERO).directHandshakeTimeout())
			.isZero();
	}

}
