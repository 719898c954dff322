package io.cryptofeed.proxy.core;

import java.util.Comparator;

/**
 * The one rule by which exchange ids match: ignoring case, {@code -} and {@code _}, as Spring
 * Boot binds {@code coinbase-pro}, {@code coinbase_pro} and {@code coinbasepro} as one name.
 * So {@code COINBASE_PRO} (an enum constant), {@code CoinbasePro} and {@code coinbase_pro}
 * name the exchange configured as {@code coinbase-pro}, and {@code GATE_IO} names
 * {@code gate-io}. Every other character counts: {@code binance.us} is not {@code binanceus}.
 */
public final class ExchangeIds {

	/**
	 * Orders ids by the rule: two ids that name one exchange compare equal. Allocates nothing,
	 * so that a map of configured ids finds any spelling in one lookup.
	 */
	public static final Comparator<String> ORDER = ExchangeIds::compare;

	private ExchangeIds() {
	}

	/** The id as the rule reads it: {@code coinbasepro} for {@code COINBASE_PRO}. */
	public static String fold(String id) {
		StringBuilder folded = new StringBuilder(id.length());
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			if (!ignored(c)) {
				folded.append(fold(c));
			}
		}
		return folded.toString();
	}

	/**
	 * Where the id holds a character an id may not have, or -1: an id is letters, digits,
	 * {@code -}, {@code _} and {@code .}, since it is a path segment of the {@code proxypool}
	 * endpoint and a word of the logs ({@code pool=<id>/<type>}).
	 */
	public static int oddCharacter(String id) {
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			if (!Character.isLetterOrDigit(c) && c != '-' && c != '_' && c != '.') {
				return i;
			}
		}
		return -1;
	}

	/** Whether the two ids name one exchange. */
	public static boolean same(String id, String other) {
		return compare(id, other) == 0;
	}

	private static int compare(String id, String other) {
		int i = 0;
		int j = 0;
		while (true) {
			while (i < id.length() && ignored(id.charAt(i))) {
				i++;
			}
			while (j < other.length() && ignored(other.charAt(j))) {
				j++;
			}
			if (i == id.length() || j == other.length()) {
				// the one that ran out first comes first
				return ((i < id.length()) ? 1 : 0) - ((j < other.length()) ? 1 : 0);
			}
			char c = fold(id.charAt(i++));
			char d = fold(other.charAt(j++));
			if (c != d) {
				return c - d;
			}
		}
	}

	private static boolean ignored(char c) {
		return c == '-' || c == '_';
	}

	/** A character as {@link String#CASE_INSENSITIVE_ORDER} compares it; ids are ASCII, the fast case. */
	private static char fold(char c) {
		if (c < 0x80) {
			return (c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c;
		}
		return Character.toLowerCase(Character.toUpperCase(c));
	}

}
