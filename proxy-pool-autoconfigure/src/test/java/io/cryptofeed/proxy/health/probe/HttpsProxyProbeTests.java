package io.cryptofeed.proxy.health.probe;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyScheme;
import io.cryptofeed.proxy.netty.ProxyTls;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.ProxyCertificate;
import io.cryptofeed.proxy.testkit.TestProxiesExtension;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Both probes against {@code https://} members: the tcp probe's greeting and the http probe's
 * request go over TLS to the proxy, whose certificate must pass the probe's trust.
 */
class HttpsProxyProbeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(30);

	@RegisterExtension
	final TestProxiesExtension proxies = new TestProxiesExtension();

	private final ProxyTls trusting = trustingTestProxies();

	private TargetServer target;

	/**
	 * The JVM's first TLS handshakes, the proxy's and the probes', load their classes and keys:
	 * done here, with a timeout no loaded machine misses, not inside a test's 2 s. A busy
	 * 2-core machine once took longer than that for the first check through a TLS proxy.
	 */
	@BeforeAll
	static void warmUpTls() {
		ProxyTls trusting = trustingTestProxies();
		try (HttpConnectProxy proxy = HttpConnectProxy.builder()
			.tls()
			.credentials(Canary.USER, Canary.PASSWORD)
			.start(); TargetServer target = TargetServer.start("127.0.0.1")) {
			HealthProbe http = HealthProbes.http(URI.create(target.baseUrl() + "/status/200"),
					(status) -> status == 200, trusting);
			for (HealthProbe probe : List.of(HealthProbes.tcp(trusting), http)) {
				assertThat(probe.check(endpoint(proxy), WARM_UP_TIMEOUT).block(WARM_UP_TIMEOUT.multipliedBy(2)))
					.isPositive();
			}
		}
	}

	@BeforeEach
	void startTarget() {
		this.target = TargetServer.start("127.0.0.1");
	}

	@AfterEach
	void stopTarget() {
		this.target.close();
	}

	@Test
	void theGreetingIsSpokenOverTlsAndPassesWithTheProxysTrust() {
		HttpConnectProxy proxy = tlsProxy();
		assertThat(HealthProbes.tcp(this.trusting).check(endpoint(proxy), TIMEOUT).block(Duration.ofSeconds(5)))
			.isPositive();
		assertThat(proxy.accepted()).isEqualTo(1);
		assertThat(proxy.tunnels()).isZero();
	}

	@Test
	void wrongCredentialsSentOverTlsFailTheGreeting() {
		HttpConnectProxy proxy = tlsProxy();
		ProxyEndpoint wrong = new ProxyEndpoint(ProxyScheme.HTTPS, proxy.host(), proxy.port(), Canary.USER,
				"not-" + Canary.PASSWORD);
		ProbeFailedException failure = failure(HealthProbes.tcp(this.trusting), wrong);
		assertThat(failure).hasMessage(wrong + " rejected the credentials (HTTP 407)");
	}

	@Test
	void aCertificateTheProbeDoesNotTrustFailsTheGreeting() {
		HttpConnectProxy proxy = tlsProxy();
		ProbeFailedException failure = failure(HealthProbes.tcp(), endpoint(proxy));
		assertThat(failure.getMessage()).startsWith(endpoint(proxy) + " ").contains("SSLHandshakeException");
		Canary.assertAbsent(failure);
		assertThat(proxy.tunnels()).isZero();
	}

	@Test
	void aProxyThatNeverAnswersTlsFailsWithinTheTimeout() {
		HttpConnectProxy proxy = tlsProxy();
		proxy.fault(Fault.FREEZE);
		ProbeFailedException failure = failure(HealthProbes.tcp(this.trusting), endpoint(proxy));
		assertThat(failure).hasMessage(endpoint(proxy) + " did not answer within 2s");
	}

	@Test
	void anHttpUrlForAProxyThatSpeaksTlsFailsTheGreeting() {
		HttpConnectProxy proxy = tlsProxy();
		ProxyEndpoint plain = new ProxyEndpoint(ProxyScheme.HTTP, proxy.host(), proxy.port(), Canary.USER,
				Canary.PASSWORD);
		ProbeFailedException failure = failure(HealthProbes.tcp(this.trusting), plain);
		assertThat(failure).hasMessage(plain + " answered with a TLS record: it speaks TLS, so the member's URL starts"
				+ " with https://");
	}

	@Test
	void theHttpCheckGoesThroughTheTlsProxy() {
		HttpConnectProxy proxy = tlsProxy();
		HealthProbe probe = HealthProbes.http(URI.create(this.target.baseUrl() + "/status/200"),
				(status) -> status == 200, this.trusting);
		assertThat(probe.check(endpoint(proxy), TIMEOUT).block(Duration.ofSeconds(5))).isPositive();
		assertThat(this.target.requestsByPeer()).containsExactly(Map.entry("127.0.0.21", 1));
		assertThat(proxy.tunnels()).isEqualTo(1);
	}

	@Test
	void theHttpCheckFailsWhenTheProxysCertificateIsNotTrusted() {
		HttpConnectProxy proxy = tlsProxy();
		HealthProbe probe = HealthProbes.http(URI.create(this.target.baseUrl() + "/status/200"),
				(status) -> status == 200);
		ProbeFailedException failure = failure(probe, endpoint(proxy));
		assertThat(failure.getMessage()).contains("SSLHandshakeException");
		Canary.assertAbsent(failure);
		assertThat(this.target.requestsByPeer()).isEmpty();
	}

	private HttpConnectProxy tlsProxy() {
		return this.proxies.httpBuilder()
			.tls()
			.egressAddress("127.0.0.21")
			.credentials(Canary.USER, Canary.PASSWORD)
			.start();
	}

	private static ProxyEndpoint endpoint(HttpConnectProxy proxy) {
		return ProxyEndpoint.parse(proxy.url());
	}

	private static ProbeFailedException failure(HealthProbe probe, ProxyEndpoint endpoint) {
		Throwable error = catchThrowable(() -> probe.check(endpoint, TIMEOUT).block(Duration.ofSeconds(10)));
		assertThat(error).isInstanceOf(ProbeFailedException.class);
		return (ProbeFailedException) error;
	}

	private static ProxyTls trustingTestProxies() {
		return ProxyTls.of(ProxyCertificate.trustingClientSslContext(), "the test proxies");
	}

}
