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

	/** {@code scheme://user@host:port}: enough to name the proxy back to the service that gave it. */
	static String withoutPassword(ProxyEndpoint endpoint) {
		return write(endpoint, false);
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
		return url.append(endpoint.hostAndPort()).toString();
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
