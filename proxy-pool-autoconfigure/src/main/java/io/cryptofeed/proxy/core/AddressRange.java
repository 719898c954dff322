package io.cryptofeed.proxy.core;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A block of IP addresses in CIDR notation, {@code 10.0.0.0/8} or {@code fd00::/8}, that
 * matches hosts written as IP addresses. A host name is never looked up to be matched: its
 * address is for the proxy to find, or for the connect of a direct connection.
 */
public final class AddressRange {

	private final byte[] network;

	private final int prefixLength;

	private AddressRange(byte[] network, int prefixLength) {
		this.network = network;
		this.prefixLength = prefixLength;
	}

	/** Whether the text has the shape of a range (an address, a slash, a length), valid or not. */
	public static boolean looksLikeRange(String text) {
		return text.indexOf('/') > 0;
	}

	/**
	 * @throws IllegalArgumentException when the text is not an IPv4 or IPv6 address followed
	 * by a prefix length that fits it
	 */
	public static AddressRange parse(String text) {
		int slash = text.indexOf('/');
		String address = text.substring(0, slash).strip();
		String length = text.substring(slash + 1).strip();
		byte[] bytes = literal(address);
		if (bytes == null) {
			throw new IllegalArgumentException("'" + address + "' is not an IPv4 or IPv6 address");
		}
		int bits = bytes.length * 8;
		if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(Character::isDigit)
				|| Integer.parseInt(length) > bits) {
			throw new IllegalArgumentException("'/" + length + "' is not a prefix length from 0 to " + bits);
		}
		return new AddressRange(bytes, Integer.parseInt(length));
	}

	/** Whether the host is an IP address in this range; {@code [v6]} brackets are allowed. */
	boolean contains(String host) {
		String bare = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		byte[] address = literal(bare);
		if (address == null || address.length != this.network.length) {
			return false;
		}
		int whole = this.prefixLength / 8;
		for (int i = 0; i < whole; i++) {
			if (address[i] != this.network[i]) {
				return false;
			}
		}
		int rest = this.prefixLength % 8;
		if (rest == 0) {
			return true;
		}
		int mask = (0xff << (8 - rest)) & 0xff;
		return (address[whole] & mask) == (this.network[whole] & mask);
	}

	/** The address's bytes when the text is an IP literal, else {@code null}; never a lookup. */
	private static byte[] literal(String text) {
		if (!IpLiterals.isIpv4(text) && !IpLiterals.isIpv6(text)) {
			return null;
		}
		try {
			// a checked literal: parsed, not looked up
			return InetAddress.getByName(text).getAddress();
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

}
