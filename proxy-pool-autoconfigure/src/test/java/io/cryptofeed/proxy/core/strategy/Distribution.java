package io.cryptofeed.proxy.core.strategy;

import java.util.IdentityHashMap;
import java.util.Map;

import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.Selector;

/** Counts picks and tests them against expected shares. */
final class Distribution {

	private Distribution() {
	}

	static Map<PoolMember, Integer> draw(Selector selector, int draws) {
		Map<PoolMember, Integer> counts = new IdentityHashMap<>();
		for (int i = 0; i < draws; i++) {
			counts.merge(selector.select(Exclusion.NONE), 1, Integer::sum);
		}
		return counts;
	}

	/**
	 * Pearson's chi-square statistic of observed counts against expected shares. With k
	 * members it follows chi-square with k - 1 degrees of freedom when the shares hold.
	 */
	static double chiSquare(Map<PoolMember, Integer> counts, PoolMember[] members, double[] shares, int draws) {
		double statistic = 0;
		for (int i = 0; i < members.length; i++) {
			double expected = shares[i] * draws;
			double observed = counts.getOrDefault(members[i], 0);
			statistic += (observed - expected) * (observed - expected) / expected;
		}
		return statistic;
	}

}
