package io.cryptofeed.proxy.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads select, hold, release (some twice) and flip availability at once. Bounded by
 * an iteration count per thread; the executor's await is a safety net, not synchronisation.
 */
class SelectionConcurrencyStressTests {

	private static final int SELECTORS = 8;

	private static final int ITERATIONS = 20_000;

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
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(SELECTORS + 2);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < SELECTORS; t++) {
			futures.add(executor.submit(() -> {
				await(start);
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
						for (PoolMember member : members) {
							if (member.activeLeases() < 0) {
								negativeSeen.set(true);
							}
						}
					}
					catch (Throwable ex) {
						errors.add(ex);
					}
				}
				held.forEach(Lease::release);
			}));
		}
		for (int t = 0; t < 2; t++) {
			futures.add(executor.submit(() -> {
				await(start);
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int i = 0; i < ITERATIONS / 4; i++) {
					PoolMember member = members.get(random.nextInt(members.size()));
					Unavailability reason = Unavailability.values()[random.nextInt(2)];
					pool.setUnavailable(member, reason, random.nextBoolean());
				}
			}));
		}
		start.countDown();
		executor.shutdown();
		assertThat(executor.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
		for (Future<?> future : futures) {
			future.get(1, TimeUnit.SECONDS);
		}
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

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
