package io.cryptofeed.proxy.core.strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.Members;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.TriedMembers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LeastConnectionsStrategyTests {

	private final ProxyPool pool = Members.pool(Members.count(4), new LeastConnectionsStrategy());

	private final List<PoolMember> members = this.pool.members();

	@Test
	void picksTheMemberWithFewestActiveLeases() {
		List<Lease> held = new ArrayList<>();
		hold(held, 3, 0);
		hold(held, 1, 1);
		hold(held, 2, 3);
		// member 2 holds none
		Lease lease = this.pool.select();
		assertThat(lease.member()).isSameAs(this.members.get(2));
		lease.release();
		held.forEach(Lease::release);
	}

	@Test
	void spreadsLongLivedLeasesEvenly() {
		List<Lease> held = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			held.add(this.pool.select());
		}
		assertThat(this.members).allSatisfy((member) -> assertThat(member.activeLeases()).isEqualTo(10));
		held.forEach(Lease::release);
		assertThat(this.members).allSatisfy((member) -> assertThat(member.activeLeases()).isZero());
	}

	@Test
	void returnsToZeroAfterAllLeasesAreReleasedEvenTwice() {
		List<Lease> held = new ArrayList<>();
		for (int i = 0; i < 13; i++) {
			held.add(this.pool.select());
		}
		held.forEach(Lease::release);
		held.forEach(Lease::release);
		assertThat(this.members).allSatisfy((member) -> assertThat(member.activeLeases()).isZero());
	}

	@Test
	void breaksTiesUniformly() {
		PoolMember[] candidates = this.members.toArray(PoolMember[]::new);
		int draws = 40_000;
		Map<PoolMember, Integer> counts = Distribution.draw(new LeastConnectionsStrategy().prepare(candidates), draws);
		double[] shares = new double[4];
		Arrays.fill(shares, 0.25);
		// 99.99th percentile of chi-square with 3 degrees of freedom is 21.1
		assertThat(Distribution.chiSquare(counts, candidates, shares, draws)).isLessThan(21.1);
	}

	@Test
	void skipsExcludedMembersEvenWhenTheyHaveFewest() {
		List<Lease> held = new ArrayList<>();
		hold(held, 1, 1);
		hold(held, 1, 2);
		hold(held, 1, 3);
		TriedMembers tried = new TriedMembers();
		tried.add(this.members.get(0));
		Lease lease = this.pool.select(tried);
		assertThat(lease.member()).isNotSameAs(this.members.get(0));
		lease.release();
		held.forEach(Lease::release);
	}

	@Test
	void largePoolsStayBalancedWithTwoRandomChoices() {
		ProxyPool large = Members.pool(Members.count(1000), new LeastConnectionsStrategy());
		List<Lease> held = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			held.add(large.select());
		}
		IntSummaryStatistics load = large.members().stream().mapToInt(PoolMember::activeLeases).summaryStatistics();
		// 20 per member on average: two choices keep the spread near 6 (at most 9 in 200 simulated runs),
		// while one random choice spreads members 25 or more apart
		assertThat(load.getMax() - load.getMin()).isLessThanOrEqualTo(12);
		assertThat(load.getMax()).isLessThanOrEqualTo(26);
		held.forEach(Lease::release);
		assertThat(large.members()).allSatisfy((member) -> assertThat(member.activeLeases()).isZero());
	}

	@Test
	void largePoolsStillHonourExclusions() {
		ProxyPool large = Members.pool(Members.count(200), new LeastConnectionsStrategy());
		PoolMember only = large.members().get(137);
		for (int i = 0; i < 50; i++) {
			try (Lease lease = large.select((m) -> m != only)) {
				assertThat(lease.member()).isSameAs(only);
			}
		}
	}

	/** Leases the member at {@code index} {@code n} times by excluding every other member. */
	private void hold(List<Lease> held, int n, int index) {
		for (int i = 0; i < n; i++) {
			held.add(this.pool.select((m) -> m != this.members.get(index)));
		}
	}

}
