package io.cryptofeed.proxy.health.probe;

import java.net.URI;
import java.time.Duration;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The factory and the argument checks every probe shares. */
class HealthProbesTests {

	private static final ProxyEndpoint ENDPOINT = ProxyEndpoint.parse("http://127.0.0.1:3128");

	@Test
	void createsEachProbe() {
		assertThat(HealthProbes.tcp()).isInstanceOf(GreetingProbe.class);
		assertThat(HealthProbes.http(URI.create("https://example.org/health"), (status) -> status == 200))
			.isInstanceOf(HttpThroughProxyProbe.class);
		assertThat(HealthProbes.ping()).isInstanceOf(PingProbe.class);
	}

	@Test
	void httpNeedsUrlAndStatus() {
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> HealthProbes.http(null, (s) -> true));
		assertThatExceptionOfType(NullPointerException.class)
			.isThrownBy(() -> HealthProbes.http(URI.create("http://127.0.0.1/"), null));
	}

	@Test
	void everyProbeRejectsMissingOrNonPositiveArguments() {
		for (HealthProbe probe : new HealthProbe[] { HealthProbes.tcp(), HealthProbes.ping(),
				HealthProbes.http(URI.create("http://127.0.0.1:1/"), (s) -> true) }) {
			assertThatExceptionOfType(NullPointerException.class)
				.isThrownBy(() -> probe.check(null, Duration.ofSeconds(1)));
			assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> probe.check(ENDPOINT, null));
			assertThatIllegalArgumentException().isThrownBy(() -> probe.check(ENDPOINT, Duration.ZERO));
			assertThatIllegalArgumentException().isThrownBy(() -> probe.check(ENDPOINT, Duration.ofMillis(-1)))
				.withMessage("timeout must be positive: -1ms");
		}
	}

	@Test
	void timeoutInMillisecondsIsClampedToWhatSocketsAccept() {
		assertThat(ProbeSupport.millis(Duration.ofNanos(1))).isEqualTo(1);
		assertThat(ProbeSupport.millis(Duration.ofMillis(1500))).isEqualTo(1500);
		assertThat(ProbeSupport.millis(Duration.ofDays(365))).isEqualTo(Integer.MAX_VALUE);
		assertThat(ProbeSupport.millis(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Integer.MAX_VALUE);
	}

	@Test
	void descriptionsOfLibraryErrorsMaskUrls() {
		assertThat(ProbeSupport.describe(new IllegalStateException("cannot reach socks5://user:secret@10.0.0.1:1080")))
			.isEqualTo("IllegalStateException: cannot reach socks5://***@10.0.0.1:1080");
		assertThat(ProbeSupport.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
	}

}
