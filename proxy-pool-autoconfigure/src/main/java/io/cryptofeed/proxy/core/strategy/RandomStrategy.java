package io.cryptofeed.proxy.core.strategy;

import java.util.concurrent.ThreadLocalRandom;

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
			return exclusion.excludes(pick) ? AllowedMembers.pick(candidates, exclusion, false) : pick;
		};
	}

}
