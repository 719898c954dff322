package io.cryptofeed.proxy.benchmarks;

import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One selection as a connection makes it: select a member, then release the lease. Run with
 * {@code -t 1} and {@code -t 2}; the threads share one pool, as connections do.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SelectionBenchmark {

	@Param({ "round-robin", "random", "least-connections", "weighted" })
	public String strategy;

	@Param({ "10", "100", "1000", "10000" })
	public int size;

	private ProxyPool pool;

	@Setup
	public void setUp() {
		this.pool = BenchmarkPools.pool(this.strategy, this.size);
	}

	/** The lease stays local, as in a caller that selects and releases in one method. */
	@Benchmark
	public PoolMember selectAndRelease() {
		Lease lease = this.pool.select();
		lease.release();
		return lease.member();
	}

	/**
	 * The lease escapes, as it does when a connection holds it until it closes: this one
	 * pays for the lease object.
	 */
	@Benchmark
	public void selectHoldAndRelease(Blackhole blackhole) {
		Lease lease = this.pool.select();
		blackhole.consume(lease);
		lease.release();
	}

}
