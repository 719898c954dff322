package io.cryptofeed.proxy.testkit.real;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;

import io.cryptofeed.proxy.testkit.support.ProxyClient;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.core.ThrowingRunnable;

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
		List<ProcessHandle> processes = processesOf(binary);
		assertThat(processes).isNotEmpty();

		proxy.close();

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(processes).noneMatch(ProcessHandle::isAlive));
		assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> ProxyClient.open(proxy.host(), proxy.port()).close());
	}

	/** The live processes of the binary that this JVM started, their children included. */
	static List<ProcessHandle> processesOf(String binary) {
		return ProcessHandle.current()
			.descendants()
			.filter((process) -> process.info().command().map((command) -> command.endsWith("/" + binary)).orElse(false))
			.toList();
	}

	/** The CPU time the processes have used so far. */
	static Duration cpuTimeOf(List<ProcessHandle> processes) {
		return processes.stream()
			.map((process) -> process.info().totalCpuDuration().orElse(Duration.ZERO))
			.reduce(Duration.ZERO, Duration::plus);
	}

	/**
	 * Relays requests, twenty at a time, until the assertion about CPU time holds: the system
	 * counts it in ticks (10 ms on Linux), so one request may not show.
	 */
	static void relayUntil(ThrowingCallable relayOneRequest, ThrowingRunnable cpuTimeAssertion) {
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			for (int i = 0; i < 20; i++) {
				relayOneRequest.call();
			}
			cpuTimeAssertion.run();
		});
	}

}
