package io.cryptofeed.proxy.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.cryptofeed.proxy.core.Reconciling.reconcile;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads select, hold, release (some twice), flip availability and reload the pool at
 * once, each bounded by an iteration count (see {@link Together}).
 */
class SelectionConcurrencyStressTests {

	private static final int SELECTORS = 8;

	private static final int ITERATIONS = 20_000;

	private static final int RELOADS = 2_000;

	private static final java.util.logging.Logger poolLogger = java.util.logging.Logger
		.getLogger(ProxyPool.class.getName());

	// thousands of panic episodes are the point here, not thousands of log lines
	@BeforeEach
	void silencePanicWarnings() {
		poolLogger.setLevel(java.util.logging.Level.OFF);
	}

	@AfterEach
	void restoreLogging() {
		poolLogger.setLevel(null);
	}

	// lease counters are kept by least-connections; the other strategies exercise selection and snapshots
	@ParameterizedTest
	@ValueSource(strings = { "round-robin", "random", "least-connections", "weighted" })
	void countersStayConsistentUnderContention(String strategy) throws Exception {
		ProxyPool pool = Members.pool(Members.weighted(1, 2, 3, 1, 5, 1), SelectionStrategies.builtIn().create(strategy));
		List<PoolMember> members = pool.members();
		AtomicBoolean negativeSeen = new AtomicBoolean();
		ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
		List<Runnable> tasks = new ArrayList<>(Together.times(SELECTORS, () -> {
			List<Lease> held = new ArrayList<>();
			ThreadLocalRandom random = ThreadLocalRandom.current();
			for (int i = 0; i < ITERATIONS; i++) {
				try {
					held.add(pool.select());
					if (held.size() > 4 || random.nextBoolean()) {
						Lease lease = held.remove(random.nextInt(held.size()));
						lease.release();
						if (random.nextInt(4) == 0) {
							lease.release();
						}
					}
					noteNegativeCounts(members, negativeSeen);
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
			}
			held.forEach(Lease::release);
		}));
		tasks.addAll(Together.times(2, () -> {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			for (int i = 0; i < ITERATIONS / 4; i++) {
				PoolMember member = members.get(random.nextInt(members.size()));
				Unavailability reason = Unavailability.values()[random.nextInt(2)];
				pool.setUnavailable(member, reason, random.nextBoolean());
			}
		}));
		Together.run(tasks);
		assertThat(errors).isEmpty();
		assertThat(negativeSeen).isFalse();
		assertThat(members).allSatisfy((member) -> assertThat(member.activeLeases()).isZero());

		members.forEach((m) -> {
			pool.setUnavailable(m, Unavailability.UNHEALTHY, false);
			pool.setUnavailable(m, Unavailability.CIRCUIT_OPEN, false);
		});
		assertThat(pool.isPanicking()).isFalse();
		assertThat(pool.availableMembers()).hasSize(members.size());
	}

	/**
	 * Health checks and breakers change members' availability while a reload removes two
	 * members and adds two, and back, again and again: a change that meets a member the
	 * reload just dropped is no error, selection never fails, and once everything stops
	 * the pool selects exactly its configured members.
	 */
	@Test
	void reloadsRacingAvailabilityChangesLeaveAConsistentPool() throws Exception {
		List<MemberSpec> specs = Members.count(8);
		List<MemberSpec> all = specs.subList(0, 6);
		List<MemberSpec> swapped = List.of(specs.get(0), specs.get(1), specs.get(2), specs.get(3), specs.get(6),
				specs.get(7));
		ProxyPool pool = Members.pool(all, SelectionStrategies.builtIn().create("round-robin"));
		ConcurrentLinkedQueue<PoolMember> dropped = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
		List<Runnable> tasks = new ArrayList<>();
		tasks.add(() -> {
			for (int i = 0; i < RELOADS; i++) {
				List<MemberSpec> members = (i % 2 == 0) ? swapped : all;
				dropped.addAll(reconcile(pool, spec(pool, members), null).removed());
			}
			dropped.addAll(reconcile(pool, spec(pool, all), null).removed());
		});
		tasks.addAll(Together.times(2, () -> {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			List<PoolMember> members = pool.members();
			for (int i = 0; i < ITERATIONS; i++) {
				if (i % 100 == 0) {
					// as a health-check round does: it takes its targets once and reports on
					// each as its probe ends, by which time reloads may have dropped some
					members = pool.members();
				}
				PoolMember member = members.get(random.nextInt(members.size()));
				Unavailability reason = Unavailability.values()[random.nextInt(2)];
				try {
					pool.setUnavailable(member, reason, random.nextBoolean());
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
			}
		}));
		tasks.addAll(Together.times(4, () -> {
			for (int i = 0; i < ITERATIONS; i++) {
				try {
					pool.select().release();
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
			}
		}));
		Together.run(tasks);
		assertThat(errors).isEmpty();

		List<PoolMember> members = pool.members();
		assertThat(members).extracting(PoolMember::endpoint)
			.containsExactlyElementsOf(all.stream().map(MemberSpec::endpoint).toList());
		assertThat(dropped).hasSize(2 * RELOADS).allSatisfy((member) -> {
			assertThat(member.isRemoved()).isTrue();
			assertThat(members).doesNotContain(member);
		});
		members.forEach((member) -> {
			pool.setUnavailable(member, Unavailability.UNHEALTHY, false);
			pool.setUnavailable(member, Unavailability.CIRCUIT_OPEN, false);
		});
		assertThat(pool.isPanicking()).isFalse();
		Map<PoolMember, Integer> chosen = new HashMap<>();
		for (int i = 0; i < 100 * members.size(); i++) {
			Lease lease = pool.select();
			chosen.merge(lease.member(), 1, Integer::sum);
			lease.release();
		}
		assertThat(chosen).containsOnlyKeys(members).allSatisfy((member, times) -> assertThat(times).isEqualTo(100));
	}

	/**
	 * Reloads switch the pool between a strategy that counts leases and one that does not
	 * while leases are taken and released: each lease gives back what it took, so no count
	 * ever goes negative and every count is zero once all are released.
	 */
	@Test
	void leaseCountsSurviveReloadsThatSwitchBetweenCountingAndNonCountingStrategies() throws Exception {
		List<MemberSpec> specs = Members.count(4);
		ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP),
				PoolSpec.Origin.POOL, specs, "least-connections", Duration.ofSeconds(30))), Map.of(),
				SelectionStrategies.builtIn()::create);
		ProxyPool pool = pools.pools().values().iterator().next();
		List<PoolMember> members = pool.members();
		AtomicBoolean negativeSeen = new AtomicBoolean();
		ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
		List<Runnable> tasks = new ArrayList<>();
		tasks.add(() -> {
			for (int i = 0; i < RELOADS; i++) {
				String strategy = (i % 2 == 0) ? "round-robin" : "least-connections";
				pools.reconcile(List.of(new PoolSpec(pool.key(), PoolSpec.Origin.POOL, specs, strategy,
						Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);
			}
		});
		tasks.addAll(Together.times(SELECTORS, () -> {
			List<Lease> held = new ArrayList<>();
			ThreadLocalRandom random = ThreadLocalRandom.current();
			for (int i = 0; i < ITERATIONS; i++) {
				try {
					held.add(pool.select());
					if (held.size() > 8 || random.nextBoolean()) {
						held.remove(random.nextInt(held.size())).release();
					}
					noteNegativeCounts(members, negativeSeen);
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
			}
			held.forEach(Lease::release);
		}));
		Together.run(tasks);

		assertThat(errors).isEmpty();
		assertThat(negativeSeen).isFalse();
		assertThat(pool.members()).isEqualTo(members);
		assertThat(members).allSatisfy((member) -> assertThat(member.activeLeases()).isZero());
	}

	/**
	 * Reloads remove a proxy and configure it again, over and over, while selectors take leases
	 * and give them back, holding some to the end: each member then counts exactly the leases
	 * still open through its proxy, whichever of the proxy's members took them.
	 */
	@Test
	void aProxyRemovedAndConfiguredAgainCountsExactlyTheLeasesStillOpenThroughIt() throws Exception {
		List<MemberSpec> all = Members.count(3);
		List<MemberSpec> withoutFirst = all.subList(1, 3);
		ProxyPool pool = Members.pool(all, SelectionStrategies.builtIn().create("least-connections"));
		ConcurrentLinkedQueue<Lease> stillOpen = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
		List<Runnable> tasks = new ArrayList<>();
		tasks.add(() -> {
			for (int i = 0; i < RELOADS; i++) {
				reconcile(pool, spec(pool, (i % 2 == 0) ? withoutFirst : all), null);
			}
			reconcile(pool, spec(pool, all), null);
		});
		tasks.addAll(Together.times(SELECTORS, () -> {
			List<Lease> held = new ArrayList<>();
			ThreadLocalRandom random = ThreadLocalRandom.current();
			for (int i = 0; i < ITERATIONS; i++) {
				try {
					held.add(pool.select());
					if (held.size() > 6 || random.nextBoolean()) {
						held.remove(random.nextInt(held.size())).release();
					}
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
			}
			stillOpen.addAll(held);
		}));
		Together.run(tasks);

		assertThat(errors).isEmpty();
		assertThat(stillOpen).isNotEmpty();
		for (PoolMember member : pool.members()) {
			long open = stillOpen.stream()
				.filter((lease) -> lease.endpoint().identity().equals(member.endpoint().identity()))
				.count();
			assertThat(member.activeLeases()).as(member.toString()).isEqualTo(open);
		}
		stillOpen.forEach(Lease::release);
		assertThat(pool.members()).allSatisfy((member) -> assertThat(member.activeLeases()).isZero());
	}

	/**
	 * Reloads remove and add members, re-weight them, rotate their passwords, disable and
	 * enable them and switch the strategy, while health checks and breakers flip availability
	 * and selectors hold and release leases. A selection that ran wholly between two reloads
	 * (told by a sequence number the reloader makes odd while it reloads) picks an enabled
	 * member of the configuration the last reload left; every lease ever taken is given back.
	 */
	@Test
	void selectionAfterAReloadReturnedPicksOnlyMembersThatReloadKeptEnabled() throws Exception {
		String[] strategies = { "round-robin", "random", "least-connections", "weighted" };
		PoolKey key = PoolKey.ofDefault(ConnectionType.HTTP);
		ProxyPools pools = ProxyPools.of(List.of(layout(key, 0, strategies[0])), Map.of(),
				SelectionStrategies.builtIn()::create);
		ProxyPool pool = pools.pools().get(key);
		Set<PoolMember> everyMember = ConcurrentHashMap.newKeySet();
		everyMember.addAll(pool.members());
		AtomicLong reloading = new AtomicLong();
		AtomicReference<Set<PoolMember>> enabled = new AtomicReference<>(enabledMembers(pool));
		ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
		List<Runnable> tasks = new ArrayList<>();
		AtomicBoolean reloaderFailed = new AtomicBoolean();
		tasks.add(() -> {
			try {
				for (int i = 1; i <= RELOADS / 4; i++) {
					// selections between reloads too, which alone can be checked
					for (int s = 0; s < 50; s++) {
						pool.select().release();
					}
					reloading.incrementAndGet();
					pools.reconcile(List.of(layout(key, i, strategies[i % strategies.length])), Map.of(),
							SelectionStrategies.builtIn()::create);
					everyMember.addAll(pool.members());
					enabled.set(enabledMembers(pool));
					reloading.incrementAndGet();
				}
			}
			catch (Throwable ex) {
				// left odd, the sequence would keep the selectors waiting for a check for ever
				errors.add(ex);
				reloaderFailed.set(true);
			}
		});
		tasks.add(() -> {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			for (int i = 0; i < ITERATIONS; i++) {
				List<PoolMember> members = pool.members();
				PoolMember member = members.get(random.nextInt(members.size()));
				try {
					pool.setUnavailable(member, Unavailability.values()[random.nextInt(2)], random.nextBoolean());
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
			}
		});
		tasks.addAll(Together.times(4, () -> {
			List<Lease> held = new ArrayList<>();
			ThreadLocalRandom random = ThreadLocalRandom.current();
			int checkedHere = 0;
			// on until some selections ran between reloads: after the last one, they all do
			for (int i = 0; i < ITERATIONS || (checkedHere < 100 && !reloaderFailed.get()); i++) {
				long before = reloading.get();
				Set<PoolMember> allowed = enabled.get();
				try {
					Lease lease = pool.select();
					held.add(lease);
					boolean betweenReloads = before % 2 == 0 && reloading.get() == before;
					if (betweenReloads) {
						checkedHere++;
					}
					if (betweenReloads && !allowed.contains(lease.member())) {
						violations.add(lease.member() + " removed=" + lease.member().isRemoved() + " enabled="
								+ lease.member().enabled());
					}
					if (held.size() > 4 || random.nextBoolean()) {
						held.remove(random.nextInt(held.size())).release();
					}
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
			}
			held.forEach(Lease::release);
		}));
		Together.run(tasks);

		assertThat(errors).isEmpty();
		assertThat(violations).isEmpty();
		assertThat(everyMember).hasSizeGreaterThan(8)
			.allSatisfy((member) -> assertThat(member.activeLeases()).isZero());
	}

	/**
	 * The members of the i-th reload: six to eight of eight proxies, one of the first five
	 * disabled in turn, with weights from 1 to 4 and the password of that reload.
	 */
	private static PoolSpec layout(PoolKey key, int i, String strategy) {
		List<MemberSpec> members = new ArrayList<>();
		for (int m = 0; m < 8; m++) {
			if (m >= 5 && (i + m) % 3 == 0) {
				continue;
			}
			ProxyEndpoint endpoint = new ProxyEndpoint(ProxyScheme.HTTP, "10.0.0." + m, 3128, "feed", "secret-" + i);
			members.add(new MemberSpec(endpoint, 1 + (i + m) % 4, m != i % 5, Map.of()));
		}
		return new PoolSpec(key, PoolSpec.Origin.POOL, members, strategy, Duration.ofSeconds(30));
	}

	private static Set<PoolMember> enabledMembers(ProxyPool pool) {
		Set<PoolMember> enabled = Collections.newSetFromMap(new IdentityHashMap<>());
		pool.members().stream().filter(PoolMember::enabled).forEach(enabled::add);
		return enabled;
	}

	/** A count below zero, even for a moment, is a lease given back twice or one that never took. */
	private static void noteNegativeCounts(List<PoolMember> members, AtomicBoolean negativeSeen) {
		if (members.stream().anyMatch((member) -> member.activeLeases() < 0)) {
			negativeSeen.set(true);
		}
	}

	private static PoolSpec spec(ProxyPool pool, List<MemberSpec> members) {
		return new PoolSpec(pool.key(), PoolSpec.Origin.POOL, members, "round-robin", Duration.ofSeconds(30));
	}

}
