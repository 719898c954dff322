package io.cryptofeed.proxy.service;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.service.ServiceCallException.Reason;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceStatusLogTests {

	private final ServiceStatusLog log = new ServiceStatusLog();

	@Test
	void anOutageIsOneWarningAlthoughItsBreakerLetsTrialsFailTheSameWay() {
		try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
			fail(Reason.TIMEOUT);
			for (int i = 0; i < 3; i++) {
				// open breaker, then a half-open trial that times out again
				fail(Reason.CIRCUIT_OPEN);
				fail(Reason.TIMEOUT);
			}
			assertThat(captured.warnings()).hasSize(1);

			fail(Reason.UNAUTHORIZED);
			assertThat(captured.warnings()).hasSize(2);
		}
	}

	@Test
	void anAnswerEndsTheEpisode() {
		try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
			fail(Reason.TIMEOUT);
			this.log.answered("binance", ConnectionType.HTTP);
			fail(Reason.TIMEOUT);
			assertThat(captured.warnings()).hasSize(2);
			assertThat(captured.lines()).anyMatch((line) -> line.contains("proxy service answers again"));
		}
	}

	/** Nothing else logs the service's proxies: no health check, no breaker watches them. */
	@Test
	void aFailingProxyOfTheServiceIsOneWarningUntilATunnelThroughItIsUpAgain() {
		ProxyEndpoint proxy = ProxyEndpoint.parse("socks5://feed:canary-9@10.0.0.6:1080");
		ProxyEndpoint other = ProxyEndpoint.parse("http://10.0.0.7:3128");
		try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
			for (int i = 0; i < 3; i++) {
				this.log.proxyFailed(proxy, "binance", ConnectionType.HTTP, "ProxyConnectException: timeout", "direct");
			}
			this.log.proxyConnected(other);
			assertThat(captured.warnings()).singleElement()
				.isEqualTo("WARNING proxy service's proxy failed: proxy=socks5://***@10.0.0.6:1080 exchange=binance "
						+ "type=http cause=\"ProxyConnectException: timeout\" next-attempt=direct");

			this.log.proxyConnected(proxy);
			this.log.proxyFailed(proxy, "binance", ConnectionType.HTTP, "ProxyConnectException: timeout", "direct");
			assertThat(captured.warnings()).hasSize(2);
			assertThat(captured.lines()).contains("INFO proxy service's proxy connects again: proxy=socks5://***@10.0.0.6:1080")
				.noneMatch((line) -> line.contains("canary"));
		}
	}

	private void fail(Reason reason) {
		this.log.failed(new ServiceCallException(reason, "https://svc:8443", "test"), "binance", ConnectionType.HTTP,
				"embedded");
	}

}
