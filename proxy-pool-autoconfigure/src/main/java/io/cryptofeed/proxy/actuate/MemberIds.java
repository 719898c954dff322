package io.cryptofeed.proxy.actuate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;

/**
 * Names the members of a pool for operators and metric tags, never with credentials: the
 * member's {@code host:port}, or {@code host:port#index} when another member of the same pool
 * has that {@code host:port} too (a proxy service that picks the exit by username). The
 * index is the member's position in configuration order, from 0.
 */
final class MemberIds {

	private MemberIds() {
	}

	/** The id of each member of the pool, in configuration order. */
	static List<String> of(ProxyPool pool) {
		List<PoolMember> members = pool.members();
		Map<String, Integer> seen = new HashMap<>();
		members.forEach((member) -> seen.merge(member.endpoint().hostAndPort(), 1, Integer::sum));
		List<String> ids = new ArrayList<>(members.size());
		for (int i = 0; i < members.size(); i++) {
			String hostAndPort = members.get(i).endpoint().hostAndPort();
			ids.add((seen.get(hostAndPort) > 1) ? hostAndPort + "#" + i : hostAndPort);
		}
		return ids;
	}

	/**
	 * The index of the member a selector names: its id, or its index.
	 * @return the index, or -1 when no member matches
	 */
	static int find(ProxyPool pool, String selector) {
		int index = of(pool).indexOf(selector);
		if (index >= 0) {
			return index;
		}
		if (!selector.isEmpty() && selector.length() <= 9 && selector.chars().allMatch(Character::isDigit)) {
			int position = Integer.parseInt(selector);
			return (position < pool.members().size()) ? position : -1;
		}
		return -1;
	}

}
