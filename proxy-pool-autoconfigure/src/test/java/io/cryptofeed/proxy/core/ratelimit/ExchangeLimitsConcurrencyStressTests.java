package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.Members;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.core.strategy.RoundRobinStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads spend one exchange's budget at once, on a clock that stands still, so no use
 * comes back by itself: the budget is spent exactly, never beyond, and every thread is told
 * the pool is rate limited once it is. Bounded by an attempt count per thread; the
 * executor's await is a safety net, not synchronisation.
 */
class ExchangeLimitsConcurrencyStressTests {

	private static final int THREADS = 8;

	private static final int BUDGET = 250;

	/** Far more than a thread can spend: the budget ends every thread's loop first. */
	private static final int ATTEMPTS = 10_000;

	private final ProxyPool pool = Members.pool(Members.count(4), new RoundRobinStrategy(0));

	private final ExchangeLimits coinbase = new RateLimits(new RateLimitPolicies(new RateLimitPolicy(Set.of(429),
			Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1), false,
			new Budget(BUDGET, Duration.ofMinutes(1)), null), Map.of()), new TestClock())
		.forExchange("coinbase");

	@Test
	void racingSelectionsSpendEachMembersBudgetExactly() throws Exception {
		Spent spent = spendUntilRateLimited(0);

		assertThat(spent.errors).isEmpty();
		assertThat(spent.rateLimited).hasValue(THREADS);
		assertThat(this.pool.members()).allSatisfy((member) -> {
			assertThat(spent.kept(member)).isEqualTo(BUDGET);
			assertThat(this.coinbase.stateOf(member).budgetTokens()).isZero();
		});
	}

	@Test
	void usesGivenBackWhileOthersSpendAreSpentOnceMore() throws Exception {
		// every third lease gives its use back, as a request whose proxy failed first does
		Spent spent = spendUntilRateLimited(3);

		assertThat(spent.errors).isEmpty();
		assertThat(spent.rateLimited).hasValue(THREADS);
		assertThat(this.pool.members()).allSatisfy((member) -> {
			assertThat(spent.refunded(member)).isPositive();
			assertThat(spent.kept(member)).isEqualTo(BUDGET);
			assertThat(this.coinbase.stateOf(member).budgetTokens()).isZero();
		});
	}

	/**
	 * Every thread selects until it is told the pool is rate limited.
	 * @param refundEvery give back every so many leases' uses; 0 for none
	 */
	private Spent spendUntilRateLimited(int refundEvery) throws Exception {
		Spent spent = new Spent();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(THREADS);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			futures.add(executor.submit(() -> {
				await(start);
				for (int i = 1; i <= ATTEMPTS; i++) {
					Lease lease;
					try {
						lease = this.coinbase.select(this.pool, Exclusion.NONE);
					}
					catch (PoolRateLimitedException ex) {
						spent.rateLimited.incrementAndGet();
						return;
					}
					catch (Throwable ex) {
						spent.errors.add(ex);
						return;
					}
					spent.taken(lease.member()).increment();
					if (refundEvery > 0 && i % refundEvery == 0) {
						this.coinbase.refund(lease);
						spent.givenBack(lease.member()).increment();
					}
					lease.release();
				}
			}));
		}
		start.countDown();
		executor.shutdown();
		assertThat(executor.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
		for (Future<?> future : futures) {
			future.get(1, TimeUnit.SECONDS);
		}
		return spent;
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

	/** What the threads spent and gave back, per member, and how they ended. */
	private static final class Spent {

		final Map<PoolMember, LongAdder> taken = new ConcurrentHashMap<>();

		final Map<PoolMember, LongAdder> refunds = new ConcurrentHashMap<>();

		final AtomicInteger rateLimited = new AtomicInteger();

		final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

		LongAdder taken(PoolMember member) {
			return this.taken.computeIfAbsent(member, (m) -> new LongAdder());
		}

		LongAdder givenBack(PoolMember member) {
			return this.refunds.computeIfAbsent(member, (m) -> new LongAdder());
		}

		long refunded(PoolMember member) {
			return givenBack(member).sum();
		}

		long kept(PoolMember member) {
			return taken(member).sum() - refunded(member);
		}

	}

}
