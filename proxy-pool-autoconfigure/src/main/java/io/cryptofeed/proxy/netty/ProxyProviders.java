package io.cryptofeed.proxy.netty;

import java.net.InetSocketAddress;
import java.time.Duration;

import io.cryptofeed.proxy.core.ProxyEndpoint;
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
			builder.username(endpoint.username());
			// a user without password (scheme://token@host:port) authenticates with an empty one,
			// as the health probe does: Reactor Netty sends no HTTP or SOCKS5 credentials at all
			// unless both are set
			String password = (endpoint.password() != null) ? endpoint.password() : "";
			builder.password((username) -> password);
		}
		return builder;
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
