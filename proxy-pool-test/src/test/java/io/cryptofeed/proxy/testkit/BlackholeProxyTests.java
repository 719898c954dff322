package io.cryptofeed.proxy.testkit;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BlackholeProxyTests {

	@Test
	void aConnectNeverCompletes() throws Exception {
		try (BlackholeProxy blackhole = BlackholeProxy.start(); Socket socket = new Socket()) {
			assertThat(blackhole.url()).isEqualTo("http://127.0.0.1:" + blackhole.port());
			assertThatExceptionOfType(SocketTimeoutException.class)
				.isThrownBy(() -> socket.connect(new InetSocketAddress(blackhole.host(), blackhole.port()), 500));
		}
	}

	@Test
	void closingItFreesThePort() throws Exception {
		BlackholeProxy blackhole = BlackholeProxy.start();
		int port = blackhole.port();
		blackhole.close();
		try (Socket socket = new Socket()) {
			// nothing listens any more: refused at once, not dropped
			assertThatExceptionOfType(java.net.ConnectException.class)
				.isThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", port), 2000));
		}
	}

	/**
	 * A JVM that prefers IPv6 makes {@code ::1} its loopback address: the blackhole stays on
	 * {@code 127.0.0.1}, as documented, so its URL is the same there.
	 */
	@Test
	void itListensOn127001AlsoInAJvmThatPrefersIpv6() throws Exception {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process child = new ProcessBuilder(java.toString(), "-Djava.net.preferIPv6Addresses=true", "-cp",
				System.getProperty("java.class.path"), PrintUrl.class.getName())
			.redirectErrorStream(true)
			.start();
		assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
		String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

		assertThat(output).matches("http://127\\.0\\.0\\.1:\\d+");
	}

	/** Run in a child JVM: prints the URL of a blackhole. */
	static final class PrintUrl {

		public static void main(String[] args) {
			try (BlackholeProxy blackhole = BlackholeProxy.start()) {
				System.out.println(blackhole.url());
			}
		}

	}

}
