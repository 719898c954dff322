package io.cryptofeed.proxy.health;

import java.net.URI;
import java.time.Duration;

import io.cryptofeed.proxy.netty.ProxyTls;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The settings' string form, for whoever logs them: the check URL without its secrets. */
class HealthCheckSettingsTests {

	private static final String SECRET = "Canary-5ecret-Hc";

	@Test
	void theStringFormLeavesOutTheCheckUrlsUserInfoQueryAndFragment() {
		HealthCheckSettings settings = settings(
				URI.create("https://monitor:" + SECRET + "@api.example.com:8443/api/v3/ping?apikey=" + SECRET
						+ "&x=1#" + SECRET));
		assertThat(settings.toString()).doesNotContain(SECRET)
			.doesNotContain("monitor")
			.doesNotContain("apikey")
			.contains("url=https://api.example.com:8443/api/v3/ping,")
			.contains("method=HTTP", "interval=PT30S", "timeout=PT5S", "attempts=3", "unhealthyThreshold=2",
					"healthyThreshold=2", "jitter=0.1");
	}

	@Test
	void aUrlWithoutSecretsShowsWhole() {
		assertThat(settings(URI.create("https://api.example.com/api/v3/ping")).toString())
			.contains("url=https://api.example.com/api/v3/ping,");
		assertThat(settings(null).toString()).contains("url=null,");
	}

	/**
	 * An application that makes its own checker makes its settings without the configuration's
	 * checks: a jitter of 10 meant as 10% made nearly half the delays negative, and the member
	 * was checked again the moment such a check ended, without pause, as with an interval of
	 * zero every time.
	 */
	@Test
	void settingsThatWouldRunTheChecksWithoutPauseAreRefusedWhenMade() {
		assertThatIllegalArgumentException().isThrownBy(() -> settings(Duration.ofSeconds(30), 3, 2, 2, 10))
			.withMessage("jitter must be a fraction of the interval from 0 to 0.5 (0.1 for 10%), but was 10.0");
		assertThatIllegalArgumentException().isThrownBy(() -> settings(Duration.ofSeconds(30), 3, 2, 2, -0.1))
			.withMessageStartingWith("jitter must be a fraction");
		assertThatIllegalArgumentException().isThrownBy(() -> settings(Duration.ZERO, 3, 2, 2, 0.1))
			.withMessage("interval must be at least 1ms, but was 0s");
		assertThatIllegalArgumentException().isThrownBy(() -> settings(Duration.ofSeconds(30), 0, 2, 2, 0.1))
			.withMessage("attempts must be at least 1, but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> settings(Duration.ofSeconds(30), 3, 0, 2, 0.1))
			.withMessage("unhealthyThreshold must be at least 1, but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> settings(Duration.ofSeconds(30), 3, 2, 0, 0.1))
			.withMessage("healthyThreshold must be at least 1, but was 0");
		assertThat(settings(Duration.ofMillis(1), 1, 1, 1, 0.5).jitter()).isEqualTo(0.5);
	}

	private static HealthCheckSettings settings(Duration interval, int attempts, int unhealthyThreshold,
			int healthyThreshold, double jitter) {
		return new HealthCheckSettings(HealthCheckSettings.Method.TCP, interval, Duration.ofSeconds(5), attempts,
				unhealthyThreshold, healthyThreshold, jitter, null, (status) -> true, ProxyTls.systemDefault());
	}

	private static HealthCheckSettings settings(URI url) {
		return new HealthCheckSettings(HealthCheckSettings.Method.HTTP, Duration.ofSeconds(30), Duration.ofSeconds(5),
				3, 2, 2, 0.1, url, (status) -> status == 200, ProxyTls.systemDefault());
	}

}
