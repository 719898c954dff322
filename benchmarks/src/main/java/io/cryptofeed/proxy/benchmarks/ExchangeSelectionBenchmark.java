package io.cryptofeed.proxy.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.TriedMembers;
import io.cryptofeed.proxy.core.ratelimit.Budget;
import io.cryptofeed.proxy.core.ratelimit.ExchangeLimits;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicy;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Selection as a connection makes it since exchanges have limits: through the exchange's
 * {@link ExchangeLimits}, with the attempt's (empty) tried members as exclusion. Compared with
 * the pool's own selection, when no member rests, when one rests, and with a budget that is
 * never spent.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ExchangeSelectionBenchmark {

	@Param({ "round-robin", "least-connections" })
	public String strategy;

	@Param({ "10", "1000" })
	public int size;

	private ProxyPool pool;

	private final TriedMembers tried = new TriedMembers();

	private ExchangeLimits quiet;

	private ExchangeLimits oneResting;

	private ExchangeLimits budgeted;

	@Setup
	public void setUp() {
		this.pool = BenchmarkPools.pool(this.strategy, this.size);
		RateLimitPolicy budget = new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(30),
				Duration.ofMinutes(10), Duration.ofHours(1), false, new Budget(100_000, Duration.ofNanos(1_000)), null);
		RateLimits limits = new RateLimits(new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("budgeted", budget)),
				Clock.systemUTC());
		this.quiet = limits.forExchange("quiet");
		this.oneResting = limits.forExchange("resting");
		this.oneResting.responded(this.pool, this.pool.members().get(this.size / 2), 418, "86400");
		this.budgeted = limits.forExchange("budgeted");
	}

	/** What a connect did before exchanges had limits. */
	@Benchmark
	public PoolMember poolSelect() {
		Lease lease = this.pool.select(this.tried);
		lease.release();
		return lease.member();
	}

	@Benchmark
	public PoolMember exchangeSelectNothingResting() {
		Lease lease = this.quiet.select(this.pool, this.tried);
		lease.release();
		return lease.member();
	}

	@Benchmark
	public PoolMember exchangeSelectOneMemberResting() {
		Lease lease = this.oneResting.select(this.pool, this.tried);
		lease.release();
		return lease.member();
	}

	/** A budget of 100 000 per microsecond: always a use left, so this is what the accounting costs. */
	@Benchmark
	public PoolMember exchangeSelectWithBudget() {
		Lease lease = this.budgeted.select(this.pool, this.tried);
		lease.release();
		return lease.member();
	}

}
