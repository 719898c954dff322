package io.cryptofeed.proxy.testkit.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Ports for tests that need one nothing listens on.
 */
public final class Ports {

	private Ports() {
	}

	/** A port on 127.0.0.1 that nothing listens on, since it was just released. */
	public static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

}
