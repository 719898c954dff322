package io.cryptofeed.proxy.core.strategy;

import java.util.concurrent.ThreadLocalRandom;

import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.PoolMember;

/**
 * The pick a strategy falls back on when the member it chose is excluded (tried already by
 * the same connection, or resting for the exchange): a random one among those the exclusion
 * allows, in proportion to their weights where the strategy counts them. Walking on from the
 * excluded member instead would hand the member after it the excluded one's share too, for
 * as long as a cooldown lasts.
 */
final class AllowedMembers {

	private AllowedMembers() {
	}

	/**
	 * @param byWeight whether each allowed member counts its weight, rather than one
	 * @return a candidate the exclusion allows, or {@code null} when it allows none
	 */
	static PoolMember pick(PoolMember[] candidates, Exclusion exclusion, boolean byWeight) {
		long total = 0;
		PoolMember first = null;
		for (PoolMember member : candidates) {
			if (!exclusion.excludes(member)) {
				total += byWeight ? member.weight() : 1;
				if (first == null) {
					first = member;
				}
			}
		}
		if (total <= 1) {
			return first;
		}
		long wanted = ThreadLocalRandom.current().nextLong(total);
		for (PoolMember member : candidates) {
			if (!exclusion.excludes(member)) {
				wanted -= byWeight ? member.weight() : 1;
				if (wanted < 0) {
					return member;
				}
			}
		}
		// the exclusion changed between the passes: the first allowed member is still a fair answer
		return first;
	}

}
