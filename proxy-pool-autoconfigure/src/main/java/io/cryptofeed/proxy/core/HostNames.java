package io.cryptofeed.proxy.core;

import java.net.IDN;

/**
 * Host names in the ASCII form that DNS, proxies and exchanges know them by: an
 * internationalized name ({@code bücher.example}) as its IDNA form
 * ({@code xn--bcher-kva.example}, RFC 5891), so that a name written either way is one name.
 */
public final class HostNames {

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

}
