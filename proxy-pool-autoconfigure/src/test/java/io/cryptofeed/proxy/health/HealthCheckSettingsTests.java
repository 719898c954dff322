package io.cryptofeed.proxy.health;

import java.net.URI;
import java.time.Duration;

import io.cryptofeed.proxy.netty.ProxyTls;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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

	private static HealthCheckSettings settings(URI url) {
		return new HealthCheckSettings(HealthCheckSettings.Method.HTTP, Duration.ofSeconds(30), Duration.ofSeconds(5),
				3, 2, 2, 0.1, url, (status) -> status == 200, ProxyTls.systemDefault());
	}

}
