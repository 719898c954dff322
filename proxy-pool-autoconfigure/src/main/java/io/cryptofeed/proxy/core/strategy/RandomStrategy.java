package io.cryptofeed.proxy.core.strategy;

import java.util.concurrent.ThreadLocalRandom;

import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.SelectionStrategy;
import io.cryptofeed.proxy.core.Selector;

/** A uniformly random candidate; no shared state, so threads never contend. */
public final class RandomStrategy implements SelectionStrategy {

	@Override
	public Selector prepare(PoolMember[] candidates) {
		int n = candidates.length;
		return (exclusion) -> {
			PoolMember pick = candidates[ThreadLocalRandom.current().nextInt(n)];
			return exclusion.excludes(pick) ? amongAllowed(candidates, exclusion) : pick;
		};
	}

	/**
	 * A uniformly random candidate the exclusion allows, or {@code null}. Failover path only:
	 * walking on from the excluded pick would hand the member after it twice its share.
	 */
	private static PoolMember amongAllowed(PoolMember[] candidates, Exclusion exclusion) {
		int allowed = 0;
		PoolMember first = null;
		for (PoolMember member : candidates) {
			if (!exclusion.excludes(member)) {
				if (allowed++ == 0) {
					first = member;
				}
			}
		}
		if (allowed <= 1) {
			return first;
		}
		int wanted = ThreadLocalRandom.current().nextInt(allowed);
		for (PoolMember member : candidates) {
			if (!exclusion.excludes(member) && wanted-- == 0) {
				return member;
			}
		}
		// the exclusion changed between the passes: the first allowed member is still a fair answer
		return first;
	}

}
