package io.cryptofeed.proxy.core.strategy;

import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.PoolMember;

/** The failover walk shared by the position-based strategies. */
final class Scan {

	private Scan() {
	}

	/** The first candidate from {@code start} on, wrapping around, that is not excluded. */
	static PoolMember from(PoolMember[] candidates, int start, Exclusion exclusion) {
		PoolMember first = candidates[start];
		if (!exclusion.excludes(first)) {
			return first;
		}
		int n = candidates.length;
		for (int i = 1; i < n; i++) {
			int index = start + i;
			PoolMember member = candidates[(index < n) ? index : index - n];
			if (!exclusion.excludes(member)) {
				return member;
			}
		}
		return null;
	}

}
