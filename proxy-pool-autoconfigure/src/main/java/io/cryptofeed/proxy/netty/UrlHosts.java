package io.cryptofeed.proxy.netty;

/**
 * The host of a URL as Reactor Netty reads it, to route a connection by. Not
 * {@link java.net.URI}: Reactor Netty sends URLs that a strict parser rejects (Binance's
 * {@code ?symbols=["BTCUSDT"]}, unencoded), and such a request must not lose its exchange's
 * pool for it. One substring per call, no other allocation.
 */
final class UrlHosts {

	private UrlHosts() {
	}

	/**
	 * The host of the URL, {@code [v6]} in brackets; {@code null} when it has none (a path).
	 * As in Reactor Netty, the scheme may be left out ({@code localhost:8080/path}).
	 */
	static String of(String url) {
		if (url == null) {
			return null;
		}
		int scheme = schemeEnd(url);
		return host(url, (scheme < 0) ? 0 : scheme + 3);
	}

	/** Where {@code ://} follows a scheme at the start of the URL, else -1. */
	private static int schemeEnd(String url) {
		for (int i = 0; i < url.length(); i++) {
			char c = url.charAt(i);
			if (c == ':') {
				return (i > 0 && url.startsWith("//", i + 1)) ? i : -1;
			}
			if (!Character.isLetterOrDigit(c) && c != '+' && c != '-' && c != '.') {
				return -1;
			}
		}
		return -1;
	}

	/** The host of the authority that starts at {@code start}: without user info and port. */
	private static String host(String url, int start) {
		int end = start;
		while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
			end++;
		}
		int at = url.lastIndexOf('@', end - 1);
		if (at >= start) {
			start = at + 1;
		}
		if (start < end && url.charAt(start) == '[') {
			int close = url.indexOf(']', start);
			return (close > start && close < end) ? url.substring(start, close + 1) : null;
		}
		int colon = url.indexOf(':', start);
		if (colon >= 0 && colon < end) {
			end = colon;
		}
		return (start < end) ? url.substring(start, end) : null;
	}

}
