package io.cryptofeed.proxy.testkit.real;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.cryptofeed.proxy.testkit.support.ProxyClient;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DanteTests {

	private static TargetServer target;

	@BeforeAll
	static void startTarget() {
		target = TargetServer.start("127.0.0.1");
	}

	@AfterAll
	static void stopTarget() {
		target.close();
	}

	@Test
	void tunnelReachesTheTargetFromTheEgressAddress() throws IOException {
		try (Dante proxy = Dante.builder().bindAddress("127.0.0.41").egressAddress("127.0.0.42").start()) {
			assertThat(proxy.url()).isEqualTo("socks5://127.0.0.41:" + proxy.port());

			assertThat(ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), target.host(), target.port(), null,
					null))
				.isEqualTo("127.0.0.42");
			assertThat(ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), "localhost", target.port(), null,
					null))
				.isEqualTo("127.0.0.42");
			RealProxyAssertions.assertCloseStopsEverything(proxy, RealProxies.DANTE);
		}
	}

	/** Every launcher takes {@code ::1}, as the builder does: Dante lets its clients in there too. */
	@Test
	void tunnelWorksOnTheIpv6Loopback() throws IOException {
		try (TargetServer ipv6Target = TargetServer.start("::1"); Dante proxy = Dante.builder().bindAddress("::1").start()) {
			assertThat(proxy.url()).isEqualTo("socks5://[0:0:0:0:0:0:0:1]:" + proxy.port());

			assertThat(ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), "::1", ipv6Target.port(), null, null))
				.isEqualTo("0:0:0:0:0:0:0:1");
			// an IPv4 target as well, from the IPv4 loopback address
			assertThat(ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), target.host(), target.port(), null,
					null))
				.isEqualTo("127.0.0.1");
		}
	}

	@Test
	void cpuTimeCountsWhatItsWorkersCost() {
		try (Dante proxy = Dante.builder().bindAddress("127.0.0.41").egressAddress("127.0.0.43").start()) {
			ThrowingCallable relay = () -> assertThat(ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(),
					target.host(), target.port(), null, null))
				.isEqualTo("127.0.0.43");
			long jvm = ProcessHandle.current().pid();
			// Dante relays in processes it forks: relay until they have CPU time of their own
			RealProxyAssertions.relayUntil(relay,
					() -> assertThat(RealProxyAssertions.cpuTimeOf(workers(jvm))).isPositive());
			Duration everyProcess = RealProxyAssertions.cpuTimeOf(RealProxyAssertions.processesOf(RealProxies.DANTE));

			assertThat(proxy.cpuTime()).isGreaterThanOrEqualTo(everyProcess);
		}
	}

	/** Dante's processes that this JVM did not start itself: the ones Dante forked. */
	private static List<ProcessHandle> workers(long jvm) {
		return RealProxyAssertions.processesOf(RealProxies.DANTE)
			.stream()
			.filter((process) -> process.parent().map(ProcessHandle::pid).orElse(jvm) != jvm)
			.toList();
	}

}
