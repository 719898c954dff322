package io.cryptofeed.proxy.testkit;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

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

}
