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
	void failoverSpreadsUniformlyOverTheMembersNotTried() {
		PoolMember[] members = Members.candidates(Members.count(3));
		Selector selector = new RandomStrategy().prepare(members);
		TriedMembers tried = new TriedMembers();
		tried.add(members[0]);
		int draws = 30_000;
		int[] counts = new int[3];
		for (int i = 0; i < draws; i++) {
			PoolMember pick = selector.select(tried);
			counts[Arrays.asList(members).indexOf(pick)]++;
		}
		assertThat(counts[0]).isZero();
		// a fair draw lands within 0.45..0.55 except with a probability far below 1e-40
		assertThat(counts[1] / (double) draws).as("member after the tried one").isBetween(0.45, 0.55);
		assertThat(counts[2] / (double) draws).isBetween(0.45, 0.55);
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
