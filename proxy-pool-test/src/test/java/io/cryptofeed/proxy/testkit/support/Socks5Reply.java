package io.cryptofeed.proxy.testkit.support;

import java.net.InetAddress;

/**
 * A SOCKS5 reply to a request: its code and the address the proxy bound for the connection.
 */
public record Socks5Reply(int code, InetAddress boundAddress, int boundPort) {

	public boolean succeeded() {
		return this.code == 0x00;
	}

}
