package io.cryptofeed.proxy.core.strategy;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.SelectionStrategy;
import io.cryptofeed.proxy.core.Selector;

/**
 * Each candidate in turn. The position survives candidate changes and starts at a random
 * value, so many pools (or many applications) do not all begin with the first member.
 */
public final class RoundRobinStrategy implements SelectionStrategy {

	private final AtomicInteger position;

	public RoundRobinStrategy() {
		this(ThreadLocalRandom.current().nextInt());
	}

	/** Starts at a given position, so tests can reach the overflow at {@link Integer#MAX_VALUE}. */
	public RoundRobinStrategy(int startPosition) {
		this.position = new AtomicInteger(startPosition);
	}

	@Override
	public Selector prepare(PoolMember[] candidates) {
		int n = candidates.length;
		AtomicInteger position = this.position;
		return (exclusion) -> {
			// masking keeps the index non-negative when the counter wraps past MAX_VALUE
			PoolMember pick = candidates[(position.getAndIncrement() & Integer.MAX_VALUE) % n];
			return exclusion.excludes(pick) ? AllowedMembers.pick(candidates, exclusion, false) : pick;
		};
	}

}
