package io.cryptofeed.proxy.core.strategy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.Members;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.Selector;
import io.cryptofeed.proxy.core.TriedMembers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RoundRobinStrategyTests {

	private final PoolMember[] members = Members.candidates(Members.count(3));

	@Test
	void visitsEachMemberInTurn() {
		Selector selector = new RoundRobinStrategy(0).prepare(this.members);
		List<PoolMember> picks = pick(selector, 7);
		assertThat(picks).containsExactly(this.members[0], this.members[1], this.members[2], this.members[0],
				this.members[1], this.members[2], this.members[0]);
	}

	@Test
	void keepsCyclingWhenTheCounterOverflows() {
		Selector selector = new RoundRobinStrategy(Integer.MAX_VALUE - 2).prepare(this.members);
		// MAX_VALUE - 2, MAX_VALUE - 1, MAX_VALUE, then the counter wraps to MIN_VALUE (masked to 0)
		List<PoolMember> picks = pick(selector, 9);
		int start = (Integer.MAX_VALUE - 2) % 3;
		assertThat(picks.subList(0, 3)).containsExactly(this.members[start], this.members[(start + 1) % 3],
				this.members[(start + 2) % 3]);
		assertThat(picks.subList(3, 9)).containsExactly(this.members[0], this.members[1], this.members[2],
				this.members[0], this.members[1], this.members[2]);
	}

	@Test
	void differentInstancesStartAtDifferentPositions() {
		var firstPicks = new HashSet<PoolMember>();
		for (int i = 0; i < 200; i++) {
			firstPicks.add(new RoundRobinStrategy().prepare(this.members).select(Exclusion.NONE));
		}
		assertThat(firstPicks).hasSize(3);
	}

	@Test
	void skipsExcludedMembersAndReportsWhenAllAreExcluded() {
		Selector selector = new RoundRobinStrategy(0).prepare(this.members);
		TriedMembers tried = new TriedMembers();
		tried.add(this.members[0]);
		assertThat(selector.select(tried)).isIn(this.members[1], this.members[2]);
		tried.add(this.members[1]);
		assertThat(selector.select(tried)).isSameAs(this.members[2]);
		tried.add(this.members[2]);
		assertThat(selector.select(tried)).isNull();
	}

	/**
	 * A member resting for an exchange stays a candidate for hours: its turns must not all go
	 * to the member after it.
	 */
	@Test
	void theTurnsOfAnExcludedMemberAreSharedEvenlyByTheOthers() {
		PoolMember[] four = Members.candidates(Members.count(4));
		Selector selector = new RoundRobinStrategy(0).prepare(four);
		Exclusion resting = (member) -> member == four[1];
		int draws = 30_000;
		Map<PoolMember, Integer> counts = new IdentityHashMap<>();
		for (int i = 0; i < draws; i++) {
			counts.merge(selector.select(resting), 1, Integer::sum);
		}
		assertThat(counts).doesNotContainKey(four[1]);
		// 99.99th percentile of chi-square with 2 degrees of freedom is 18.4
		assertThat(Distribution.chiSquare(counts, new PoolMember[] { four[0], four[2], four[3] },
				new double[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }, draws)).isLessThan(18.4);
	}

	private static List<PoolMember> pick(Selector selector, int n) {
		List<PoolMember> picks = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			picks.add(selector.select(Exclusion.NONE));
		}
		return picks;
	}

}
