package io.cryptofeed.proxy.netty;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyScheme;
import reactor.netty.transport.ProxyProvider;

/**
 * Maps a pool member to Reactor Netty's proxy settings; shared by the transport and the http
 * health probe (package {@code health.probe}), and not for applications.
 */
public final class ProxyProviders {

	private ProxyProviders() {
	}

	/**
	 * Settings for one member. Built from the resolved address and plain values, so two
	 * connections through the same member get equal providers and share a connection pool.
	 */
	public static ProxyProvider.Builder builder(ProxyProvider.TypeSpec spec, ProxyEndpoint endpoint,
			InetSocketAddress address, Duration handshakeTimeout) {
		ProxyProvider.Builder builder = spec.type(type(endpoint))
			.address(address)
			.connectTimeoutMillis(handshakeTimeout.toMillis());
		if (endpoint.username() != null) {
			boolean socks = endpoint.scheme() == ProxyScheme.SOCKS4 || endpoint.scheme() == ProxyScheme.SOCKS5;
			builder.username(socks ? socksWireForm(endpoint.username()) : endpoint.username());
			// a user without password (scheme://token@host:port) authenticates with an empty one,
			// as the health probe does: Reactor Netty sends no HTTP or SOCKS5 credentials at all
			// unless both are set
			String password = (endpoint.password() != null) ? endpoint.password() : "";
			String sent = socks ? socksWireForm(password) : password;
			builder.password((username) -> sent);
		}
		return builder;
	}

	/**
	 * A SOCKS credential as Netty must be given it to send its UTF-8 bytes, as the health probe
	 * does and as the URL percent-encoded them: Netty writes each char of a SOCKS user, password
	 * or user id as one byte (a char beyond U+00FF as '?'), so the string handed to it has one
	 * char per UTF-8 byte. ASCII, the common case, is the same string.
	 */
	private static String socksWireForm(String credential) {
		for (int i = 0; i < credential.length(); i++) {
			if (credential.charAt(i) >= 0x80) {
				return new String(credential.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
			}
		}
		return credential;
	}

	/** Reactor Netty's kind of proxy for the member's scheme. */
	public static ProxyProvider.Proxy type(ProxyEndpoint endpoint) {
		return switch (endpoint.scheme()) {
			// an https member's TLS is put under the CONNECT handshake by ProxyTls
			case HTTP, HTTPS -> ProxyProvider.Proxy.HTTP;
			case SOCKS4 -> ProxyProvider.Proxy.SOCKS4;
			case SOCKS5 -> ProxyProvider.Proxy.SOCKS5;
		};
	}

}
