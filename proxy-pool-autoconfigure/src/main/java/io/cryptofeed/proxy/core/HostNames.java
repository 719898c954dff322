package io.cryptofeed.proxy.core;

import java.net.IDN;

/**
 * Host names in the ASCII form that DNS, proxies and exchanges know them by: an
 * internationalized name ({@code bücher.example}) as its IDNA form
 * ({@code xn--bcher-kva.example}, RFC 5891), so that a name written either way is one name.
 */
public final class HostNames {

	/** The longest host name DNS carries, without a trailing dot (RFC 1035: 255 bytes on the wire). */
	private static final int MAX_HOST_NAME_LENGTH = 253;

	/** The longest label, a part of a host name between dots (RFC 1035). */
	private static final int MAX_LABEL_LENGTH = 63;

	private HostNames() {
	}

	/**
	 * The name, or a {@code *.} pattern, in ASCII: an ASCII name as it is (no copy), an
	 * internationalized one converted; {@code null} when it has no ASCII form (a label longer
	 * than 63 characters once converted, say).
	 */
	public static String ascii(String name) {
		if (isAscii(name)) {
			return name;
		}
		boolean wildcard = name.startsWith("*.");
		try {
			String converted = IDN.toASCII(wildcard ? name.substring(2) : name, IDN.ALLOW_UNASSIGNED);
			return wildcard ? "*." + converted : converted;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** Whether the text is ASCII only: a scan, no allocation. */
	public static boolean isAscii(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) >= 0x80) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Rejects a host name, or a {@code *.} pattern, longer than DNS carries (RFC 1035): no
	 * lookup could ever answer it, nor a request to it match. A trailing dot, which only says
	 * the name is complete, is not counted; a pattern's {@code *} counts as the shortest label.
	 * @throws InvalidProxyUrlException saying which limit the name passes, without repeating it
	 */
	public static void checkLength(String name) {
		int longestLabel = 0;
		int labelStart = 0;
		for (int i = 0; i <= name.length(); i++) {
			if (i == name.length() || name.charAt(i) == '.') {
				longestLabel = Math.max(longestLabel, i - labelStart);
				labelStart = i + 1;
			}
		}
		if (longestLabel > MAX_LABEL_LENGTH) {
			throw new InvalidProxyUrlException("a label of the host name is " + longestLabel
					+ " characters long, more than the " + MAX_LABEL_LENGTH + " DNS carries (RFC 1035)",
					"check the host name: no part of it between dots may be longer than " + MAX_LABEL_LENGTH
							+ " characters");
		}
		int length = name.endsWith(".") ? name.length() - 1 : name.length();
		if (length > MAX_HOST_NAME_LENGTH) {
			throw new InvalidProxyUrlException("the host name is " + length + " characters long, more than the "
					+ MAX_HOST_NAME_LENGTH + " DNS carries (RFC 1035)",
					"check the host name: a name this long cannot be looked up");
		}
	}

}
