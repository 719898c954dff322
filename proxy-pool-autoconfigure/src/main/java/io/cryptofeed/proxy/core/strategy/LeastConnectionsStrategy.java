package io.cryptofeed.proxy.core.strategy;

import java.util.concurrent.ThreadLocalRandom;

import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.SelectionStrategy;
import io.cryptofeed.proxy.core.Selector;

/**
 * The candidate with the fewest active leases.
 *
 * <p>Up to {@value #EXACT_SCAN_LIMIT} candidates the choice is exact: two passes find the
 * minimum, count the members tied at it and take a uniformly random one of them (a
 * first-found rule would load the first member of every burst). Larger pools use the power
 * of two choices: the less loaded of two random candidates, which keeps the busiest member
 * within a few leases of the least busy at constant cost, where an exact scan of ten
 * thousand members would cost microseconds per connection.
 */
public final class LeastConnectionsStrategy implements SelectionStrategy {

	/** Largest candidate set scanned exactly. */
	static final int EXACT_SCAN_LIMIT = 128;

	@Override
	public boolean countsLeases() {
		return true;
	}

	@Override
	public Selector prepare(PoolMember[] candidates) {
		if (candidates.length <= EXACT_SCAN_LIMIT) {
			return (exclusion) -> exact(candidates, exclusion);
		}
		return (exclusion) -> twoChoices(candidates, exclusion);
	}

	private static PoolMember exact(PoolMember[] candidates, Exclusion exclusion) {
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

	private static PoolMember twoChoices(PoolMember[] candidates, Exclusion exclusion) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int n = candidates.length;
		int i = random.nextInt(n);
		// a different second index, uniformly
		int j = (i + 1 + random.nextInt(n - 1)) % n;
		PoolMember a = candidates[i];
		PoolMember b = candidates[j];
		if (exclusion.excludes(a) || exclusion.excludes(b)) {
			// failover path: rare, so an exact scan of what is left is affordable
			return exact(candidates, exclusion);
		}
		return (b.activeLeases() < a.activeLeases()) ? b : a;
	}

}
