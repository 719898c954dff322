package io.cryptofeed.proxy.testkit.real;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Finds a port that is free on an address right now, for a process that needs a port number.
 */
final class FreePorts {

	private FreePorts() {
	}

	static int pick(InetAddress address) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(address, 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port on " + address.getHostAddress(), ex);
		}
	}

}
