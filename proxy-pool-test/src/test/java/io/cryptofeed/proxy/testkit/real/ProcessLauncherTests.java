package io.cryptofeed.proxy.testkit.real;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cryptofeed.proxy.testkit.Loopback;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

class ProcessLauncherTests {

	private static final InetAddress HOST = Loopback.address("127.0.0.61");

	@Test
	void processExitingEarlyFailsWithItsOutput() {
		AtomicReference<Path> directory = new AtomicReference<>();

		assertThatIllegalStateException()
			.isThrownBy(() -> ProcessLauncher.launch("failing", HOST, Duration.ofSeconds(5), (port, dir) -> {
				directory.set(dir);
				return List.of("/bin/sh", "-c", "echo broken configuration; exit 3");
			}))
			.withMessageContaining("failing exited with code 3")
			.withMessageContaining("broken configuration");
		assertThat(directory.get()).doesNotExist();
	}

	@Test
	void processNeverListeningIsStoppedAfterTheTimeout() {
		List<String> command = List.of("/bin/sh", "-c", "echo pid=$$; exec sleep 60");

		Throwable failure = catchThrowable(
				() -> ProcessLauncher.launch("silent", HOST, Duration.ofMillis(500), (port, dir) -> command));

		assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("did not listen");
		Matcher pid = Pattern.compile("pid=(\\d+)").matcher(failure.getMessage());
		assertThat(pid.find()).isTrue();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> ProcessHandle.of(Long.parseLong(pid.group(1))).map(ProcessHandle::isAlive).orElse(false),
					(alive) -> !alive);
	}

	@Test
	void portTakenInTheMeantimeIsRetriedWithAnotherPort() {
		Path microsocks = RealProxies.require(RealProxies.MICROSOCKS);
		AtomicInteger attempts = new AtomicInteger();
		List<Integer> ports = new ArrayList<>();

		ProcessLauncher.Launched launched = ProcessLauncher.launch("retrying", HOST, Duration.ofSeconds(5),
				(port, dir) -> {
					ports.add(port);
					if (attempts.incrementAndGet() == 1) {
						return List.of("/bin/sh", "-c", "echo 'bind: Address already in use'; exit 1");
					}
					return List.of(microsocks.toString(), "-i", HOST.getHostAddress(), "-p", String.valueOf(port));
				});
		try {
			assertThat(attempts).hasValue(2);
			assertThat(launched.port()).isEqualTo(ports.get(1));
			assertThat(Files.isDirectory(launched.directory())).isTrue();
		}
		finally {
			launched.process().stop();
			ProxyProcess.deleteQuietly(launched.directory());
		}
		assertThat(launched.directory()).doesNotExist();
	}

}
