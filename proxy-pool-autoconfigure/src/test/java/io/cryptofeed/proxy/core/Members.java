package io.cryptofeed.proxy.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds pools and members for tests. */
public final class Members {

	private Members() {
	}

	/** Members socks5://10.0.0.1:1080 … with the given weights. */
	public static List<MemberSpec> weighted(int... weights) {
		List<MemberSpec> specs = new ArrayList<>();
		for (int i = 0; i < weights.length; i++) {
			specs.add(new MemberSpec(endpoint(i), weights[i], true, Map.of()));
		}
		return specs;
	}

	public static List<MemberSpec> count(int n) {
		int[] weights = new int[n];
		java.util.Arrays.fill(weights, 1);
		return weighted(weights);
	}

	public static ProxyEndpoint endpoint(int i) {
		return new ProxyEndpoint(ProxyScheme.SOCKS5, "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "."
				+ (i & 255), 1080, null, null);
	}

	public static ProxyPool pool(List<MemberSpec> members, SelectionStrategy strategy) {
		return new ProxyPool(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP), PoolSpec.Origin.POOL, members,
				"test", Duration.ofSeconds(30)), strategy);
	}

	/** Candidate arrays for strategy tests, detached from any pool. */
	public static PoolMember[] candidates(List<MemberSpec> members) {
		PoolMember[] candidates = new PoolMember[members.size()];
		for (int i = 0; i < candidates.length; i++) {
			candidates[i] = new PoolMember(members.get(i), i);
		}
		return candidates;
	}

}
