package io.cryptofeed.proxy.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cryptofeed.proxy.core.strategy.LeastConnectionsStrategy;
import io.cryptofeed.proxy.core.strategy.RoundRobinStrategy;
import org.junit.jupiter.api.Test;

import static io.cryptofeed.proxy.core.Reconciling.reconcile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ProxyPoolTests {

	private final ProxyPool pool = Members.pool(Members.count(3), new RoundRobinStrategy(0));

	private final List<PoolMember> members = this.pool.members();

	@Test
	void skipsUnavailableMembers() {
		this.pool.setUnavailable(this.members.get(1), Unavailability.UNHEALTHY, true);
		assertThat(selectMany(30)).containsExactlyInAnyOrder(this.members.get(0), this.members.get(2));
		assertThat(this.pool.availableMembers()).containsExactly(this.members.get(0), this.members.get(2));
	}

	@Test
	void memberReturnsOnlyWhenEveryReasonIsCleared() {
		PoolMember member = this.members.get(1);
		assertThat(this.pool.setUnavailable(member, Unavailability.UNHEALTHY, true)).isTrue();
		assertThat(this.pool.setUnavailable(member, Unavailability.CIRCUIT_OPEN, true)).isFalse();
		assertThat(this.pool.setUnavailable(member, Unavailability.UNHEALTHY, false)).isFalse();
		assertThat(selectMany(30)).doesNotContain(member);
		assertThat(this.pool.setUnavailable(member, Unavailability.CIRCUIT_OPEN, false)).isTrue();
		assertThat(selectMany(30)).contains(member);
	}

	@Test
	void aMemberIsFailingWhileUnhealthyOrItsBreakerIsOpenNotWhenOnlyDrained() {
		PoolMember member = this.members.get(1);
		this.pool.setUnavailable(member, Unavailability.DRAINED, true);
		assertThat(member.isFailing()).isFalse();
		this.pool.setUnavailable(member, Unavailability.UNHEALTHY, true);
		assertThat(member.isFailing()).isTrue();
		this.pool.setUnavailable(member, Unavailability.UNHEALTHY, false);
		this.pool.setUnavailable(member, Unavailability.CIRCUIT_OPEN, true);
		assertThat(member.isFailing()).isTrue();
		this.pool.setUnavailable(member, Unavailability.CIRCUIT_OPEN, false);
		assertThat(member.isFailing()).isFalse();
	}

	@Test
	void fallsBackToAllEnabledMembersWhenNoneIsAvailableAndWarnsOncePerEpisode() {
		this.members.forEach((m) -> this.pool.setUnavailable(m, Unavailability.UNHEALTHY, true));
		assertThat(this.pool.isPanicking()).isTrue();
		assertThat(selectMany(30)).containsExactlyInAnyOrderElementsOf(this.members);
		this.pool.setUnavailable(this.members.get(0), Unavailability.CIRCUIT_OPEN, true);
		assertThat(this.pool.panicEpisodes()).isEqualTo(1);

		this.pool.setUnavailable(this.members.get(2), Unavailability.UNHEALTHY, false);
		assertThat(this.pool.isPanicking()).isFalse();
		assertThat(selectMany(30)).containsOnly(this.members.get(2));

		this.pool.setUnavailable(this.members.get(2), Unavailability.UNHEALTHY, true);
		assertThat(this.pool.panicEpisodes()).isEqualTo(2);
	}

	@Test
	void logLinesTellApartMembersThatDifferOnlyInTheirUserNameAsTheEndpointsIdsDo() {
		ProxyPool gateway = Members.pool(List.of(MemberSpec.of(ProxyEndpoint.parse("socks5://de:pw@10.0.0.5:1080")),
				MemberSpec.of(ProxyEndpoint.parse("socks5://fr:pw@10.0.0.5:1080")),
				MemberSpec.of(ProxyEndpoint.parse("socks5://de:pw@10.0.0.6:1080"))), new RoundRobinStrategy(0));

		assertThat(gateway.members()).extracting(gateway::nameOf)
			.containsExactly("socks5://***@10.0.0.5:1080#0", "socks5://***@10.0.0.5:1080#1",
					"socks5://***@10.0.0.6:1080");
	}

	@Test
	void aMemberAReloadRemovedIsNamedWithItsSerialWhateverStayed() {
		MemberSpec leaving = MemberSpec.of(ProxyEndpoint.parse("socks5://de:pw@10.0.0.5:1080"));
		MemberSpec staying = MemberSpec.of(ProxyEndpoint.parse("socks5://de:pw@10.0.0.6:1080"));
		ProxyPool gateway = Members.pool(List.of(leaving, staying), new RoundRobinStrategy(0));
		PoolMember removed = gateway.members().get(0);

		reconcile(gateway, new PoolSpec(gateway.key(), PoolSpec.Origin.POOL, List.of(staying), "test",
				Duration.ofSeconds(30)), null);

		// its lines after the reload (a connection cut through it) read as its reload line does
		assertThat(gateway.nameOf(removed)).isEqualTo("socks5://***@10.0.0.5:1080#0");
		assertThat(gateway.nameOf(gateway.members().get(0))).isEqualTo("socks5://***@10.0.0.6:1080");
	}

	@Test
	void listenersHearOfAvailabilityChangesAndOfADrainedMemberThatStartsFailing() {
		PoolMember member = this.members.get(1);
		List<Boolean> heard = new ArrayList<>();
		this.pool.addAvailabilityListener((pool, changed, available) -> heard.add(available));

		this.pool.setUnavailable(member, Unavailability.DRAINED, true);
		this.pool.setUnavailable(member, Unavailability.UNHEALTHY, true);
		this.pool.setUnavailable(member, Unavailability.CIRCUIT_OPEN, true);
		this.pool.setUnavailable(member, Unavailability.UNHEALTHY, false);
		this.pool.setUnavailable(member, Unavailability.CIRCUIT_OPEN, false);
		this.pool.setUnavailable(member, Unavailability.DRAINED, false);

		// drained, started failing, back; nothing while it stayed failing or stopped failing drained
		assertThat(heard).containsExactly(false, false, true);
	}

	@Test
	void panicModeLeavesDrainedMembersOut() {
		this.pool.setUnavailable(this.members.get(0), Unavailability.DRAINED, true);
		this.pool.setUnavailable(this.members.get(1), Unavailability.UNHEALTHY, true);
		this.pool.setUnavailable(this.members.get(2), Unavailability.UNHEALTHY, true);
		assertThat(this.pool.isPanicking()).isTrue();
		assertThat(selectMany(30)).containsOnly(this.members.get(1), this.members.get(2));
	}

	@Test
	void failsClearlyWhenEveryMemberIsDrained() {
		this.members.forEach((m) -> this.pool.setUnavailable(m, Unavailability.DRAINED, true));
		assertThatExceptionOfType(NoProxyAvailableException.class).isThrownBy(this.pool::select)
			.withMessageContaining("default/http")
			.withMessageContaining("drained");
		// also through an exclusion that has tried nothing yet, as each connection's first selection
		assertThatExceptionOfType(NoProxyAvailableException.class).isThrownBy(() -> this.pool.select(new TriedMembers()))
			.withMessageContaining("every enabled member is drained");
	}

	@Test
	void neverSelectsDisabledMembersNotEvenInPanic() {
		List<MemberSpec> specs = List.of(MemberSpec.of(Members.endpoint(0)),
				new MemberSpec(Members.endpoint(1), 1, false, Map.of()));
		ProxyPool pool = Members.pool(specs, new RoundRobinStrategy(0));
		PoolMember enabled = pool.members().get(0);
		assertThat(selectMany(pool, 10)).containsOnly(enabled);
		pool.setUnavailable(enabled, Unavailability.UNHEALTHY, true);
		assertThat(selectMany(pool, 10)).containsOnly(enabled);
	}

	@Test
	void excludesMembersAlreadyTried() {
		TriedMembers tried = new TriedMembers();
		Set<PoolMember> seen = new HashSet<>();
		for (int attempt = 0; attempt < 3; attempt++) {
			Lease lease = this.pool.select(tried);
			assertThat(seen.add(lease.member())).isTrue();
			tried.add(lease.member());
			lease.release();
		}
		assertThatExceptionOfType(NoProxyAvailableException.class).isThrownBy(() -> this.pool.select(tried))
			.withMessageContaining("already been tried");
	}

	@Test
	void leaseReleaseIsIdempotent() {
		ProxyPool counting = Members.pool(Members.count(3), new LeastConnectionsStrategy());
		Lease lease = counting.select();
		assertThat(lease.member().activeLeases()).isOne();
		assertThat(lease.release()).isTrue();
		assertThat(lease.release()).isFalse();
		lease.close();
		assertThat(lease.member().activeLeases()).isZero();
		assertThat(lease.isReleased()).isTrue();
	}

	@Test
	void everyStrategyCountsLeasesSoThatALaterLeastConnectionsSeesThem() {
		Lease lease = this.pool.select();
		assertThat(lease.member().activeLeases()).isOne();
		lease.release();
		assertThat(lease.member().activeLeases()).isZero();
	}

	@Test
	void rejectsMembersOfAnotherPool() {
		PoolMember stranger = Members.pool(Members.count(1), new RoundRobinStrategy()).members().get(0);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.pool.setUnavailable(stranger, Unavailability.UNHEALTHY, true));
	}

	@Test
	void specRejectsAPoolWithoutEnabledMembers() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP), PoolSpec.Origin.POOL,
					List.of(new MemberSpec(Members.endpoint(0), 1, false, Map.of())), "round-robin",
					Duration.ofSeconds(1)));
	}

	private Set<PoolMember> selectMany(int n) {
		return selectMany(this.pool, n);
	}

	private static Set<PoolMember> selectMany(ProxyPool pool, int n) {
		Set<PoolMember> picked = new HashSet<>();
		for (int i = 0; i < n; i++) {
			try (Lease lease = pool.select()) {
				picked.add(lease.member());
			}
		}
		return picked;
	}

}
