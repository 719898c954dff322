package io.cryptofeed.proxy.service;

import java.nio.charset.StandardCharsets;

import io.cryptofeed.proxy.core.ProxyEndpoint;

/**
 * Writes proxy URLs for the protocol, the inverse of {@link ProxyEndpoint#parse}: with the
 * credentials for an answer, without the password for feedback. Never for logs: use the
 * endpoint's masked {@code toString} there.
 */
final class ProxyUrlFormat {

	private static final String UNRESERVED = "-._~";

	private ProxyUrlFormat() {
	}

	/** {@code scheme://user:password@host:port}, credentials percent-encoded: what a client needs to connect. */
	static String withCredentials(ProxyEndpoint endpoint) {
		return write(endpoint, true);
	}

	/**
	 * A proxy URL of an answer, one {@link ProxyEndpoint#parse} accepted, as the service wrote
	 * it but without the password ({@code scheme://user@host:port}): what names the proxy back to
	 * the service that gave it, whose scheme ({@code socks5h}), case and encoding it keeps.
	 */
	static String withoutPassword(String answered) {
		String url = answered.strip();
		int authority = url.indexOf("://") + 3;
		int at = url.lastIndexOf('@');
		int colon = url.indexOf(':', authority);
		if (at < authority || colon < 0 || colon > at) {
			return url;
		}
		return url.substring(0, colon) + url.substring(at);
	}

	private static String write(ProxyEndpoint endpoint, boolean password) {
		StringBuilder url = new StringBuilder(endpoint.scheme().id()).append("://");
		if (endpoint.username() != null) {
			url.append(encode(endpoint.username()));
			if (password && endpoint.password() != null) {
				url.append(':').append(encode(endpoint.password()));
			}
			url.append('@');
		}
		// a zone as a URL writes it (RFC 6874): [fe80::1%25eth0]
		return url.append(endpoint.hostAndPort().replace("%", "%25")).toString();
	}

	private static String encode(String value) {
		StringBuilder encoded = new StringBuilder(value.length());
		for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xFF);
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
					|| UNRESERVED.indexOf(c) >= 0) {
				encoded.append(c);
			}
			else {
				encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
					.append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
			}
		}
		return encoded.toString();
	}

}
