package io.cryptofeed.proxy.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.health.HealthCheckSettings;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.health.HealthListener;
import io.cryptofeed.proxy.netty.ProxyTls;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Selection over 1 000 members with and without the health checker running over the same
 * pool: every member checked once a second (about 1 000 checks a second on the checker's
 * timer threads), with a probe that answers at once so only the checker's own work competes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SelectionWhileCheckingBenchmark {

	@Param({ "off", "on" })
	public String checks;

	private ProxyPool pool;

	private HealthChecker checker;

	@Setup
	public void setUp() {
		this.pool = BenchmarkPools.pool("round-robin", 1000);
		if (this.checks.equals("on")) {
			ProxyPools pools = new ProxyPools(java.util.List.of(this.pool), Map.of());
			HealthCheckSettings settings = new HealthCheckSettings(HealthCheckSettings.Method.TCP, Duration.ofSeconds(1),
					Duration.ofMillis(500), 1, 2, 2, 0.1, null, (status) -> true,
					ProxyTls.systemDefault());
			this.checker = new HealthChecker(pools, Map.of(PoolKey.ofDefault(ConnectionType.HTTP), settings),
					(s) -> (endpoint, timeout) -> Mono.just(Duration.ofMillis(1)),
					Schedulers.newParallel("proxy-health", 2, true), Clock.systemUTC(),
					() -> ThreadLocalRandom.current().nextDouble(), 64, HealthListener.NONE);
			this.checker.start();
		}
	}

	@TearDown
	public void tearDown() {
		if (this.checker != null) {
			this.checker.close();
		}
	}

	@Benchmark
	public PoolMember selectAndRelease() {
		Lease lease = this.pool.select();
		lease.release();
		return lease.member();
	}

}
