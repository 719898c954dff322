package io.cryptofeed.proxy.core.strategy;

import java.util.concurrent.ThreadLocalRandom;

import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.SelectionStrategy;
import io.cryptofeed.proxy.core.Selector;

/**
 * The candidate with the fewest active leases. Ties go to a uniformly random one of the tied
 * members: a first-found rule would load the first member of every burst.
 *
 * <p>Exact: two passes over the candidates (find the minimum and count ties, then take the
 * k-th tie), so cost grows linearly with pool size.
 */
public final class LeastConnectionsStrategy implements SelectionStrategy {

	@Override
	public Selector prepare(PoolMember[] candidates) {
		return (exclusion) -> select(candidates, exclusion);
	}

	private static PoolMember select(PoolMember[] candidates, Exclusion exclusion) {
		int min = Integer.MAX_VALUE;
		int ties = 0;
		PoolMember last = null;
		for (PoolMember member : candidates) {
			if (exclusion.excludes(member)) {
				continue;
			}
			int active = member.activeLeases();
			if (active < min) {
				min = active;
				ties = 1;
				last = member;
			}
			else if (active == min) {
				ties++;
			}
		}
		if (ties <= 1) {
			return last;
		}
		int wanted = ThreadLocalRandom.current().nextInt(ties);
		for (PoolMember member : candidates) {
			if (member.activeLeases() == min && !exclusion.excludes(member) && wanted-- == 0) {
				return member;
			}
		}
		// counts moved between the passes: the member found first is still a fair answer
		return last;
	}

}
