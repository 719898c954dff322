package io.cryptofeed.proxy.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import org.junit.jupiter.api.Test;

import static io.cryptofeed.proxy.core.Reconciling.reconcile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A reload reconciles pools in place: what is kept keeps its state. */
class ReconciliationTests {

	private static final SelectionStrategies strategies = SelectionStrategies.builtIn();

	private static final PoolKey HTTP = PoolKey.ofDefault(ConnectionType.HTTP);

	private static final PoolKey BINANCE_WS = new PoolKey("binance", ConnectionType.WEBSOCKET);

	@Test
	void keptMembersAreTheSameObjectsWithTheirStateAndNewSettings() {
		ProxyPool pool = new ProxyPool(spec(HTTP, "round-robin", member(0, 1), member(1, 1), member(2, 1)),
				strategies.create("round-robin"));
		PoolMember first = pool.members().get(0);
		PoolMember second = pool.members().get(1);
		pool.setUnavailable(second, Unavailability.UNHEALTHY, true);
		Lease held = pool.select();

		ProxyPool.MemberChanges changes = reconcile(pool, 
				spec(HTTP, "round-robin", member(1, 5), member(0, 1), member(3, 1)), null);

		assertThat(pool.members()).hasSize(3);
		assertThat(pool.members().get(0)).isSameAs(second);
		assertThat(pool.members().get(1)).isSameAs(first);
		assertThat(second.weight()).isEqualTo(5);
		assertThat(second.isSetAsideFor(Unavailability.UNHEALTHY)).isTrue();
		assertThat(changes.added()).extracting(PoolMember::endpoint).containsExactly(Members.endpoint(3));
		assertThat(changes.removed()).extracting(PoolMember::endpoint).containsExactly(Members.endpoint(2));
		assertThat(held.release()).isTrue();
	}

	@Test
	void aNewPasswordKeepsTheMember() {
		ProxyEndpoint before = ProxyEndpoint.parse("socks5://feed:old-secret@127.0.0.1:1080");
		ProxyEndpoint after = ProxyEndpoint.parse("socks5://feed:new-secret@127.0.0.1:1080");
		ProxyPool pool = new ProxyPool(spec(HTTP, "round-robin", MemberSpec.of(before)), strategies.create("random"));
		PoolMember member = pool.members().get(0);

		ProxyPool.MemberChanges changes = reconcile(pool, spec(HTTP, "round-robin", MemberSpec.of(after)), null);

		assertThat(changes.added()).isEmpty();
		assertThat(changes.removed()).isEmpty();
		assertThat(changes.newCredentials()).containsExactly(member);
		assertThat(pool.members()).containsExactly(member);
		assertThat(member.endpoint().password()).isEqualTo("new-secret");
	}

	@Test
	void aHostSpelledWithATrailingDotIsTheSameMemberWithTheSamePassword() {
		ProxyEndpoint before = ProxyEndpoint.parse("socks5://feed:secret@proxy.example:1080");
		ProxyEndpoint after = ProxyEndpoint.parse("socks5://feed:secret@proxy.example.:1080");
		ProxyPool pool = new ProxyPool(spec(HTTP, "round-robin", MemberSpec.of(before)), strategies.create("random"));
		PoolMember member = pool.members().get(0);

		ProxyPool.MemberChanges changes = reconcile(pool, spec(HTTP, "round-robin", MemberSpec.of(after)), null);

		assertThat(pool.members()).containsExactly(member);
		assertThat(changes.newCredentials()).as("no new password: the breaker keeps what it met").isEmpty();
	}

	@Test
	void removedMembersAreDrainedNeverSelectedAndTheirLeasesStillRelease() {
		ProxyPool pool = new ProxyPool(spec(HTTP, "least-connections", member(0, 1), member(1, 1)),
				strategies.create("least-connections"));
		PoolMember leaving = pool.members().get(1);
		List<Lease> leases = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			leases.add(pool.select());
		}
		assertThat(leaving.activeLeases()).isEqualTo(2);
		List<Boolean> heard = new ArrayList<>();
		pool.addAvailabilityListener((p, m, available) -> heard.add(m == leaving && !available));

		reconcile(pool, spec(HTTP, "least-connections", member(0, 1)), null);

		assertThat(leaving.isRemoved()).isTrue();
		assertThat(leaving.isSetAsideFor(Unavailability.DRAINED)).isTrue();
		assertThat(heard).containsExactly(true);
		for (int i = 0; i < 50; i++) {
			try (Lease lease = pool.select()) {
				assertThat(lease.member()).isNotSameAs(leaving);
			}
		}
		leases.forEach(Lease::release);
		assertThat(leaving.activeLeases()).isZero();
		assertThat(pool.setUnavailable(leaving, Unavailability.UNHEALTHY, false)).isFalse();
	}

	/**
	 * Sessions through a member a reload removed stay open; when a later reload configures the
	 * proxy again, its new member carries them: least-connections must count them, not pile
	 * the next sessions onto a proxy that reads 0 while it carries as many as the others.
	 */
	@Test
	void aMemberConfiguredAgainCountsTheLeasesItsProxyStillCarries() {
		ProxyPool pool = new ProxyPool(spec(HTTP, "least-connections", member(0, 1), member(1, 1)),
				strategies.create("least-connections"));
		PoolMember removed = pool.members().get(0);
		List<Lease> before = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			before.add(pool.select());
		}
		reconcile(pool, spec(HTTP, "least-connections", member(1, 1)), null);
		PoolMember other = pool.members().get(0);
		reconcile(pool, spec(HTTP, "least-connections", member(0, 1), member(1, 1)), null);
		PoolMember back = pool.members().get(0);

		assertThat(back).isNotSameAs(removed);
		assertThat(back.activeLeases()).isEqualTo(2);
		List<Lease> after = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			after.add(pool.select());
		}
		assertThat(after).filteredOn((lease) -> lease.member() == back).hasSize(2);
		assertThat(back.activeLeases()).isEqualTo(4);
		assertThat(other.activeLeases()).isEqualTo(4);

		before.forEach(Lease::release);
		assertThat(back.activeLeases()).isEqualTo(2);
		assertThat(removed.activeLeases()).isZero();
		after.forEach(Lease::release);
		assertThat(back.activeLeases()).isZero();
		assertThat(other.activeLeases()).isZero();
	}

	/**
	 * The same when a reload removes a whole pool (an exchange's websocket block, whose
	 * sessions stay open) and a later one configures it again: its new members count the
	 * sessions still open through their proxies.
	 */
	@Test
	void aPoolConfiguredAgainCountsTheLeasesItsProxiesStillCarry() {
		PoolSpec binance = spec(BINANCE_WS, "least-connections", member(0, 1), member(1, 1));
		ProxyPools pools = ProxyPools.of(List.of(binance), Map.of(), strategies::create);
		List<Lease> before = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			before.add(pools.resolve("binance", ConnectionType.WEBSOCKET).orElseThrow().select());
		}
		pools.reconcile(List.of(), Map.of(), strategies::create);
		pools.reconcile(List.of(binance), Map.of(), strategies::create);
		ProxyPool again = pools.resolve("binance", ConnectionType.WEBSOCKET).orElseThrow();

		assertThat(again.members()).extracting(PoolMember::activeLeases)
			.containsExactlyInAnyOrder(1, 2)
			.containsExactlyElementsOf(again.members()
				.stream()
				.map((member) -> (int) before.stream()
					.filter((lease) -> lease.endpoint().identity().equals(member.endpoint().identity()))
					.count())
				.toList());
		before.forEach(Lease::release);
		assertThat(again.members()).extracting(PoolMember::activeLeases).containsOnly(0);
	}

	/**
	 * A pool configured again without one of its proxies, that proxy still carrying a session,
	 * and a later reload that adds the proxy back: its new member counts that session too, not
	 * 0, though the pool that carried it was closed and another made in between.
	 */
	@Test
	void aProxyLeftOutWhenItsPoolIsConfiguredAgainCountsItsLeasesWhenAddedBackLater() {
		PoolSpec both = spec(BINANCE_WS, "least-connections", member(0, 1), member(1, 1));
		ProxyPools pools = ProxyPools.of(List.of(both), Map.of(), strategies::create);
		ProxyPool first = pools.resolve("binance", ConnectionType.WEBSOCKET).orElseThrow();
		Lease held = first.select();
		ProxyEndpoint.Identity carrying = held.endpoint().identity();
		int index = first.members().get(0).endpoint().identity().equals(carrying) ? 0 : 1;
		pools.reconcile(List.of(), Map.of(), strategies::create);
		pools.reconcile(List.of(spec(BINANCE_WS, "least-connections", member(1 - index, 1))), Map.of(),
				strategies::create);
		pools.reconcile(List.of(both), Map.of(), strategies::create);
		ProxyPool again = pools.resolve("binance", ConnectionType.WEBSOCKET).orElseThrow();
		PoolMember back = again.members().get(index);

		assertThat(back.endpoint().identity()).isEqualTo(carrying);
		assertThat(back.activeLeases()).isEqualTo(1);
		assertThat(held.release()).isTrue();
		assertThat(again.members()).extracting(PoolMember::activeLeases).containsOnly(0);
	}

	@Test
	void disablingAKeptMemberTakesItOutOfSelectionAndTellsListeners() {
		ProxyPool pool = new ProxyPool(spec(HTTP, "round-robin", member(0, 1), member(1, 1)),
				strategies.create("round-robin"));
		PoolMember second = pool.members().get(1);
		List<Boolean> heard = new ArrayList<>();
		pool.addAvailabilityListener((p, m, available) -> heard.add(available));

		reconcile(pool, spec(HTTP, "round-robin", member(0, 1),
				new MemberSpec(Members.endpoint(1), 1, false, Map.of())), null);

		assertThat(second.isAvailable()).isFalse();
		assertThat(heard).containsExactly(false);
		assertThat(pool.availableMembers()).extracting(PoolMember::endpoint).containsExactly(Members.endpoint(0));
	}

	@Test
	void serialsAreNeverReused() {
		ProxyPool pool = new ProxyPool(spec(HTTP, "round-robin", member(0, 1), member(1, 1)),
				strategies.create("round-robin"));
		reconcile(pool, spec(HTTP, "round-robin", member(0, 1)), null);
		reconcile(pool, spec(HTTP, "round-robin", member(0, 1), member(1, 1)), null);
		Set<Integer> serials = new HashSet<>();
		pool.members().forEach((member) -> serials.add(member.serial()));
		assertThat(serials).containsExactlyInAnyOrder(0, 2);
	}

	@Test
	void aPoolOnlyTakesItsOwnSpec() {
		ProxyPool pool = new ProxyPool(spec(HTTP, "round-robin", member(0, 1)), strategies.create("round-robin"));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> reconcile(pool, spec(BINANCE_WS, "round-robin", member(0, 1)), null));
	}

	/**
	 * The starter registers every listening bean of a kind, the application's too: one that
	 * also registered itself must not hear each change twice.
	 */
	@Test
	void aListenerAddedTwiceHearsEachChangeOnce() {
		ProxyPools pools = ProxyPools.of(List.of(spec(HTTP, "round-robin", member(0, 1))), Map.of(),
				strategies::create);
		List<PoolsChange> heard = new ArrayList<>();
		PoolsListener listener = heard::add;
		pools.addPoolsListener(listener);
		pools.addPoolsListener(listener);

		PoolsChange change = pools.reconcile(List.of(spec(HTTP, "round-robin", member(1, 1))), Map.of(),
				strategies::create);

		assertThat(heard).containsExactly(change);
	}

	@Test
	void poolsKeepTheirObjectsJoinAndLeaveAndRoutingSwitches() {
		ProxyPools pools = ProxyPools.of(List.of(spec(HTTP, "round-robin", member(0, 1), member(1, 1))), Map.of(),
				strategies::create);
		ProxyPool http = pools.resolve(null, ConnectionType.HTTP).orElseThrow();
		List<PoolsChange> heard = new ArrayList<>();
		pools.addPoolsListener(heard::add);

		PoolsChange change = pools.reconcile(
				List.of(spec(HTTP, "round-robin", member(1, 1), member(2, 1)), spec(BINANCE_WS, "random", member(3, 1))),
				Map.of("binance", List.of("*.binance.com")), strategies::create);

		assertThat(heard).containsExactly(change);
		assertThat(pools.resolve(null, ConnectionType.HTTP)).containsSame(http);
		ProxyPool binance = pools.resolveForHost("stream.binance.com", ConnectionType.WEBSOCKET).orElseThrow();
		assertThat(binance.key()).isEqualTo(BINANCE_WS);
		assertThat(pools.hasPoolFor(ConnectionType.WEBSOCKET)).isTrue();
		assertThat(change.addedPools()).containsExactly(binance);
		assertThat(change.addedMembers()).extracting((m) -> m.member().endpoint())
			.containsExactlyInAnyOrder(Members.endpoint(2), Members.endpoint(3));
		assertThat(change.removedMembers()).extracting((m) -> m.member().endpoint())
			.containsExactly(Members.endpoint(0));

		PoolsChange second = pools.reconcile(List.of(spec(HTTP, "round-robin", member(1, 1), member(2, 1))), Map.of(),
				strategies::create);

		assertThat(second.removedPools()).containsExactly(binance);
		assertThat(binance.members()).isEmpty();
		assertThat(pools.hasPoolFor(ConnectionType.WEBSOCKET)).isFalse();
		assertThat(pools.resolve("binance", ConnectionType.WEBSOCKET)).isEmpty();
		assertThatExceptionOfType(NoProxyAvailableException.class).isThrownBy(binance::select);
	}

	@Test
	void routingLeavesARemovedPoolBeforeItIsClosed() {
		PoolKey binanceHttp = new PoolKey("binance", ConnectionType.HTTP);
		ProxyPools pools = ProxyPools.of(List.of(spec(HTTP, "round-robin", member(0, 1)),
				spec(binanceHttp, "round-robin", member(1, 1))), Map.of(), strategies::create);
		ProxyPool defaultPool = pools.pools().get(HTTP);
		ProxyPool binance = pools.pools().get(binanceHttp);
		// a connection routed while the removed pool closes (its members are heard leaving then)
		List<ProxyPool> routedDuringClose = new ArrayList<>();
		pools.addAvailabilityListener((pool, member, available) -> {
			if (pool == binance) {
				routedDuringClose.add(pools.resolve("binance", ConnectionType.HTTP).orElseThrow());
			}
		});

		pools.reconcile(List.of(spec(HTTP, "round-robin", member(0, 1))), Map.of(), strategies::create);

		assertThat(binance.members()).isEmpty();
		assertThat(routedDuringClose).isNotEmpty().containsOnly(defaultPool);
	}

	@Test
	void aPoolKeepsItsStrategyInstanceUnlessTheNameChanges() {
		ProxyPools pools = ProxyPools.of(List.of(spec(HTTP, "round-robin", member(0, 1), member(1, 1), member(2, 1))),
				Map.of(), strategies::create);
		ProxyPool http = pools.pools().get(HTTP);
		List<ProxyEndpoint> picks = new ArrayList<>();
		try (Lease lease = http.select()) {
			picks.add(lease.endpoint());
		}
		pools.reconcile(List.of(spec(HTTP, "round-robin", member(0, 1), member(1, 1), member(2, 1))), Map.of(),
				(name) -> {
					throw new AssertionError("a kept strategy is not created again");
				});
		try (Lease lease = http.select()) {
			picks.add(lease.endpoint());
		}
		assertThat(picks.get(1)).isNotEqualTo(picks.get(0));

		pools.reconcile(List.of(spec(HTTP, "least-connections", member(0, 1), member(1, 1), member(2, 1))), Map.of(),
				strategies::create);
		assertThat(http.strategyName()).isEqualTo("least-connections");
		Lease first = http.select();
		assertThat(first.member().activeLeases()).as("least-connections counts leases").isEqualTo(1);
		first.release();
	}

	@Test
	void aStrategyFactoryThatThrowsLeavesThePoolsAsTheyWere() {
		ProxyPools pools = ProxyPools.of(List.of(spec(HTTP, "round-robin", member(0, 1), member(1, 1))), Map.of(),
				strategies::create);
		ProxyPool http = pools.pools().get(HTTP);
		List<PoolMember> before = http.members();
		List<PoolsChange> heard = new ArrayList<>();
		pools.addPoolsListener(heard::add);

		// the pool changed first in the list, the application's strategy failing after it
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> pools.reconcile(
				List.of(spec(HTTP, "round-robin", member(1, 1), member(2, 1)), spec(BINANCE_WS, "sticky", member(3, 1))),
				Map.of("binance", List.of("*.binance.com")), (name) -> {
					if (name.equals("sticky")) {
						throw new IllegalStateException("sticky: no session store");
					}
					return strategies.create(name);
				}))
			.withMessage("sticky: no session store");

		assertThat(http.members()).isEqualTo(before);
		assertThat(before).noneMatch(PoolMember::isRemoved);
		assertThat(pools.hasPoolFor(ConnectionType.WEBSOCKET)).isFalse();
		assertThat(pools.resolveForHost("stream.binance.com", ConnectionType.HTTP)).containsSame(http);
		assertThat(heard).isEmpty();
	}

	/**
	 * An application's strategy that refuses the members left while one is set aside (none of
	 * its home region): a reload that comes meanwhile is done whole, its pools listeners told,
	 * and selection leaves the member set aside out.
	 */
	@Test
	void aStrategyThatRefusesTheMembersLeftWhileOneIsSetAsideLeavesNoReloadHalfDone() {
		SelectionStrategy homeFirst = (candidates) -> {
			for (PoolMember candidate : candidates) {
				if ("eu".equals(candidate.metadata().get("region"))) {
					return (exclusion) -> candidate;
				}
			}
			throw new IllegalStateException("no eu member among " + candidates.length);
		};
		MemberSpec home = new MemberSpec(Members.endpoint(0), 1, true, Map.of("region", "eu"));
		ProxyPools pools = ProxyPools.of(List.of(spec(HTTP, "home-first", home, member(1, 1))), Map.of(),
				(name) -> homeFirst);
		ProxyPool http = pools.pools().get(HTTP);
		PoolMember homeMember = http.members().get(0);
		List<PoolsChange> changes = new ArrayList<>();
		pools.addPoolsListener(changes::add);

		http.setUnavailable(homeMember, Unavailability.UNHEALTHY, true);
		pools.reconcile(List.of(spec(HTTP, "home-first", home, member(1, 1), member(2, 1))), Map.of(),
				(name) -> homeFirst);

		assertThat(changes).singleElement()
			.satisfies((change) -> assertThat(change.addedMembers()).extracting(PoolsChange.Member::member)
				.containsExactly(http.members().get(2)));
		assertThat(http.candidates()).containsExactly(http.members().get(1), http.members().get(2));
		assertThat(http.select().member()).isNotSameAs(homeMember);

		http.setUnavailable(homeMember, Unavailability.UNHEALTHY, false);
		assertThat(http.select().member()).isSameAs(homeMember);
	}

	/**
	 * An availability listener of the application that throws while a reload removes or
	 * disables members: the reload is still done whole (every pool, routing, the pools
	 * listeners: breakers, metrics, health checks), and the listeners after it hear the change.
	 */
	@Test
	void anAvailabilityListenerThatThrowsLeavesNoReloadHalfDone() {
		ProxyPools pools = ProxyPools.of(List.of(spec(HTTP, "round-robin", member(0, 1), member(1, 1), member(2, 1))),
				Map.of(), strategies::create);
		ProxyPool http = pools.pools().get(HTTP);
		PoolMember removed = http.members().get(0);
		PoolMember disabled = http.members().get(1);
		pools.addAvailabilityListener((pool, member, available) -> {
			throw new IllegalStateException("an availability listener of the application failed");
		});
		List<PoolMember> heard = new ArrayList<>();
		pools.addAvailabilityListener((pool, member, available) -> heard.add(member));
		List<PoolsChange> changes = new ArrayList<>();
		pools.addPoolsListener(changes::add);

		pools.reconcile(List.of(spec(HTTP, "round-robin", new MemberSpec(Members.endpoint(1), 1, false, Map.of()),
				member(2, 1)), spec(BINANCE_WS, "random", member(3, 1))), Map.of(), strategies::create);

		assertThat(heard).containsExactlyInAnyOrder(removed, disabled);
		assertThat(pools.pools()).containsKey(BINANCE_WS);
		assertThat(changes).singleElement()
			.satisfies((change) -> assertThat(change.removedMembers()).extracting(PoolsChange.Member::member)
				.containsExactly(removed));
	}

	/**
	 * A pools listener of the application (added with addPoolsListener) that throws: the
	 * listeners after it, the metrics' and the rate limits' among them (they register once
	 * the context is up, after a listener an application bean added as it was made), still hear
	 * the change, and the reload goes on to its end (health checks of the new members, the
	 * configuration it compares the next reload with) instead of taking the exception.
	 */
	@Test
	void aPoolsListenerThatThrowsLeavesNoReloadHalfDone() {
		ProxyPools pools = ProxyPools.of(List.of(spec(HTTP, "round-robin", member(0, 1), member(1, 1))), Map.of(),
				strategies::create);
		PoolMember removed = pools.pools().get(HTTP).members().get(0);
		pools.addPoolsListener((change) -> {
			throw new IllegalStateException("a pools listener of the application failed");
		});
		List<PoolsChange> changes = new ArrayList<>();
		pools.addPoolsListener(changes::add);

		PoolsChange change = pools.reconcile(List.of(spec(HTTP, "round-robin", member(1, 1), member(2, 1))), Map.of(),
				strategies::create);

		assertThat(change.removedMembers()).extracting(PoolsChange.Member::member).containsExactly(removed);
		assertThat(changes).containsExactly(change);
	}

	/**
	 * Pools listeners hear of each joining member before any selection can see it, in a pool
	 * kept and in one added; one that throws (an application's) stops neither the others nor
	 * the reload.
	 */
	@Test
	void poolsListenersHearOfEachJoiningMemberBeforeItCanBeSelected() {
		ProxyPools pools = ProxyPools.of(List.of(spec(HTTP, "round-robin", member(0, 1))), Map.of(),
				strategies::create);
		List<PoolMember> joining = new ArrayList<>();
		pools.addPoolsListener(new PoolsListener() {

			@Override
			public void poolsChanged(PoolsChange change) {
			}

			@Override
			public void joining(ProxyPool pool, PoolMember member) {
				throw new IllegalStateException("a pools listener of the application failed");
			}

		});
		pools.addPoolsListener(new PoolsListener() {

			@Override
			public void poolsChanged(PoolsChange change) {
				assertThat(joining).as("heard before the change")
					.containsExactlyElementsOf(change.addedMembers().stream().map(PoolsChange.Member::member).toList());
			}

			@Override
			public void joining(ProxyPool pool, PoolMember member) {
				// a kept pool does not hold it yet, or a new pool is not routed to yet
				assertThat(!pool.members().contains(member) || !pools.pools().containsValue(pool)).isTrue();
				joining.add(member);
			}

		});

		PoolsChange change = pools.reconcile(List.of(spec(HTTP, "round-robin", member(0, 1), member(1, 1)),
				spec(BINANCE_WS, "round-robin", member(2, 1))), Map.of(), strategies::create);

		assertThat(change.addedMembers()).hasSize(2);
		assertThat(joining).extracting(PoolMember::endpoint).containsExactly(Members.endpoint(1), Members.endpoint(2));
	}

	/**
	 * The same failure thrown by two availability listeners (one listener added twice, or two
	 * that rethrow one exception kept by the application): the listeners after them still hear
	 * the change. Adding the failure to itself as suppressed throws, which stopped the telling.
	 */
	@Test
	void oneFailureThrownByTwoAvailabilityListenersStopsNoListenerAfterThem() {
		ProxyPools pools = ProxyPools.of(List.of(spec(HTTP, "round-robin", member(0, 1), member(1, 1))), Map.of(),
				strategies::create);
		ProxyPool http = pools.pools().get(HTTP);
		IllegalStateException kept = new IllegalStateException("the application's feed registry is closed");
		ProxyPool.AvailabilityListener failing = (pool, member, available) -> {
			throw kept;
		};
		pools.addAvailabilityListener(failing);
		pools.addAvailabilityListener(failing);
		List<PoolMember> heard = new ArrayList<>();
		pools.addAvailabilityListener((pool, member, available) -> heard.add(member));

		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> http.setUnavailable(http.members().get(1), Unavailability.CIRCUIT_OPEN, true))
			.isSameAs(kept);
		assertThat(heard).containsExactly(http.members().get(1));
		assertThat(kept.getSuppressed()).isEmpty();
	}

	@Test
	void availabilityListenersOfThePoolsHearPoolsAddedLater() {
		ProxyPools pools = ProxyPools.of(List.of(), Map.of(), strategies::create);
		List<PoolMember> heard = new ArrayList<>();
		pools.addAvailabilityListener((pool, member, available) -> heard.add(member));
		pools.reconcile(List.of(spec(HTTP, "round-robin", member(0, 1), member(1, 1))), Map.of(), strategies::create);
		ProxyPool http = pools.pools().get(HTTP);
		http.setUnavailable(http.members().get(1), Unavailability.CIRCUIT_OPEN, true);
		assertThat(heard).containsExactly(http.members().get(1));
	}

	private static MemberSpec member(int i, int weight) {
		return new MemberSpec(Members.endpoint(i), weight, true, Map.of());
	}

	private static PoolSpec spec(PoolKey key, String strategy, MemberSpec... members) {
		return new PoolSpec(key, PoolSpec.Origin.POOL, List.of(members), strategy, Duration.ofSeconds(30));
	}

}
