package io.cryptofeed.proxy.service;

import io.cryptofeed.proxy.core.ProxyUrls;

/**
 * Text from outside (a field of the service's answer, up to 256 KB, or a library's message)
 * made fit to quote in a message that ends up in a log line: credentials masked before it is
 * cut, so that no cut leaves part of a password, and no character that could end the line or
 * the quoted field it sits in.
 */
final class UntrustedText {

	private UntrustedText() {
	}

	/** The text with its credentials masked, cut after {@code maxChars} characters. */
	static String excerpt(String text, int maxChars) {
		if (text == null) {
			return null;
		}
		String masked = ProxyUrls.maskWords(text);
		if (masked.length() <= maxChars) {
			return masked;
		}
		int end = Character.isHighSurrogate(masked.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
		return masked.substring(0, end) + "… (" + text.length() + " characters)";
	}

	/**
	 * The text on one line: control characters, line and paragraph separators and invisible
	 * formatting characters written as escapes ({@code \n}, {@code \u001b}), and quotes and
	 * backslashes escaped, so that the text cannot end a {@code detail="…"} field early.
	 */
	static String oneLine(String text) {
		if (text == null) {
			return null;
		}
		StringBuilder line = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '\n' -> line.append("\\n");
				case '\r' -> line.append("\\r");
				case '\t' -> line.append("\\t");
				case '"', '\\' -> line.append('\\').append(c);
				default -> {
					if (invisible(c)) {
						line.append(String.format("\\u%04x", (int) c));
					}
					else {
						line.append(c);
					}
				}
			}
		}
		return line.toString();
	}

	private static boolean invisible(char c) {
		int type = Character.getType(c);
		return Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
				|| type == Character.FORMAT;
	}

}
