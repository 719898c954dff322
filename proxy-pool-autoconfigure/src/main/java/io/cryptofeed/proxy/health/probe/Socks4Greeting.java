package io.cryptofeed.proxy.health.probe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import io.cryptofeed.proxy.core.ProxyEndpoint;

/**
 * Sends a SOCKS4 proxy a CONNECT request for {@code 127.0.0.1:1} with the endpoint's username
 * as user id, and waits for its 8-byte reply.
 *
 * <p>SOCKS4 has no greeting without a command, so the proxy does try to connect its own port
 * 1, which is normally closed. Any reply with version byte 0x00 proves the process answers,
 * whatever its code: 0x5A (granted: a tunnel opened and is closed at once), 0x5B (rejected or
 * failed, the usual answer), 0x5C and 0x5D (identd checks).
 */
final class Socks4Greeting implements Greeting {

	static final int REPLY_LENGTH = 8;

	private final byte[] request;

	private final ByteArrayOutputStream received = new ByteArrayOutputStream();

	Socks4Greeting(ProxyEndpoint endpoint) {
		byte[] userId = (endpoint.username() != null) ? endpoint.username().getBytes(StandardCharsets.UTF_8)
				: new byte[0];
		ByteArrayOutputStream request = new ByteArrayOutputStream(9 + userId.length);
		// Version 4, CONNECT, port 1, 127.0.0.1
		request.writeBytes(new byte[] { 0x04, 0x01, 0x00, 0x01, 127, 0, 0, 1 });
		request.write(userId, 0, userId.length);
		request.write(0x00);
		this.request = request.toByteArray();
	}

	@Override
	public byte[] opening() {
		return this.request.clone();
	}

	@Override
	public Step receive(byte[] bytes) {
		this.received.write(bytes, 0, bytes.length);
		if (this.received.size() == 0) {
			return Step.more();
		}
		int version = this.received.toByteArray()[0] & 0xFF;
		if (version != 0x00) {
			return Step.fail("answered the SOCKS4 request with reply version " + Socks5Greeting.hex(version)
					+ " instead of 0x00");
		}
		return (this.received.size() < REPLY_LENGTH) ? Step.more() : Step.alive();
	}

}
