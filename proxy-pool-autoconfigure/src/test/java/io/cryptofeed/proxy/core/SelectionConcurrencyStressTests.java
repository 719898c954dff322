package io.cryptofeed.proxy.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
				dropped.addAll(pool.reconcile(spec(pool, members), null).removed());
			}
			dropped.addAll(pool.reconcile(spec(pool, all), null).removed());
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
