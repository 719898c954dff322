package io.cryptofeed.proxy.core.strategy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.SelectionStrategy;
import io.cryptofeed.proxy.core.Selector;

/**
 * Smooth weighted round-robin: over every cycle of {@code sum(weights)} selections each
 * candidate is chosen exactly {@code weight} times, interleaved rather than in runs
 * (weights 3 and 1 give {@code a a b a}, not {@code a a a b}).
 *
 * <p>The cycle is computed once per candidate set by stride scheduling (see {@link #cycle}),
 * so a selection is one counter
 * increment and one array read: no lock, unlike nginx's per-pick update of every member.
 * Weights are divided by their greatest common divisor; a cycle longer than
 * {@value #MAX_CYCLE} turns is scaled down to about that length (each weight rounded, never
 * below 1).
 */
public final class WeightedRoundRobinStrategy implements SelectionStrategy {

	static final int MAX_CYCLE = 1 << 20;

	private static final int INDEX_BITS = 23;

	private final AtomicInteger position;

	public WeightedRoundRobinStrategy() {
		this(ThreadLocalRandom.current().nextInt());
	}

	public WeightedRoundRobinStrategy(int startPosition) {
		this.position = new AtomicInteger(startPosition);
	}

	@Override
	public Selector prepare(PoolMember[] candidates) {
		int[] order = cycle(weights(candidates));
		int length = order.length;
		AtomicInteger position = this.position;
		return (exclusion) -> {
			PoolMember pick = candidates[order[(position.getAndIncrement() & Integer.MAX_VALUE) % length]];
			return exclusion.excludes(pick) ? AllowedMembers.pick(candidates, exclusion, true) : pick;
		};
	}

	private static int[] weights(PoolMember[] candidates) {
		if (candidates.length >= (1 << INDEX_BITS)) {
			throw new IllegalArgumentException("too many members for weighted selection: " + candidates.length);
		}
		int[] weights = new int[candidates.length];
		int gcd = 0;
		long total = 0;
		for (int i = 0; i < candidates.length; i++) {
			weights[i] = candidates[i].weight();
			gcd = gcd(gcd, weights[i]);
			total += weights[i];
		}
		total /= gcd;
		double scale = (total > MAX_CYCLE) ? (double) MAX_CYCLE / total : 1.0;
		for (int i = 0; i < weights.length; i++) {
			weights[i] = (int) Math.max(1, Math.round(weights[i] / (double) gcd * scale));
		}
		return weights;
	}

	/**
	 * Member indexes in turn order. The k-th turn of a member with weight w falls at
	 * {@code (k + phase) / w}; members that share a weight get phases spread evenly over
	 * (0, 1), so light members are not bunched together. Every turn lies in [0, 1), which
	 * makes each member appear exactly weight times. Ties go to the lower member index.
	 */
	static int[] cycle(int[] weights) {
		Map<Integer, Integer> sameWeight = new HashMap<>();
		for (int weight : weights) {
			sameWeight.merge(weight, 1, Integer::sum);
		}
		Map<Integer, Integer> rank = new HashMap<>();
		int length = 0;
		for (int weight : weights) {
			length += weight;
		}
		long[] turns = new long[length];
		int t = 0;
		for (int member = 0; member < weights.length; member++) {
			int weight = weights[member];
			double phase = (rank.merge(weight, 1, Integer::sum) - 0.5) / sameWeight.get(weight);
			for (int k = 0; k < weight; k++) {
				long when = (long) ((k + phase) / weight * (1L << 40));
				turns[t++] = (when << INDEX_BITS) | member;
			}
		}
		Arrays.sort(turns);
		int[] order = new int[length];
		for (int i = 0; i < length; i++) {
			order[i] = (int) (turns[i] & ((1 << INDEX_BITS) - 1));
		}
		return order;
	}

	private static int gcd(int a, int b) {
		while (b != 0) {
			int r = a % b;
			a = b;
			b = r;
		}
		return a;
	}

}
