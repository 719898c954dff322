package io.cryptofeed.proxy.testkit.real;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.cryptofeed.proxy.testkit.support.ProxyClient;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StunnelTests {

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
	void tlsInFrontOfTinyproxyCarriesItsTunnelsAndCloseStopsBoth() throws IOException {
		Tinyproxy behind = Tinyproxy.builder().bindAddress("127.0.0.21").egressAddress("127.0.0.26").start();
		try (Stunnel stunnel = Stunnel.builder(behind).bindAddress("127.0.0.21").start()) {
			assertThat(stunnel.url()).isEqualTo("https://127.0.0.21:" + stunnel.port());
			assertThat(stunnel.egressAddress()).isEqualTo("127.0.0.26");

			String peer = ProxyClient.whoamiThroughTlsHttp(stunnel.host(), stunnel.port(), target.host(),
					target.port(), null, null);

			assertThat(peer).isEqualTo("127.0.0.26");
			List<ProcessHandle> tinyproxies = RealProxyAssertions.processesOf(RealProxies.TINYPROXY);
			assertThat(tinyproxies).isNotEmpty();
			RealProxyAssertions.assertCloseStopsEverything(stunnel, RealProxies.STUNNEL);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(tinyproxies).noneMatch(ProcessHandle::isAlive));
		}
	}

	@Test
	void theUrlCarriesTheCredentialsOfTheProxyBehind() throws IOException {
		try (Stunnel stunnel = Stunnel.builder(Tinyproxy.builder()
			.bindAddress("127.0.0.21")
			.egressAddress("127.0.0.27")
			.credentials("alice", "s3cret")
			.start()).bindAddress("127.0.0.21").start()) {
			assertThat(stunnel.url()).isEqualTo("https://alice:s3cret@127.0.0.21:" + stunnel.port());
			assertThat(ProxyClient.whoamiThroughTlsHttp(stunnel.host(), stunnel.port(), target.host(), target.port(),
					"alice", "s3cret"))
				.isEqualTo("127.0.0.27");
		}
	}

	/** On {@code ::1} its URL brackets the address, as the URL of the proxy behind it does. */
	@Test
	void onTheIpv6LoopbackItsUrlBracketsTheAddress() throws IOException {
		try (TargetServer ipv6Target = TargetServer.start("::1");
				Stunnel stunnel = Stunnel.builder(Tinyproxy.builder().bindAddress("::1").start())
					.bindAddress("::1")
					.start()) {
			assertThat(stunnel.url()).isEqualTo("https://[0:0:0:0:0:0:0:1]:" + stunnel.port());
			assertThat(ProxyClient.whoamiThroughTlsHttp(stunnel.host(), stunnel.port(), "::1", ipv6Target.port(), null,
					null))
				.isEqualTo("0:0:0:0:0:0:0:1");
		}
	}

}
