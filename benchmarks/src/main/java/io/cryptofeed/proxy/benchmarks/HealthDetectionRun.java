package io.cryptofeed.proxy.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.health.HealthCheckSettings;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.health.HealthListener;
import io.cryptofeed.proxy.health.probe.HealthProbes;
import io.cryptofeed.proxy.netty.ProxyTls;
import io.cryptofeed.proxy.testkit.real.Dante;
import io.cryptofeed.proxy.testkit.real.Microsocks;
import io.cryptofeed.proxy.testkit.real.RealProxy;
import io.cryptofeed.proxy.testkit.real.Tinyproxy;
import reactor.core.scheduler.Schedulers;

/**
 * Detection time of the health checker with the tcp method against Debian's real proxies on
 * loopback: a killed proxy (refuses) and a stopped one (SIGSTOP: accepts TCP, never answers),
 * from the fault to the member leaving the pool's snapshot, and from SIGCONT back to it.
 * Every wait is bounded.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.cryptofeed.proxy.benchmarks.HealthDetectionRun}
 */
public final class HealthDetectionRun {

	private static final int ROUNDS = 5;

	private static final Duration INTERVAL = Duration.ofSeconds(1);

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	private static final Duration LIMIT = Duration.ofSeconds(20);

	private HealthDetectionRun() {
	}

	public static void main(String[] args) {
		for (int threshold : new int[] { 1, 2 }) {
			List<Long> killed = new ArrayList<>();
			List<Long> stopped = new ArrayList<>();
			List<Long> resumed = new ArrayList<>();
			for (int round = 0; round < ROUNDS; round++) {
				round(threshold, killed, stopped, resumed);
			}
			System.out.printf("interval 1s, timeout 500ms, jitter 10%%, unhealthy/healthy threshold %d, %d rounds%n",
					threshold, ROUNDS);
			System.out.println("  killed  -> out of snapshot: " + summary(killed));
			System.out.println("  stopped -> out of snapshot: " + summary(stopped));
			System.out.println("  resumed -> back in snapshot: " + summary(resumed));
		}
	}

	private static void round(int threshold, List<Long> killed, List<Long> stopped, List<Long> resumed) {
		try (Tinyproxy tinyproxy = Tinyproxy.builder().bindAddress("127.0.0.1").start();
				Microsocks microsocks = Microsocks.builder()
					.bindAddress("127.0.0.1")
					.credentials("feed", "detection")
					.start();
				Dante dante = Dante.builder().bindAddress("127.0.0.1").start()) {
			List<RealProxy> proxies = List.of(tinyproxy, microsocks, dante);
			PoolKey key = PoolKey.ofDefault(ConnectionType.HTTP);
			List<MemberSpec> members = proxies.stream().map((p) -> MemberSpec.of(ProxyEndpoint.parse(p.url()))).toList();
			ProxyPools pools = ProxyPools.of(
					List.of(new PoolSpec(key, PoolSpec.Origin.POOL, members, "round-robin", Duration.ofSeconds(30))),
					Map.of(), SelectionStrategies.builtIn()::create);
			ProxyPool pool = pools.pools().get(key);
			HealthCheckSettings settings = new HealthCheckSettings(HealthCheckSettings.Method.TCP, INTERVAL, TIMEOUT, 1,
					threshold, threshold, 0.1, null, (status) -> true,
					ProxyTls.systemDefault());
			try (HealthChecker checker = new HealthChecker(pools, Map.of(key, settings), (s) -> HealthProbes.tcp(),
					Schedulers.newParallel("proxy-health", 2, true), Clock.systemUTC(),
					() -> ThreadLocalRandom.current().nextDouble(), 64, HealthListener.NONE)) {
				checker.start();
				waitFor(() -> pool.availableMembers().size() == 3);
				PoolMember tinyMember = pool.members().get(0);
				PoolMember socksMember = pool.members().get(1);
				long fault = System.nanoTime();
				tinyproxy.close();
				microsocks.pause();
				long[] out = new long[2];
				waitFor(() -> {
					long now = System.nanoTime();
					if (out[0] == 0 && !pool.availableMembers().contains(tinyMember)) {
						out[0] = now;
					}
					if (out[1] == 0 && !pool.availableMembers().contains(socksMember)) {
						out[1] = now;
					}
					return out[0] != 0 && out[1] != 0;
				});
				killed.add((out[0] - fault) / 1_000_000);
				stopped.add((out[1] - fault) / 1_000_000);
				long resume = System.nanoTime();
				microsocks.resume();
				waitFor(() -> pool.availableMembers().contains(socksMember));
				resumed.add((System.nanoTime() - resume) / 1_000_000);
			}
		}
	}

	/** Polls every 10 ms, for at most {@link #LIMIT}. */
	private static void waitFor(BooleanSupplier condition) {
		long deadline = System.nanoTime() + LIMIT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("not reached within " + Durations.format(LIMIT));
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	private static String summary(List<Long> millis) {
		List<Long> sorted = new ArrayList<>(millis);
		sorted.sort(Long::compare);
		return String.format("min %d ms, median %d ms, max %d ms  %s", sorted.get(0), sorted.get(sorted.size() / 2),
				sorted.get(sorted.size() - 1), millis);
	}

}
