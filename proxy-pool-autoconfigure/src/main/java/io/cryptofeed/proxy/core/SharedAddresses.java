package io.cryptofeed.proxy.core;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code host:port}s that more than one member of a pool has: members behind one gateway
 * told apart by their user name alone. Wherever operators read a member's name (log lines,
 * the {@code proxypool} endpoint's ids, metric tags), such a member carries its
 * {@code #serial}.
 */
public final class SharedAddresses {

	private SharedAddresses() {
	}

	/**
	 * @param members one read of a pool's members
	 * @return each {@link ProxyEndpoint#hostAndPort()} that two or more of them have
	 */
	public static Set<String> of(List<PoolMember> members) {
		Map<String, Integer> seen = new HashMap<>();
		members.forEach((member) -> seen.merge(member.endpoint().hostAndPort(), 1, Integer::sum));
		Set<String> shared = new HashSet<>();
		seen.forEach((hostAndPort, count) -> {
			if (count > 1) {
				shared.add(hostAndPort);
			}
		});
		return Set.copyOf(shared);
	}

}
