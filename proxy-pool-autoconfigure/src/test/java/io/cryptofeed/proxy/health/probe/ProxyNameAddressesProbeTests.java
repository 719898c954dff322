package io.cryptofeed.proxy.health.probe;

import java.net.URI;
import java.time.Duration;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.netty.ProxyTls;
import io.cryptofeed.proxy.testkit.BlackholeProxy;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.TestProxiesExtension;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.cryptofeed.proxy.testsupport.NameAddresses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.tcp.TcpClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A proxy host name with several addresses is probed as the pools' connects go: at the next
 * address when the TCP connect to one is refused, never after a timeout. The name resolves (by
 * a lookup the test gives the probe) to loopback addresses the proxy does not listen on, then
 * to the one it does.
 */
class ProxyNameAddressesProbeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);

	private static final String NAME = "proxy.test";

	private static TargetServer target;

	@RegisterExtension
	final TestProxiesExtension proxies = new TestProxiesExtension();

	@BeforeAll
	static void startTarget() {
		target = TargetServer.start("127.0.0.1");
	}

	@AfterAll
	static void stopTarget() {
		target.close();
	}

	@Test
	void theTcpProbeGreetsANameAtItsNextAddressWhenTheFirstRefuses() {
		HttpConnectProxy proxy = this.proxies.httpBuilder().bindAddress("127.0.0.1").start();
		HealthProbe probe = tcp("127.0.0.2", "127.0.0.3", "127.0.0.1");

		assertThat(probe.check(named(proxy.port()), TIMEOUT).block(Duration.ofSeconds(5))).isPositive()
			.isLessThan(TIMEOUT);
		assertThat(proxy.accepted()).isOne();
	}

	@Test
	void theHttpProbeGoesThroughANameAtItsNextAddressWhenTheFirstRefuses() {
		HttpConnectProxy proxy = this.proxies.httpBuilder().bindAddress("127.0.0.1").start();
		HealthProbe probe = http("127.0.0.2", "127.0.0.1");

		assertThat(probe.check(named(proxy.port()), TIMEOUT).block(Duration.ofSeconds(5))).isPositive()
			.isLessThan(TIMEOUT);
		assertThat(proxy.tunnels()).isOne();
	}

	@Test
	void aNameWhoseEveryAddressRefusesFailsNamingTheLast() {
		HttpConnectProxy gone = this.proxies.httpBuilder().bindAddress("127.0.0.1").start();
		int port = gone.port();
		gone.close();

		for (HealthProbe probe : new HealthProbe[] { tcp("127.0.0.2", "127.0.0.3"), http("127.0.0.2", "127.0.0.3") }) {
			Throwable failure = catchThrowable(() -> probe.check(named(port), TIMEOUT).block(Duration.ofSeconds(5)));
			assertThat(failure).as(probe.toString())
				.isInstanceOf(ProbeFailedException.class)
				.hasMessageContaining("127.0.0.3:" + port)
				.hasMessageNotContaining("127.0.0.2:" + port);
		}
	}

	/** A connect that times out is no refusal: the next address is not tried, as the pools' connects do not. */
	@Test
	void aConnectThatTimesOutIsNotTriedAtTheNextAddress() {
		BlackholeProxy dropping = this.proxies.manage(BlackholeProxy.start());
		HttpConnectProxy next = this.proxies.httpBuilder().bindAddress("127.0.0.2").port(dropping.port()).start();

		for (HealthProbe probe : new HealthProbe[] { tcp("127.0.0.1", "127.0.0.2"), http("127.0.0.1", "127.0.0.2") }) {
			Throwable failure = catchThrowable(
					() -> probe.check(named(dropping.port()), SHORT_TIMEOUT).block(Duration.ofSeconds(5)));
			assertThat(failure).as(probe.toString()).isInstanceOf(ProbeFailedException.class);
		}
		assertThat(next.accepted()).isZero();
	}

	private static ProxyEndpoint named(int port) {
		return ProxyEndpoint.parse("http://" + NAME + ":" + port);
	}

	private static HealthProbe tcp(String... loopback) {
		return new GreetingProbe(TcpClient.newConnection(), Schedulers.parallel(), ProxyTls.systemDefault(),
				(host) -> NameAddresses.of(host, NAME, loopback));
	}

	private static HealthProbe http(String... loopback) {
		return new HttpThroughProxyProbe(URI.create(target.baseUrl() + "/status/200"),
				(status) -> status == 200, HttpClient.newConnection(), Schedulers.parallel(),
				ProxyTls.systemDefault(), (host) -> NameAddresses.of(host, NAME, loopback));
	}

}
