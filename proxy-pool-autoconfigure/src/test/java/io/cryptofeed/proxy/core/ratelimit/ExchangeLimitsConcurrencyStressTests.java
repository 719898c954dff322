package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.Members;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.core.Together;
import io.cryptofeed.proxy.core.strategy.RoundRobinStrategy;
import org.junit.jupiter.api.RepeatedTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads spend one exchange's budget at once, on a clock that stands still, so no use
 * comes back by itself: the budget is spent exactly, never beyond, and every thread is told
 * the pool is rate limited once it is. Each thread is bounded by an attempt count (see
 * {@link Together}).
 */
class ExchangeLimitsConcurrencyStressTests {

	/** A lost race is rare on two cores: each test runs this often, on a new pool and budget. */
	private static final int ROUNDS = 10;

	private static final int THREADS = 8;

	private static final int BUDGET = 250;

	/** Far more than a thread can spend: the budget ends every thread's loop first. */
	private static final int ATTEMPTS = 10_000;

	private final ProxyPool pool = Members.pool(Members.count(4), new RoundRobinStrategy(0));

	private final ExchangeLimits coinbase = new RateLimits(new RateLimitPolicies(new RateLimitPolicy(Set.of(429),
			Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1), false,
			new Budget(BUDGET, Duration.ofMinutes(1)), null), Map.of()), new TestClock(), () -> 0L)
		.forExchange("coinbase");

	@RepeatedTest(ROUNDS)
	void racingSelectionsSpendEachMembersBudgetExactly() throws Exception {
		Spent spent = spendUntilRateLimited(0);

		assertEachMemberKeptItsWholeBudget(spent);
	}

	@RepeatedTest(ROUNDS)
	void usesGivenBackWhileOthersSpendAreSpentOnceMore() throws Exception {
		// every third lease gives its use back, as a request whose proxy failed first does
		Spent spent = spendUntilRateLimited(3);

		assertThat(this.pool.members()).allSatisfy((member) -> assertThat(spent.refunded(member)).isPositive());
		assertEachMemberKeptItsWholeBudget(spent);
	}

	/** No thread failed, every one was told the pool is rate limited, and no member's budget went beyond or unspent. */
	private void assertEachMemberKeptItsWholeBudget(Spent spent) {
		assertThat(spent.errors).isEmpty();
		assertThat(spent.rateLimited).hasValue(THREADS);
		assertThat(this.pool.members()).allSatisfy((member) -> {
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
		Together.run(Together.times(THREADS, () -> {
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
		return spent;
	}

	/** What the threads spent and gave back, per member, and how they ended. */
	private static final class Spent {

		private final Map<PoolMember, LongAdder> takenByMember = new ConcurrentHashMap<>();

		private final Map<PoolMember, LongAdder> givenBackByMember = new ConcurrentHashMap<>();

		final AtomicInteger rateLimited = new AtomicInteger();

		final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

		LongAdder taken(PoolMember member) {
			return this.takenByMember.computeIfAbsent(member, (m) -> new LongAdder());
		}

		LongAdder givenBack(PoolMember member) {
			return this.givenBackByMember.computeIfAbsent(member, (m) -> new LongAdder());
		}

		long refunded(PoolMember member) {
			return givenBack(member).sum();
		}

		long kept(PoolMember member) {
			return taken(member).sum() - refunded(member);
		}

	}

}
