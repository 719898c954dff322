package io.cryptofeed.proxy.core;

import java.net.URI;
import java.net.URISyntaxException;

/** Helpers for showing proxy URLs, and other configured URLs, without their credentials. */
public final class ProxyUrls {

	/** What stands in for a credential wherever one would show. */
	public static final String MASK = "***";

	private ProxyUrls() {
	}

	/**
	 * A URL someone configured (a health check's), shown as scheme, host, port and path only:
	 * its user info, query and fragment may hold a key ({@code ?apikey=…}) and are left out.
	 */
	public static String withoutSecrets(URI url) {
		StringBuilder shown = new StringBuilder();
		if (url.getScheme() != null) {
			shown.append(url.getScheme()).append("://");
		}
		if (url.getHost() != null) {
			shown.append(url.getHost().contains(":") && !url.getHost().startsWith("[") ? "[" + url.getHost() + "]"
					: url.getHost());
			if (url.getPort() >= 0) {
				shown.append(':').append(url.getPort());
			}
		}
		if (url.getRawPath() != null) {
			shown.append(url.getRawPath());
		}
		return shown.toString();
	}

	/**
	 * A configured URL as written, shown as {@link #withoutSecrets(URI)} shows it; one that
	 * {@link URI} cannot parse, or parses without a host, keeps its host part with the user
	 * info {@linkplain #mask masked} and loses its query and fragment.
	 */
	public static String withoutSecrets(String raw) {
		if (raw == null) {
			return null;
		}
		try {
			URI url = new URI(raw.strip());
			// a relative path with an '@' is user info that lost its scheme's colon (https//u:p@h)
			if ((url.getHost() != null && !userInfoCutShort(url))
					|| (url.getScheme() == null && url.getRawAuthority() == null && raw.indexOf('@') < 0)) {
				return withoutSecrets(url);
			}
		}
		catch (URISyntaxException ex) {
			// not quoted: the message repeats the URL; shown as written, less its secrets, below
		}
		return maskedWithoutQuery(raw);
	}

	/**
	 * Whether the URL's '@' ends user info that a '/', '?' or '#' of its password cut short
	 * ({@code https://u:12/34@h/ping}, {@code https://u:12#34@h/ping}): {@link URI} then took
	 * the user name and the password's start for host and port, and the '@' lies in the path,
	 * or in the query or fragment of a URL without a path. An '@' in the query of a URL with a
	 * path is the query's.
	 */
	public static boolean userInfoCutShort(URI url) {
		if (url.getRawUserInfo() != null) {
			return false;
		}
		String path = url.getRawPath();
		if (path != null && !path.isEmpty()) {
			return path.indexOf('@') >= 0;
		}
		return (url.getRawQuery() != null && url.getRawQuery().indexOf('@') >= 0)
				|| (url.getRawFragment() != null && url.getRawFragment().indexOf('@') >= 0);
	}

	/**
	 * Anything that looks like a URL, even a malformed one, with its user info
	 * {@linkplain #mask masked} and without its query and fragment, either of which may hold a
	 * key ({@code ?apikey=…}).
	 */
	public static String maskedWithoutQuery(String raw) {
		String masked = mask(raw);
		int start = masked.indexOf("://");
		int end = queryOrFragment(masked, (start < 0) ? 0 : start + 3);
		return (end < 0) ? masked : masked.substring(0, end);
	}

	/** Where a URL's query or fragment starts, looked for from {@code from} on; -1 when it has neither. */
	public static int queryOrFragment(String url, int from) {
		for (int i = from; i < url.length(); i++) {
			if (url.charAt(i) == '?' || url.charAt(i) == '#') {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Masks the user-info part of anything that looks like a URL, even a malformed one,
	 * so that it can be shown in an error message: {@code socks5://u:p@h:1} becomes
	 * {@code socks5://***@h:1}. Credentials without an {@code @} ({@code h:1:u:p}, as some
	 * sellers write them, or {@code u:p}) mask the whole host part, and so does a host part
	 * after the {@code @} that is not a plain {@code host:port}: a password typed on the
	 * wrong side of the {@code @} ({@code u@p:h:1}, {@code h:1@u:p}). A host part masked so
	 * hides the rest of the value too: a {@code /}, {@code ?}, {@code #} or space in the
	 * password ends the host part there, and what follows is the password's tail.
	 */
	public static String mask(String raw) {
		if (raw == null) {
			return null;
		}
		int start = raw.indexOf("://");
		start = (start < 0) ? 0 : start + 3;
		int at = raw.lastIndexOf('@');
		if (at >= start) {
			int end = authorityEnd(raw, at + 1);
			String hostPart = raw.substring(at + 1, end);
			return raw.substring(0, start) + MASK + "@"
					+ (mayHoldCredentials(hostPart) ? MASK : hostPart + raw.substring(end));
		}
		if (at >= 0) {
			// credentials written before the scheme: u:p@socks5://h:1080
			return MASK + raw.substring(at);
		}
		int end = authorityEnd(raw, start);
		return mayHoldCredentials(raw.substring(start, end)) ? raw.substring(0, start) + MASK : raw;
	}

	private static int authorityEnd(String raw, int start) {
		for (int i = start; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c == '/' || c == '?' || c == '#' || c == ' ') {
				return i;
			}
		}
		return raw.length();
	}

	/** {@code host}, {@code host:port} and {@code [v6]:port} are plain; anything else with a colon may not be. */
	private static boolean mayHoldCredentials(String authority) {
		String rest = authority.startsWith("[") && authority.indexOf(']') > 0
				? authority.substring(authority.indexOf(']') + 1) : authority;
		int colon = rest.indexOf(':');
		if (colon < 0) {
			return false;
		}
		String port = rest.substring(colon + 1);
		return port.isEmpty() || !port.chars().allMatch(Character::isDigit);
	}

	/** A failure's class and message, masked: what a log line or a reason may show of it. */
	public static String maskedSummary(Throwable error) {
		String message = error.getMessage();
		return error.getClass().getSimpleName() + ((message != null) ? ": " + maskWords(message) : "");
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
