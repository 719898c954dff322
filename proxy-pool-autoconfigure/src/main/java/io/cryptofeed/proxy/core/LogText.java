package io.cryptofeed.proxy.core;

/**
 * Text the pools did not write (an exchange id a request named, a field of the proxy service's
 * answer) made fit to quote in a log line or an exception's message: on one line, and unable to
 * end the quoted field it sits in, so that it cannot forge a line of its own.
 */
public final class LogText {

	private LogText() {
	}

	/**
	 * The text on one line: control characters, line and paragraph separators and invisible
	 * formatting characters written as escapes ({@code \n}, {@code \u001b}), and quotes and
	 * backslashes escaped. The text itself when it holds none of them, as nearly every one does.
	 */
	public static String oneLine(String text) {
		if (text == null) {
			return null;
		}
		int first = firstToEscape(text);
		if (first < 0) {
			return text;
		}
		StringBuilder line = new StringBuilder(text.length() + 8).append(text, 0, first);
		for (int i = first; i < text.length(); i++) {
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

	/**
	 * Whether the text holds no control character, line break or invisible formatting
	 * character, which {@link #oneLine} writes as escapes (quotes and backslashes aside).
	 */
	public static boolean fitsOneLine(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (invisible(text.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	private static int firstToEscape(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\' || invisible(c)) {
				return i;
			}
		}
		return -1;
	}

	private static boolean invisible(char c) {
		int type = Character.getType(c);
		return Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
				|| type == Character.FORMAT;
	}

}
