package io.cryptofeed.proxy.core;

import java.util.ArrayList;
import java.util.List;

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
	 * The one text of a well-formed IPv6 literal ({@link #isIpv6}), so that one address written
	 * two ways is seen as one proxy: RFC 5952's form (lower-case hex without leading zeros, the
	 * longest run of two or more zero groups, the first of equal ones, as {@code ::}), the zone
	 * kept as written. An IPv4-mapped address without a zone ({@code ::ffff:10.0.0.1}) becomes
	 * the IPv4 address, which is what the JDK connects to.
	 */
	static String canonicalIpv6(String host) {
		int percent = host.indexOf('%');
		String zone = (percent >= 0) ? host.substring(percent) : "";
		int[] groups = ipv6Groups((percent >= 0) ? host.substring(0, percent) : host);
		if (zone.isEmpty() && isIpv4Mapped(groups)) {
			return (groups[6] >> 8) + "." + (groups[6] & 0xff) + "." + (groups[7] >> 8) + "." + (groups[7] & 0xff);
		}
		int runStart = -1;
		int runLength = 1;
		for (int i = 0; i < 8; i++) {
			int length = 0;
			while (i + length < 8 && groups[i + length] == 0) {
				length++;
			}
			if (length > runLength) {
				runStart = i;
				runLength = length;
			}
			i += length;
		}
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			if (i == runStart) {
				text.append("::");
				i += runLength - 1;
				continue;
			}
			if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
				text.append(':');
			}
			text.append(Integer.toHexString(groups[i]));
		}
		return text.append(zone).toString();
	}

	private static boolean isIpv4Mapped(int[] groups) {
		for (int i = 0; i < 5; i++) {
			if (groups[i] != 0) {
				return false;
			}
		}
		return groups[5] == 0xffff;
	}

	/** The eight 16-bit groups of a well-formed IPv6 address without its zone. */
	private static int[] ipv6Groups(String address) {
		int doubleColon = address.indexOf("::");
		List<Integer> head = groupValues((doubleColon < 0) ? address : address.substring(0, doubleColon));
		List<Integer> tail = groupValues((doubleColon < 0) ? "" : address.substring(doubleColon + 2));
		int[] groups = new int[8];
		for (int i = 0; i < head.size(); i++) {
			groups[i] = head.get(i);
		}
		for (int i = 0; i < tail.size(); i++) {
			groups[8 - tail.size() + i] = tail.get(i);
		}
		return groups;
	}

	private static List<Integer> groupValues(String run) {
		List<Integer> values = new ArrayList<>();
		if (run.isEmpty()) {
			return values;
		}
		for (String part : run.split(":")) {
			if (part.indexOf('.') >= 0) {
				String[] octets = part.split("\\.");
				values.add(Integer.parseInt(octets[0]) << 8 | Integer.parseInt(octets[1]));
				values.add(Integer.parseInt(octets[2]) << 8 | Integer.parseInt(octets[3]));
			}
			else {
				values.add(Integer.parseInt(part, 16));
			}
		}
		return values;
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
