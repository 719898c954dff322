package io.cryptofeed.proxy.core;

import java.util.Locale;

/** Proxy protocols a pool member can speak. */
public enum ProxyScheme {

	/** HTTP proxy, always used as a CONNECT tunnel. */
	HTTP("http"),

	/**
	 * HTTP proxy reached over TLS, used as a CONNECT tunnel: the CONNECT request and its
	 * credentials travel encrypted to the proxy.
	 */
	HTTPS("https"),

	/** SOCKS version 4 (no password support in the protocol). */
	SOCKS4("socks4"),

	/** SOCKS version 5, optionally with username/password authentication. */
	SOCKS5("socks5");

	private final String id;

	ProxyScheme(String id) {
		this.id = id;
	}

	public String id() {
		return this.id;
	}

	/**
	 * The scheme for a URL scheme name, or {@code null} when it is not a supported proxy
	 * protocol. {@code socks5h} (remote DNS) maps to {@link #SOCKS5}: targets are always
	 * resolved by the proxy.
	 */
	static ProxyScheme fromUrlScheme(String scheme) {
		return switch (scheme.toLowerCase(Locale.ROOT)) {
			case "http" -> HTTP;
			case "https" -> HTTPS;
			case "socks4" -> SOCKS4;
			case "socks5", "socks5h" -> SOCKS5;
			default -> null;
		};
	}

}
