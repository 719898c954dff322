package io.cryptofeed.proxy.health.probe;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyScheme;
import io.cryptofeed.proxy.testkit.real.Dante;
import io.cryptofeed.proxy.testkit.real.Microsocks;
import io.cryptofeed.proxy.testkit.real.RealProxies;
import io.cryptofeed.proxy.testkit.real.RealProxy;
import io.cryptofeed.proxy.testkit.real.Tinyproxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The tcp probe against Debian's tinyproxy, microsocks and danted running as child processes:
 * alive, killed, and stopped with SIGSTOP, where the kernel still accepts TCP connections but
 * only the greeting notices that nobody answers. Skipped where a binary is missing, except
 * with the {@code CI} environment variable set, where that fails.
 */
class RealProxyGreetingProbeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

	private static final Duration SHORT_TIMEOUT_BOUND = Duration.ofSeconds(3);

	private final HealthProbe probe = HealthProbes.tcp();

	private final List<AutoCloseable> cleanup = new ArrayList<>();

	/** The real proxies and how the probe addresses them. */
	enum Kind {

		TINYPROXY(RealProxies.TINYPROXY), TINYPROXY_WITH_CREDENTIALS(RealProxies.TINYPROXY),
		MICROSOCKS(RealProxies.MICROSOCKS), DANTE(RealProxies.DANTE), DANTE_SOCKS4(RealProxies.DANTE);

		private final String binary;

		Kind(String binary) {
			this.binary = binary;
		}

		RealProxy start() {
			return switch (this) {
				case TINYPROXY -> Tinyproxy.builder().start();
				case TINYPROXY_WITH_CREDENTIALS ->
					Tinyproxy.builder().credentials(Canary.USER, Canary.PASSWORD).start();
				case MICROSOCKS -> Microsocks.builder().credentials(Canary.USER, Canary.PASSWORD).start();
				case DANTE, DANTE_SOCKS4 -> Dante.builder().start();
			};
		}

		ProxyEndpoint endpoint(RealProxy proxy) {
			return (this == DANTE_SOCKS4)
					? new ProxyEndpoint(ProxyScheme.SOCKS4, proxy.host(), proxy.port(), null, null)
					: ProxyEndpoint.parse(proxy.url());
		}

	}

	@AfterEach
	void cleanUp() throws Exception {
		// Resume before closing: a stopped process would only die of SIGKILL
		for (int i = this.cleanup.size() - 1; i >= 0; i--) {
			this.cleanup.get(i).close();
		}
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void healthyRealProxyPasses(Kind kind) {
		RealProxy proxy = start(kind);
		assertThat(this.probe.check(kind.endpoint(proxy), TIMEOUT).block(Duration.ofSeconds(5))).isPositive()
			.isLessThan(TIMEOUT);
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void killedRealProxyFails(Kind kind) {
		RealProxy proxy = start(kind);
		ProxyEndpoint endpoint = kind.endpoint(proxy);
		assertThat(this.probe.check(endpoint, TIMEOUT).block(Duration.ofSeconds(5))).isPositive();
		proxy.close();
		ProbeFailedException failure = failure(endpoint, TIMEOUT);
		assertThat(failure).hasMessageStartingWith(endpoint + " could not be connected: ")
			.hasMessageContaining("Connection refused");
		Canary.assertAbsent(failure);
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void stoppedRealProxyFailsAlthoughTcpStillConnects(Kind kind) throws Exception {
		RealProxy proxy = start(kind);
		ProxyEndpoint endpoint = kind.endpoint(proxy);
		assertThat(this.probe.check(endpoint, TIMEOUT).block(Duration.ofSeconds(5))).isPositive();
		try (ProxyProcesses.Stopped stopped = stop(proxy, kind)) {
			assertThat(stopped.processes())
				.allSatisfy((process) -> assertThat(ProxyProcesses.state(process)).isEqualTo('T'));
			// The kernel still completes the TCP handshake into the listen backlog...
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(proxy.host(), proxy.port()), 1000);
				assertThat(socket.isConnected()).isTrue();
			}
			// ...but nobody answers the greeting
			Duration took = StepVerifier.create(this.probe.check(endpoint, SHORT_TIMEOUT))
				.expectErrorSatisfies((error) -> {
					assertThat(error).isInstanceOf(ProbeFailedException.class)
						.hasMessage(endpoint + " did not answer within 300ms");
					Canary.assertAbsent(error);
				})
				.verify(SHORT_TIMEOUT_BOUND);
			assertThat(took).isLessThan(SHORT_TIMEOUT_BOUND);
		}
		// Resumed: it answers again (connections queued while it was stopped may come first)
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.probe.check(endpoint, TIMEOUT).block(Duration.ofSeconds(5)))
				.isPositive());
	}

	@Test
	void tinyproxyRejectsWrongCredentialsWith401() {
		RealProxy proxy = start(Kind.TINYPROXY_WITH_CREDENTIALS);
		ProxyEndpoint endpoint = new ProxyEndpoint(ProxyScheme.HTTP, proxy.host(), proxy.port(), Canary.USER,
				Canary.PASSWORD + "-wrong");
		ProbeFailedException failure = failure(endpoint, TIMEOUT);
		assertThat(failure).hasMessage(endpoint + " rejected the credentials (HTTP 401)");
		Canary.assertAbsent(failure);
	}

	@Test
	void tinyproxyAnswers407WithoutCredentialsWhichFailsTheMember() {
		RealProxy proxy = start(Kind.TINYPROXY_WITH_CREDENTIALS);
		ProxyEndpoint endpoint = new ProxyEndpoint(ProxyScheme.HTTP, proxy.host(), proxy.port(), null, null);
		assertThat(failure(endpoint, TIMEOUT)).hasMessageContaining("requires credentials the member lacks (HTTP 407)");
	}

	@Test
	void microsocksRejectsWrongCredentialsWithStatus2() {
		RealProxy proxy = start(Kind.MICROSOCKS);
		ProxyEndpoint endpoint = new ProxyEndpoint(ProxyScheme.SOCKS5, proxy.host(), proxy.port(), Canary.USER,
				"not-" + Canary.PASSWORD);
		ProbeFailedException failure = failure(endpoint, TIMEOUT);
		assertThat(failure).hasMessage(endpoint + " rejected the credentials (RFC 1929 status 0x02)");
		Canary.assertAbsent(failure);
	}

	@Test
	void microsocksWithoutCredentialsOffersNoAcceptableMethod() {
		RealProxy proxy = start(Kind.MICROSOCKS);
		ProxyEndpoint endpoint = new ProxyEndpoint(ProxyScheme.SOCKS5, proxy.host(), proxy.port(), null, null);
		assertThat(failure(endpoint, TIMEOUT)).hasMessage(
				endpoint + " accepts no SOCKS5 connection without authentication (no acceptable method)");
	}

	@Test
	void danteIgnoresCredentialsItDoesNotNeed() {
		RealProxy proxy = start(Kind.DANTE);
		ProxyEndpoint endpoint = new ProxyEndpoint(ProxyScheme.SOCKS5, proxy.host(), proxy.port(), Canary.USER,
				Canary.PASSWORD);
		assertThat(this.probe.check(endpoint, TIMEOUT).block(Duration.ofSeconds(5))).isPositive();
	}

	@Test
	void wrongSchemeFails() {
		RealProxy proxy = start(Kind.DANTE);
		ProxyEndpoint endpoint = new ProxyEndpoint(ProxyScheme.HTTP, proxy.host(), proxy.port(), null, null);
		assertThat(failure(endpoint, TIMEOUT))
			.hasMessage(endpoint + " closed the connection before completing the greeting");
	}

	private RealProxy start(Kind kind) {
		RealProxy proxy = kind.start();
		this.cleanup.add(proxy);
		return proxy;
	}

	private ProxyProcesses.Stopped stop(RealProxy proxy, Kind kind) {
		ProxyProcesses.Stopped stopped = ProxyProcesses.stop(ProxyProcesses.find(proxy, kind.binary));
		this.cleanup.add(stopped);
		return stopped;
	}

	private ProbeFailedException failure(ProxyEndpoint endpoint, Duration timeout) {
		Throwable thrown = catchThrowable(() -> this.probe.check(endpoint, timeout).block(Duration.ofSeconds(10)));
		assertThat(thrown).isInstanceOf(ProbeFailedException.class);
		return (ProbeFailedException) thrown;
	}

}
