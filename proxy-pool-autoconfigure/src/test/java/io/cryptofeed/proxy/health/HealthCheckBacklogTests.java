package io.cryptofeed.proxy.health;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ProxyScheme;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.health.probe.HealthProbe;
import io.cryptofeed.proxy.netty.ProxyTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * More members than the bound on checks in flight can check within an interval (every proxy
 * frozen, each check taking its whole timeout): the members whose turn comes while every slot
 * is busy wait in line. Virtual time, a probe that takes a set time.
 */
class HealthCheckBacklogTests {

	private static final PoolKey KEY = PoolKey.ofDefault(ConnectionType.HTTP);

	private static final int MEMBERS = 50;

	private static final Duration CHECK_TAKES = Duration.ofSeconds(2);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final CountingScheduler timer = new CountingScheduler(this.time);

	private final ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(KEY, PoolSpec.Origin.POOL,
			IntStream.rangeClosed(1, MEMBERS).mapToObj(HealthCheckBacklogTests::member).toList(), "round-robin",
			Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);

	private final ProxyPool pool = this.pools.pools().get(KEY);

	private final Map<String, List<Long>> starts = new ConcurrentHashMap<>();

	private HealthChecker checker;

	@AfterEach
	void close() {
		if (this.checker != null) {
			this.checker.close();
		}
	}

	/**
	 * Fifty members, one slot, checks of two seconds: a round takes a hundred seconds, ten
	 * intervals. Each member is checked once in that time, and the
	 * members waiting meanwhile do not wake the timer thread over and over to look for a slot
	 * (twenty times a second each, a busy timer thread for as long as the proxies stay frozen).
	 */
	@Test
	void membersWhoseTurnComesWhileEverySlotIsBusyWaitInLineWithoutWakingTheTimer() {
		// first turns spread over the first second
		AtomicInteger firstTurns = new AtomicInteger();
		this.checker = new HealthChecker(this.pools, Map.of(KEY, settings()), (s) -> probe(), this.timer,
				Clock.systemUTC(), () -> firstTurns.getAndIncrement() / (double) (MEMBERS + 1), 1, HealthListener.NONE);
		this.checker.start();

		this.time.advanceTimeBy(CHECK_TAKES.multipliedBy(MEMBERS).minusMillis(1));

		assertThat(this.pool.members()).allSatisfy((member) -> assertThat(startsOf(member)).hasSize(1));
		// a first turn and a next round per member, and a hand-over of the slot to each one that waited
		assertThat(this.timer.scheduled.get()).isLessThanOrEqualTo(4 * MEMBERS);
	}

	/** A reload that raises the bound starts the checks in line at once, not as checks end. */
	@Test
	void aHigherBoundStartsTheChecksInLineAtOnce() {
		start(1);
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(checksStarted()).isOne();

		this.checker.reconcile(Map.of(KEY, settings()), 64);
		this.time.advanceTime();

		assertThat(checksStarted()).isEqualTo(MEMBERS);
	}

	/**
	 * The checks in line when the application stops never run, and once it starts again each
	 * member is checked on its timer alone: a turn from before the stop would be a second timer.
	 */
	@Test
	void theLineFromBeforeAStopIsDroppedAndEachMemberKeepsOneTimer() {
		start(1);
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		this.checker.stop();
		this.time.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(checksStarted()).as("the check under way, and none from the line").isEqualTo(3);

		this.checker.reconcile(Map.of(KEY, settings()), 64);
		this.starts.clear();
		this.checker.start();
		// first turns within a second, then every interval after a check of two seconds
		this.time.advanceTimeBy(Duration.ofSeconds(1 + 2 * 12));

		assertThat(this.pool.members()).allSatisfy((member) -> assertThat(startsOf(member)).hasSize(3));
	}

	private void start(int maxConcurrentChecks) {
		AtomicInteger firstTurns = new AtomicInteger();
		this.checker = new HealthChecker(this.pools, Map.of(KEY, settings()), (s) -> probe(), this.timer,
				Clock.systemUTC(), () -> (firstTurns.getAndIncrement() % MEMBERS) / (double) (MEMBERS + 1),
				maxConcurrentChecks, HealthListener.NONE);
		this.checker.start();
	}

	private int checksStarted() {
		return this.starts.values().stream().mapToInt(List::size).sum();
	}

	private List<Long> startsOf(PoolMember member) {
		return this.starts.getOrDefault(member.endpoint().host(), Collections.emptyList());
	}

	private HealthProbe probe() {
		return (endpoint, timeout) -> Mono.defer(() -> {
			this.starts.computeIfAbsent(endpoint.host(), (host) -> Collections.synchronizedList(new ArrayList<>()))
				.add(this.time.now(TimeUnit.MILLISECONDS));
			return Mono.delay(CHECK_TAKES, this.time).thenReturn(Duration.ofMillis(5));
		});
	}

	private static HealthCheckSettings settings() {
		return new HealthCheckSettings(HealthCheckSettings.Method.TCP, Duration.ofSeconds(10), Duration.ofSeconds(5), 1,
				2, 2, 0.0, null, (status) -> true, ProxyTls.systemDefault());
	}

	private static MemberSpec member(int i) {
		return MemberSpec.of(new ProxyEndpoint(ProxyScheme.SOCKS5, "10.0.0." + i, 1080, null, null));
	}

	/** Virtual time that counts the tasks the checker schedules on it. */
	private static final class CountingScheduler implements Scheduler {

		final AtomicInteger scheduled = new AtomicInteger();

		private final VirtualTimeScheduler time;

		CountingScheduler(VirtualTimeScheduler time) {
			this.time = time;
		}

		@Override
		public Disposable schedule(Runnable task) {
			this.scheduled.incrementAndGet();
			return this.time.schedule(task);
		}

		@Override
		public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
			this.scheduled.incrementAndGet();
			return this.time.schedule(task, delay, unit);
		}

		@Override
		public long now(TimeUnit unit) {
			return this.time.now(unit);
		}

		@Override
		public Worker createWorker() {
			return this.time.createWorker();
		}

		@Override
		public void dispose() {
			this.time.dispose();
		}

	}

}
