package io.cryptofeed.proxy.core;

import io.cryptofeed.proxy.core.strategy.LeastConnectionsStrategy;
import io.cryptofeed.proxy.core.strategy.RoundRobinStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What operators and metrics read from pools and members: connect outcomes and failovers. */
class ConnectCountersTests {

	private final ProxyPool pool = Members.pool(Members.count(3), new RoundRobinStrategy(0));

	@Test
	void leasesCountTheirConnectOutcomesOnTheirMember() {
		Lease first = this.pool.select();
		first.connectSucceeded();
		Lease second = this.pool.select();
		second.connectFailed();
		Lease third = this.pool.select(new TriedMembers());
		third.connectFailed();
		PoolMember member = first.member();
		assertThat(second.member()).isNotSameAs(member);
		assertThat(member.succeededConnects()).isOne();
		assertThat(member.failedConnects()).isZero();
		assertThat(second.member().failedConnects()).isOne();
		assertThat(this.pool.members().stream().mapToLong(PoolMember::failedConnects).sum()).isEqualTo(2);
	}

	@Test
	void aSelectionThatExcludesTriedMembersIsAFailover() {
		TriedMembers tried = new TriedMembers();
		tried.add(this.pool.select(tried).member());
		assertThat(this.pool.failovers()).isZero();
		tried.add(this.pool.select(tried).member());
		this.pool.select(tried);
		this.pool.select();
		this.pool.select(Exclusion.NONE);
		assertThat(this.pool.failovers()).isEqualTo(2);
	}

	@Test
	void poolsSayWhetherTheirLeaseCountsMeanSomething() {
		assertThat(this.pool.countsLeases()).isFalse();
		assertThat(Members.pool(Members.count(2), new LeastConnectionsStrategy()).countsLeases()).isTrue();
	}

}
