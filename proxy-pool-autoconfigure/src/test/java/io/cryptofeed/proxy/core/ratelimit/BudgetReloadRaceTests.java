package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.Members;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.core.strategy.RoundRobinStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A selection that read the budget before a reload changed it and spends after selections
 * under the new one: it holds one thread still inside its selection, at its reading of the
 * clock (which comes right after its reading of the policy), while the reload and other
 * selections happen.
 */
class BudgetReloadRaceTests {

	private static final Budget LOOSE = new Budget(5, Duration.ofMinutes(1));

	private static final Budget TIGHT = new Budget(2, Duration.ofMinutes(1));

	private final TestClock clock = new TestClock();

	private final PausingTicker ticker = new PausingTicker(this.clock.ticker());

	private final ProxyPool pool = Members.pool(Members.count(1), new RoundRobinStrategy(0));

	private final PoolMember member = this.pool.members().get(0);

	private final RateLimits limits = new RateLimits(policies(LOOSE), this.clock, this.ticker);

	private final ExchangeLimits coinbase = this.limits.forExchange("coinbase");

	@Test
	void aSelectionBegunBeforeTheReloadDoesNotGiveTheNewBudgetAFreshWindow() throws Exception {
		this.coinbase.select(this.pool, Exclusion.NONE).release();
		CompletableFuture<Lease> stale = this.ticker.pausedIn(() -> this.coinbase.select(this.pool, Exclusion.NONE));

		this.limits.reconfigure(policies(TIGHT));
		this.coinbase.select(this.pool, Exclusion.NONE).release();
		this.coinbase.select(this.pool, Exclusion.NONE).release();
		assertThat(this.coinbase.stateOf(this.member).budgetTokens()).isZero();
		this.ticker.resume();

		// the new budget is spent within its window: the late selection is refused too
		assertThat(stale).failsWithin(10, TimeUnit.SECONDS)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(PoolRateLimitedException.class);
		assertThat(this.coinbase.stateOf(this.member).budget()).isEqualTo(TIGHT);
		assertThat(this.coinbase.stateOf(this.member).budgetTokens()).isZero();
		assertThatExceptionOfType(PoolRateLimitedException.class)
			.isThrownBy(() -> this.coinbase.select(this.pool, Exclusion.NONE));
	}

	private static RateLimitPolicies policies(Budget budget) {
		return new RateLimitPolicies(new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ofHours(1), false, budget, null), Map.of());
	}

	/** A ticker that holds one chosen thread at its next reading until told to go on. */
	private static final class PausingTicker implements LongSupplier {

		private final LongSupplier ticker;

		private final CountDownLatch paused = new CountDownLatch(1);

		private final CountDownLatch resumed = new CountDownLatch(1);

		private volatile Thread held;

		PausingTicker(LongSupplier ticker) {
			this.ticker = ticker;
		}

		/** Runs the work on a thread of its own and returns once it is held at its first reading. */
		<T> CompletableFuture<T> pausedIn(Supplier<T> work) throws InterruptedException {
			CompletableFuture<T> result = new CompletableFuture<>();
			Thread thread = new Thread(() -> {
				try {
					result.complete(work.get());
				}
				catch (Throwable ex) {
					result.completeExceptionally(ex);
				}
			});
			this.held = thread;
			thread.start();
			assertThat(this.paused.await(10, TimeUnit.SECONDS)).as("held at its reading of the clock").isTrue();
			return result;
		}

		void resume() {
			this.held = null;
			this.resumed.countDown();
		}

		@Override
		public long getAsLong() {
			if (Thread.currentThread() == this.held) {
				this.paused.countDown();
				try {
					this.resumed.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return this.ticker.getAsLong();
		}

	}

}
