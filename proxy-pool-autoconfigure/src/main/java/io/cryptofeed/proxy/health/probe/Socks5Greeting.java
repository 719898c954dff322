package io.cryptofeed.proxy.health.probe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import io.cryptofeed.proxy.core.ProxyEndpoint;

/**
 * Offers a SOCKS5 proxy its authentication methods (RFC 1928) and, when it picks
 * username/password, authenticates (RFC 1929). Never sends a command: the proxy connects
 * nowhere.
 *
 * <p>Without credentials only "no authentication" (0x00) is offered. With credentials both
 * 0x00 and username/password (0x02) are offered, as Netty's SOCKS5 handler does for real
 * connections, so the check passes exactly when a real connection would get past
 * authentication: a proxy that needs no authentication may pick 0x00. A proxy that picks 0x02
 * must then accept the credentials (status 0x00); 0xFF (no acceptable method) fails.
 */
final class Socks5Greeting implements Greeting {

	static final int VERSION = 0x05;

	static final int NO_AUTHENTICATION = 0x00;

	static final int USERNAME_PASSWORD = 0x02;

	static final int NO_ACCEPTABLE_METHOD = 0xFF;

	static final int AUTHENTICATION_VERSION = 0x01;

	/** The RFC 1929 request, {@code null} without credentials. */
	private final byte[] authentication;

	private final ByteArrayOutputStream received = new ByteArrayOutputStream();

	private boolean authenticating;

	Socks5Greeting(ProxyEndpoint endpoint) {
		this.authentication = endpoint.hasCredentials() ? authentication(endpoint) : null;
	}

	/** Each field fits its length byte: {@link ProxyEndpoint} refuses a SOCKS5 credential over 255 bytes. */
	private static byte[] authentication(ProxyEndpoint endpoint) {
		byte[] username = endpoint.username().getBytes(StandardCharsets.UTF_8);
		byte[] password = (endpoint.password() != null) ? endpoint.password().getBytes(StandardCharsets.UTF_8)
				: new byte[0];
		ByteArrayOutputStream request = new ByteArrayOutputStream(3 + username.length + password.length);
		request.write(AUTHENTICATION_VERSION);
		request.write(username.length);
		request.write(username, 0, username.length);
		request.write(password.length);
		request.write(password, 0, password.length);
		return request.toByteArray();
	}

	@Override
	public byte[] opening() {
		return (this.authentication != null)
				? new byte[] { VERSION, 2, NO_AUTHENTICATION, USERNAME_PASSWORD }
				: new byte[] { VERSION, 1, NO_AUTHENTICATION };
	}

	@Override
	public Step receive(byte[] bytes) {
		this.received.write(bytes, 0, bytes.length);
		if (this.received.size() < 2) {
			return Step.more();
		}
		byte[] answer = this.received.toByteArray();
		this.received.reset();
		return this.authenticating ? authenticated(answer) : methodSelected(answer);
	}

	private Step methodSelected(byte[] answer) {
		int version = answer[0] & 0xFF;
		int method = answer[1] & 0xFF;
		if (version != VERSION) {
			return Step.fail("answered the SOCKS5 greeting with version " + hex(version) + " instead of 0x05");
		}
		if (method == NO_AUTHENTICATION) {
			return Step.alive();
		}
		if (method == USERNAME_PASSWORD && this.authentication != null) {
			this.authenticating = true;
			return Step.send(this.authentication);
		}
		if (method == NO_ACCEPTABLE_METHOD) {
			return Step.fail((this.authentication != null)
					? "accepts none of the offered SOCKS5 methods (no authentication, username/password)"
					: "accepts no SOCKS5 connection without authentication (no acceptable method)");
		}
		return Step.fail("picked SOCKS5 method " + hex(method) + ", which was not offered");
	}

	private Step authenticated(byte[] answer) {
		int status = answer[1] & 0xFF;
		return (status == 0x00) ? Step.alive()
				: Step.fail("rejected the credentials (RFC 1929 status " + hex(status) + ")");
	}

	static String hex(int value) {
		return String.format("0x%02X", value);
	}

}
