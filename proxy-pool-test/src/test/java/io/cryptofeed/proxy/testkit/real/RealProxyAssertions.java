package io.cryptofeed.proxy.testkit.real;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;

import io.cryptofeed.proxy.testkit.support.ProxyClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Assertions shared by the tests of the real proxy launchers.
 */
final class RealProxyAssertions {

	private RealProxyAssertions() {
	}

	/**
	 * Closes the proxy and checks that its port no longer accepts connections and that no process
	 * it started is still running.
	 */
	static void assertCloseStopsEverything(RealProxy proxy, String binary) {
		List<ProcessHandle> processes = ProcessHandle.current()
			.descendants()
			.filter((process) -> process.info().command().map((command) -> command.endsWith("/" + binary)).orElse(false))
			.toList();
		assertThat(processes).isNotEmpty();

		proxy.close();

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(processes).noneMatch(ProcessHandle::isAlive));
		assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> ProxyClient.open(proxy.host(), proxy.port()).close());
	}

}
