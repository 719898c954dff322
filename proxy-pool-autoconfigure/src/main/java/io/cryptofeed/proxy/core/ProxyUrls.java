package io.cryptofeed.proxy.core;

/** Helpers for showing proxy URLs without their credentials. */
public final class ProxyUrls {

	static final String MASK = "***";

	private ProxyUrls() {
	}

	/**
	 * Masks the user-info part of anything that looks like a URL, even a malformed one,
	 * so that it can be shown in an error message: {@code socks5://u:p@h:1} becomes
	 * {@code socks5://***@h:1}.
	 */
	public static String mask(String raw) {
		if (raw == null) {
			return null;
		}
		int start = raw.indexOf("://");
		start = (start < 0) ? 0 : start + 3;
		int at = raw.lastIndexOf('@');
		if (at < start) {
			return raw;
		}
		return raw.substring(0, start) + MASK + raw.substring(at);
	}

	/**
	 * Masks every word of a free text that carries user info ({@code user:pass@host}), for
	 * error messages from libraries that may quote a URL.
	 */
	public static String maskWords(String text) {
		if (text == null || text.indexOf('@') < 0) {
			return text;
		}
		StringBuilder masked = new StringBuilder(text.length());
		for (String word : text.split(" ", -1)) {
			masked.append((masked.length() > 0) ? " " : "").append((word.indexOf('@') >= 0) ? mask(word) : word);
		}
		return masked.toString();
	}

}
