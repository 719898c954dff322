package io.cryptofeed.proxy.core.strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.Members;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.Selector;
import io.cryptofeed.proxy.core.TriedMembers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class WeightedRoundRobinStrategyTests {

	@Test
	void everyCycleHoldsEachMemberExactlyWeightTimes() {
		PoolMember[] members = Members.candidates(Members.weighted(5, 3, 1, 1));
		Selector selector = new WeightedRoundRobinStrategy(12345).prepare(members);
		for (int cycle = 0; cycle < 4; cycle++) {
			Map<PoolMember, Integer> counts = Distribution.draw(selector, 10);
			assertThat(counts.get(members[0])).isEqualTo(5);
			assertThat(counts.get(members[1])).isEqualTo(3);
			assertThat(counts.get(members[2])).isEqualTo(1);
			assertThat(counts.get(members[3])).isEqualTo(1);
		}
	}

	@Test
	void interleavesInsteadOfRunning() {
		PoolMember[] members = Members.candidates(Members.weighted(3, 1));
		Selector selector = new WeightedRoundRobinStrategy(0).prepare(members);
		List<PoolMember> picks = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			picks.add(selector.select(Exclusion.NONE));
		}
		assertThat(picks).containsExactly(members[0], members[0], members[1], members[0], members[0], members[0],
				members[1], members[0]);
	}

	@Test
	void heavyMemberNeverRunsLongerThanItsShareAllows() {
		int[] order = WeightedRoundRobinStrategy.cycle(new int[] { 9, 1, 1, 1 });
		int longestRun = 0;
		int run = 0;
		for (int i = 0; i < order.length * 2; i++) {
			run = (order[i % order.length] == 0) ? run + 1 : 0;
			longestRun = Math.max(longestRun, run);
		}
		// 9 of 12 turns shared around 3 light members: runs of 3, counted across the cycle's end too
		assertThat(longestRun).isEqualTo(3);
	}

	@Test
	void proportionsHoldOverManyDrawsFromARandomStart() {
		PoolMember[] members = Members.candidates(Members.weighted(1, 2, 7));
		Selector selector = new WeightedRoundRobinStrategy().prepare(members);
		int draws = 100_000;
		Map<PoolMember, Integer> counts = Distribution.draw(selector, draws);
		// deterministic cycle of 10: every count is within one cycle's share of exact
		assertThat(counts.get(members[0])).isBetween(9_999, 10_001);
		assertThat(counts.get(members[1])).isBetween(19_998, 20_002);
		assertThat(counts.get(members[2])).isBetween(69_993, 70_007);
	}

	@Test
	void reducesWeightsByTheirCommonDivisor() {
		assertThat(WeightedRoundRobinStrategy.cycle(new int[] { 2, 1 })).hasSize(3);
		PoolMember[] members = Members.candidates(Members.weighted(200, 100));
		Selector selector = new WeightedRoundRobinStrategy(0).prepare(members);
		Map<PoolMember, Integer> counts = Distribution.draw(selector, 3);
		assertThat(counts.get(members[0])).isEqualTo(2);
		assertThat(counts.get(members[1])).isEqualTo(1);
	}

	@Test
	void scalesAnOversizedCycleDownKeepingProportions() {
		PoolMember[] members = Members.candidates(Members.weighted(1_000_003, 2_000_001, 999_983));
		Selector selector = new WeightedRoundRobinStrategy(0).prepare(members);
		int draws = WeightedRoundRobinStrategy.MAX_CYCLE;
		Map<PoolMember, Integer> counts = Distribution.draw(selector, draws);
		double total = 1_000_003 + 2_000_001 + 999_983;
		assertThat(counts.get(members[1]) / (double) draws).isCloseTo(2_000_001 / total,
				org.assertj.core.data.Offset.offset(0.001));
	}

	/** A heavy member resting for an exchange must not hand its turns to the member after it. */
	@ParameterizedTest(name = "weights {0}, {1} excluded")
	@CsvSource({ "1;1;10, 2", "1;10;1, 0", "3;1;1, 1" })
	void theTurnsOfAnExcludedMemberAreSharedByTheOthersWeights(String weights, int excluded) {
		int[] w = Arrays.stream(weights.split(";")).mapToInt(Integer::parseInt).toArray();
		PoolMember[] members = Members.candidates(Members.weighted(w));
		Selector selector = new WeightedRoundRobinStrategy(0).prepare(members);
		Exclusion resting = (member) -> member == members[excluded];
		int draws = 30_000;
		Map<PoolMember, Integer> counts = new IdentityHashMap<>();
		for (int i = 0; i < draws; i++) {
			counts.merge(selector.select(resting), 1, Integer::sum);
		}
		assertThat(counts).doesNotContainKey(members[excluded]);
		PoolMember[] others = IntStream.range(0, w.length).filter((i) -> i != excluded).mapToObj((i) -> members[i])
			.toArray(PoolMember[]::new);
		double total = Arrays.stream(others).mapToInt(PoolMember::weight).sum();
		double[] shares = Arrays.stream(others).mapToDouble((member) -> member.weight() / total).toArray();
		// 99.99th percentile of chi-square with 1 degree of freedom is 15.1
		assertThat(Distribution.chiSquare(counts, others, shares, draws)).isLessThan(15.1);
	}

	@Test
	void failoverTakesAnUntriedMember() {
		PoolMember[] members = Members.candidates(Members.weighted(5, 1, 1));
		Selector selector = new WeightedRoundRobinStrategy(0).prepare(members);
		TriedMembers tried = new TriedMembers();
		tried.add(members[0]);
		for (int i = 0; i < 20; i++) {
			assertThat(selector.select(tried)).isNotSameAs(members[0]).isNotNull();
		}
	}

}
