package io.cryptofeed.proxy.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.SharedAddresses;

/**
 * Names the members of a pool for operators and metric tags, never with credentials: the
 * member's {@code host:port}, or {@code host:port#serial} when another member of the same pool
 * has that {@code host:port} too (a proxy service that picks the exit by username). The
 * serial is the member's number in its pool: its position in configuration order at start,
 * the next one for a member a reload adds, kept by a member a reload keeps and never reused,
 * so that a {@code #serial} id never moves to another proxy (nor its metric series, nor an
 * operator's drain).
 */
final class MemberIds {

	private MemberIds() {
	}

	/**
	 * The id of each member, in order.
	 * @param members one read of a pool's members: a reload may change them between two
	 */
	static List<String> of(List<PoolMember> members) {
		Set<String> shared = SharedAddresses.of(members);
		List<String> ids = new ArrayList<>(members.size());
		for (PoolMember member : members) {
			String hostAndPort = member.endpoint().hostAndPort();
			ids.add(shared.contains(hostAndPort) ? hostAndPort + "#" + member.serial() : hostAndPort);
		}
		return ids;
	}

	/**
	 * The index of the member a selector names: its id, the same id written another way (the
	 * host in another case, an IPv6 address in another form), or its index.
	 * @param ids the members' ids, from {@link #of} on the same read of the members
	 * @return the index, or -1 when no member matches
	 */
	static int find(List<String> ids, String selector) {
		int index = ids.indexOf(selector);
		if (index >= 0) {
			return index;
		}
		if (!selector.isEmpty() && selector.length() <= 9 && selector.chars().allMatch(Character::isDigit)) {
			int position = Integer.parseInt(selector);
			return (position < ids.size()) ? position : -1;
		}
		String canonical = canonical(selector);
		return (canonical != null) ? ids.indexOf(canonical) : -1;
	}

	/**
	 * The selector as {@link #of} writes ids, {@code #serial} kept; {@code null} when it is not
	 * a plain {@code host:port}: one with user info names no member.
	 */
	private static String canonical(String selector) {
		int hash = selector.indexOf('#');
		String hostAndPort = (hash < 0) ? selector : selector.substring(0, hash);
		if (hostAndPort.indexOf('@') >= 0) {
			return null;
		}
		try {
			// parsed as a proxy URL is: the same host and address rules, so the same spelling
			String id = ProxyEndpoint.parse("http://" + hostAndPort).hostAndPort();
			return (hash < 0) ? id : id + selector.substring(hash);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
