package io.cryptofeed.proxy.core.strategy;

import java.util.Arrays;
import java.util.Map;

import io.cryptofeed.proxy.core.Members;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.Selector;
import io.cryptofeed.proxy.core.TriedMembers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RandomStrategyTests {

	@Test
	void spreadsUniformlyWithinStatisticalBounds() {
		PoolMember[] members = Members.candidates(Members.count(5));
		Selector selector = new RandomStrategy().prepare(members);
		int draws = 100_000;
		Map<PoolMember, Integer> counts = Distribution.draw(selector, draws);
		double[] shares = new double[5];
		Arrays.fill(shares, 0.2);
		// 99.99th percentile of chi-square with 4 degrees of freedom is 23.5: a fair draw fails 1 in 10 000 runs
		assertThat(Distribution.chiSquare(counts, members, shares, draws)).isLessThan(23.5);
	}

	@Test
	void skipsExcludedMembers() {
		PoolMember[] members = Members.candidates(Members.count(3));
		Selector selector = new RandomStrategy().prepare(members);
		TriedMembers tried = new TriedMembers();
		tried.add(members[0]);
		tried.add(members[2]);
		for (int i = 0; i < 100; i++) {
			assertThat(selector.select(tried)).isSameAs(members[1]);
		}
	}

}
