package io.cryptofeed.proxy.service;

import io.cryptofeed.proxy.core.ProxyUrls;

/**
 * Text from outside (a field of the service's answer, up to 256 KB, or a library's message)
 * made fit to quote in a message that ends up in a log line: credentials masked before it is
 * cut, so that no cut leaves part of a password; {@link io.cryptofeed.proxy.core.LogText} then
 * puts it on one line.
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

}
