package io.cryptofeed.proxy.testkit;

import java.nio.charset.StandardCharsets;

/**
 * Builds proxy URLs with percent-encoded user information. Public only for the kit's real
 * proxies (package {@code real}); not for tests: a proxy's {@code url()} gives its URL.
 */
public final class ProxyUrls {

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	private ProxyUrls() {
	}

	/**
	 * Builds a URL such as {@code socks5://user:pass@127.0.0.1:1080}.
	 * @param user the user, or {@code null} for a URL without user information
	 * @param password the password, used only with a user
	 */
	public static String url(String scheme, String user, String password, String host, int port) {
		StringBuilder url = new StringBuilder(scheme).append("://");
		if (user != null) {
			url.append(encode(user)).append(':').append(encode(password)).append('@');
		}
		url.append(host.contains(":") ? "[" + host + "]" : host);
		return url.append(':').append(port).toString();
	}

	/** Percent-encodes everything except RFC 3986 unreserved characters, as UTF-8. */
	private static String encode(String value) {
		StringBuilder encoded = new StringBuilder();
		for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xFF);
			if (isUnreserved(c)) {
				encoded.append(c);
			}
			else {
				encoded.append('%').append(HEX[(b >> 4) & 0x0F]).append(HEX[b & 0x0F]);
			}
		}
		return encoded.toString();
	}

	private static boolean isUnreserved(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
				|| c == '_' || c == '~';
	}

}
