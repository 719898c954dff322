package io.cryptofeed.proxy.core;

/**
 * Strict, lookup-free checks of IP address literals. The JDK parses what it recognises as a
 * literal and sends anything else to DNS, so a mistyped address such as {@code 999.1.1.1}
 * would be looked up by name, on whichever thread connects; these checks let such a host be
 * rejected when the URL is read instead.
 */
final class IpLiterals {

	private IpLiterals() {
	}

	/** Whether the host holds only digits and dots: meant as an IPv4 address, since no DNS name is all-numeric. */
	static boolean looksLikeIpv4(String host) {
		for (int i = 0; i < host.length(); i++) {
			char c = host.charAt(i);
			if (c != '.' && !isAsciiDigit(c)) {
				return false;
			}
		}
		return true;
	}

	/** Four decimal numbers from 0 to 255, without leading zeros (which some parsers read as octal). */
	static boolean isIpv4(String host) {
		String[] parts = host.split("\\.", -1);
		if (parts.length != 4) {
			return false;
		}
		for (String part : parts) {
			if (!isOctet(part)) {
				return false;
			}
		}
		return true;
	}

	private static boolean isOctet(String part) {
		if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
			return false;
		}
		for (int i = 0; i < part.length(); i++) {
			if (!isAsciiDigit(part.charAt(i))) {
				return false;
			}
		}
		return Integer.parseInt(part) <= 255;
	}

	/**
	 * Eight groups of one to four hex digits, where one {@code ::} may stand for one or more
	 * groups of zeros and the last two may be written as an IPv4 address; optionally followed
	 * by {@code %} and a zone (an interface name or index).
	 */
	static boolean isIpv6(String host) {
		int percent = host.indexOf('%');
		String address = (percent >= 0) ? host.substring(0, percent) : host;
		if (percent >= 0 && !isZone(host.substring(percent + 1))) {
			return false;
		}
		int doubleColon = address.indexOf("::");
		if (doubleColon >= 0 && address.indexOf("::", doubleColon + 1) >= 0) {
			return false;
		}
		if (doubleColon < 0) {
			return groups(address, true) == 8;
		}
		String head = address.substring(0, doubleColon);
		String tail = address.substring(doubleColon + 2);
		int headGroups = head.isEmpty() ? 0 : groups(head, false);
		int tailGroups = tail.isEmpty() ? 0 : groups(tail, true);
		return headGroups >= 0 && tailGroups >= 0 && headGroups + tailGroups <= 7;
	}

	/**
	 * How many 16-bit groups a colon-separated run holds, or -1 when it is malformed.
	 * @param atEnd whether the run ends the address, where an IPv4 address may stand for two groups
	 */
	private static int groups(String run, boolean atEnd) {
		String[] parts = run.split(":", -1);
		int count = 0;
		for (int i = 0; i < parts.length; i++) {
			String part = parts[i];
			if (atEnd && i == parts.length - 1 && part.indexOf('.') >= 0) {
				if (!isIpv4(part)) {
					return -1;
				}
				count += 2;
			}
			else if (isHexGroup(part)) {
				count++;
			}
			else {
				return -1;
			}
		}
		return count;
	}

	private static boolean isHexGroup(String part) {
		if (part.isEmpty() || part.length() > 4) {
			return false;
		}
		for (int i = 0; i < part.length(); i++) {
			char c = part.charAt(i);
			if (!isAsciiDigit(c) && (c < 'a' || c > 'f') && (c < 'A' || c > 'F')) {
				return false;
			}
		}
		return true;
	}

	private static boolean isZone(String zone) {
		if (zone.isEmpty()) {
			return false;
		}
		for (int i = 0; i < zone.length(); i++) {
			char c = zone.charAt(i);
			if (!isAsciiDigit(c) && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && c != '.' && c != '-' && c != '_') {
				return false;
			}
		}
		return true;
	}

	private static boolean isAsciiDigit(char c) {
		return c >= '0' && c <= '9';
	}

}
