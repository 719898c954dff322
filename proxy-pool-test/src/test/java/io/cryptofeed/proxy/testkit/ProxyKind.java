package io.cryptofeed.proxy.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.cryptofeed.proxy.testkit.support.ProxyClient;
import io.cryptofeed.proxy.testkit.target.TargetServer;

/**
 * The two in-JVM proxies, for tests that check the same behaviour on both.
 */
enum ProxyKind {

	HTTP {

		@Override
		TestProxyBuilder<?, ?> builder(TestProxiesExtension proxies) {
			return proxies.httpBuilder();
		}

		@Override
		void sendOpening(Socket socket, TargetServer target) throws IOException {
			OutputStream output = socket.getOutputStream();
			String authority = target.host() + ":" + target.port();
			output.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			output.flush();
		}

		@Override
		String whoami(TestProxy proxy, TargetServer target) throws IOException {
			return ProxyClient.whoamiThroughHttp(proxy.host(), proxy.port(), target.host(), target.port(), null, null);
		}

		@Override
		Socket tunnel(TestProxy proxy, TargetServer target) throws IOException {
			return ProxyClient.httpTunnel(proxy.host(), proxy.port(), target.host(), target.port(), null, null);
		}

	},

	SOCKS5 {

		@Override
		TestProxyBuilder<?, ?> builder(TestProxiesExtension proxies) {
			return proxies.socks5Builder();
		}

		@Override
		void sendOpening(Socket socket, TargetServer target) throws IOException {
			OutputStream output = socket.getOutputStream();
			output.write(new byte[] { 0x05, 0x01, 0x00 });
			output.flush();
		}

		@Override
		String whoami(TestProxy proxy, TargetServer target) throws IOException {
			return ProxyClient.whoamiThroughSocks5(proxy.host(), proxy.port(), target.host(), target.port(), null,
					null);
		}

		@Override
		Socket tunnel(TestProxy proxy, TargetServer target) throws IOException {
			return ProxyClient.socks5Tunnel(proxy.host(), proxy.port(), target.host(), target.port(), null, null);
		}

	};

	abstract TestProxyBuilder<?, ?> builder(TestProxiesExtension proxies);

	TestProxy start(TestProxiesExtension proxies) {
		return builder(proxies).start();
	}

	/** Sends the client's first handshake message, which the proxy answers when it works. */
	abstract void sendOpening(Socket socket, TargetServer target) throws IOException;

	/** Asks the target's {@code /whoami} through a fresh tunnel. */
	abstract String whoami(TestProxy proxy, TargetServer target) throws IOException;

	abstract Socket tunnel(TestProxy proxy, TargetServer target) throws IOException;

}
