package io.cryptofeed.proxy.service;

import io.cryptofeed.proxy.core.ConnectionType;
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

	private void fail(Reason reason) {
		this.log.failed(new ServiceCallException(reason, "https://svc:8443", "test"), "binance", ConnectionType.HTTP,
				"embedded");
	}

}
