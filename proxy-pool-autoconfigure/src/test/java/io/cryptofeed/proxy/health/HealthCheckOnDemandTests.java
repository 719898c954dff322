package io.cryptofeed.proxy.health;

import java.time.Duration;
import java.time.Instant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
import io.cryptofeed.proxy.health.probe.ProbeFailedException;
import io.cryptofeed.proxy.netty.ProxyTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Checks an operator asks for: at once, besides the timers, within the bound on checks in
 * flight and never overlapping a member's running check. Virtual time, probes that take a
 * set time.
 */
class HealthCheckOnDemandTests {

	private static final PoolKey KEY = PoolKey.ofDefault(ConnectionType.HTTP);

	private static final Duration INTERVAL = Duration.ofSeconds(10);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(KEY, PoolSpec.Origin.POOL,
			List.of(member(1), member(2), member(3)), "round-robin", Duration.ofSeconds(30))), Map.of(),
			SelectionStrategies.builtIn()::create);

	private final ProxyPool pool = this.pools.pools().get(KEY);

	private final List<String> completed = new ArrayList<>();

	private TimedProbe probe;

	private HealthCheckSettings settings;

	private HealthChecker checker;

	@AfterEach
	void close() {
		if (this.checker != null) {
			this.checker.close();
		}
	}

	@Test
	void aCheckOnDemandRunsAtOnceAndTheTimerKeepsItsRhythm() {
		start(Duration.ZERO, 64);
		PoolMember member = this.pool.members().get(0);
		this.time.advanceTimeBy(Duration.ofSeconds(3));
		assertThat(this.probe.starts(member)).containsExactly(500L);

		CompletableFuture<MemberHealth.Snapshot> check = this.checker.checkNow(member);
		this.time.advanceTime();
		assertThat(check).isCompleted();
		assertThat(check.join().lastCheck()).isEqualTo(Instant.ofEpochMilli(3_000));
		assertThat(check.join().totalChecks()).isEqualTo(2);

		this.time.advanceTimeBy(Duration.ofSeconds(8));
		assertThat(this.probe.starts(member)).containsExactly(500L, 3_000L, 10_500L);
	}

	@Test
	void failedChecksOnDemandCountTowardsTheUnhealthyThreshold() {
		start(Duration.ZERO, 64);
		PoolMember member = this.pool.members().get(1);
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		this.probe.failing = true;
		this.checker.checkNow(member);
		this.time.advanceTime();
		assertThat(this.pool.availableMembers()).contains(member);
		CompletableFuture<MemberHealth.Snapshot> second = this.checker.checkNow(member);
		this.time.advanceTime();
		assertThat(second.join().healthy()).isFalse();
		assertThat(second.join().lastError()).contains("failed by the test");
		assertThat(this.pool.availableMembers()).doesNotContain(member);
	}

	@Test
	void checksOnDemandWaitForAFreeSlot() {
		start(Duration.ofSeconds(2), 1);
		this.time.advanceTimeBy(Duration.ofMillis(600));
		assertThat(this.probe.running.get()).isOne();

		CompletableFuture<Void> all = this.checker.checkNow(this.pool);
		for (int i = 0; i < 100 && !all.isDone(); i++) {
			this.time.advanceTimeBy(Duration.ofMillis(500));
		}
		assertThat(all).isCompleted();
		assertThat(this.probe.mostAtOnce.get()).isOne();
		List<Long> starts = this.pool.members().stream().flatMap((m) -> this.probe.starts(m).stream()).sorted().toList();
		for (int i = 1; i < starts.size(); i++) {
			assertThat(starts.get(i) - starts.get(i - 1)).as("one check after the other").isGreaterThanOrEqualTo(2_000L);
		}
		// each member was checked after the request
		assertThat(this.pool.members()).allSatisfy((m) -> assertThat(this.probe.starts(m)).last()
			.satisfies((start) -> assertThat(start).isGreaterThan(600L)));
	}

	@Test
	void aReloadThatLowersTheBoundOnChecksInFlightHoldsFromTheNextCheck() {
		start(Duration.ofSeconds(2), 64);
		this.time.advanceTimeBy(Duration.ofSeconds(3));
		assertThat(this.probe.mostAtOnce.get()).as("the three first checks ran together").isEqualTo(3);

		this.checker.reconcile(Map.of(KEY, this.settings), 1);
		this.probe.mostAtOnce.set(0);
		CompletableFuture<Void> all = this.checker.checkNow(this.pool);
		for (int i = 0; i < 100 && !all.isDone(); i++) {
			this.time.advanceTimeBy(Duration.ofMillis(500));
		}

		assertThat(all).isCompleted();
		assertThat(this.probe.mostAtOnce.get()).isOne();
	}

	@Test
	void aReloadThatStopsAMemberDuringItsCheckFreesTheCheckSlot() {
		start(Duration.ofSeconds(2), 1);
		this.time.advanceTimeBy(Duration.ofMillis(600));
		assertThat(this.probe.running.get()).isOne();
		PoolMember busy = this.pool.members().stream().filter((m) -> !this.probe.starts(m).isEmpty()).findFirst()
			.orElseThrow();
		List<MemberSpec> kept = new ArrayList<>();
		for (int i = 1; i <= 3; i++) {
			if (!("10.0.0." + i).equals(busy.endpoint().host())) {
				kept.add(member(i));
			}
		}

		this.pools.reconcile(List.of(new PoolSpec(KEY, PoolSpec.Origin.POOL, kept, "round-robin",
				Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);
		this.checker.reconcile(Map.of(KEY, this.settings), 1);
		this.time.advanceTimeBy(Duration.ofSeconds(30));

		assertThat(this.checker.checkedMembers()).isEqualTo(2);
		assertThat(this.pool.members()).allSatisfy((m) -> assertThat(this.probe.starts(m))
			.as("checks of %s after the reload", m).isNotEmpty());
	}

	@Test
	void aCheckOnDemandStartsAfterTheMembersRunningCheckAndCallsShareIt() {
		start(Duration.ofSeconds(2), 64);
		PoolMember member = this.pool.members().get(2);
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.probe.starts(member)).containsExactly(500L);

		CompletableFuture<MemberHealth.Snapshot> first = this.checker.checkNow(member);
		CompletableFuture<MemberHealth.Snapshot> second = this.checker.checkNow(member);
		assertThat(second).isSameAs(first);
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		assertThat(first).isCompleted();
		List<Long> starts = this.probe.starts(member);
		assertThat(starts).hasSize(2);
		assertThat(starts.get(1)).isBetween(2_500L, 2_600L);
		assertThat(this.probe.mostAtOnce.get()).isEqualTo(3);
	}

	@Test
	void everyCheckIsReportedWithItsDurationAndResult() {
		start(Duration.ofSeconds(2), 64);
		this.time.advanceTimeBy(Duration.ofSeconds(3));
		assertThat(this.completed).containsOnly("passed in 2000 ms").hasSize(3);
	}

	@Test
	void closingFailsTheChecksStillWaiting() {
		start(Duration.ofSeconds(2), 64);
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		CompletableFuture<MemberHealth.Snapshot> check = this.checker.checkNow(this.pool.members().get(0));
		this.checker.close();
		assertThat(check).isCompletedExceptionally();
		assertThat(check.handle((snapshot, error) -> error).join()).isInstanceOf(CancellationException.class);
		assertThat(this.checker.checkNow(this.pool.members().get(0))).isCompletedExceptionally();
	}

	@Test
	void uncheckedMembersCannotBeCheckedOnDemand() {
		this.probe = new TimedProbe(this.time, Duration.ZERO);
		this.checker = new HealthChecker(this.pools, Map.of(), (s) -> this.probe, this.time,
				VirtualTimeClock.of(this.time), () -> 0.5, 64, HealthListener.NONE);
		this.checker.start();
		assertThatIllegalArgumentException().isThrownBy(() -> this.checker.checkNow(this.pool.members().get(0)))
			.withMessageContaining("10.0.0.1:1080 is not health-checked");
		assertThatIllegalArgumentException().isThrownBy(() -> this.checker.checkNow(this.pool))
			.withMessageContaining("default/http is not health-checked");
	}

	private void start(Duration checkTakes, int maxConcurrentChecks) {
		this.probe = new TimedProbe(this.time, checkTakes);
		this.settings = new HealthCheckSettings(HealthCheckSettings.Method.TCP, INTERVAL, Duration.ofSeconds(5), 1,
				2, 2, 0.0, null, (status) -> true,
				ProxyTls.systemDefault());
		HealthListener listener = new HealthListener() {

			@Override
			public void checkCompleted(ProxyPool pool, PoolMember member, Duration elapsed, boolean passed) {
				HealthCheckOnDemandTests.this.completed
					.add((passed ? "passed" : "failed") + " in " + elapsed.toMillis() + " ms");
			}

		};
		this.checker = new HealthChecker(this.pools, Map.of(KEY, this.settings), (s) -> this.probe, this.time,
				VirtualTimeClock.of(this.time), () -> 0.5, maxConcurrentChecks, listener);
		this.checker.start();
	}

	private static MemberSpec member(int i) {
		return MemberSpec.of(new ProxyEndpoint(ProxyScheme.SOCKS5, "10.0.0." + i, 1080, null, null));
	}

	/** A probe whose checks take a set virtual time; records when each started and how many ran at once. */
	private static final class TimedProbe implements HealthProbe {

		final AtomicInteger running = new AtomicInteger();

		final AtomicInteger mostAtOnce = new AtomicInteger();

		volatile boolean failing;

		private final VirtualTimeScheduler time;

		private final Duration takes;

		private final Map<String, List<Long>> starts = new java.util.concurrent.ConcurrentHashMap<>();

		TimedProbe(VirtualTimeScheduler time, Duration takes) {
			this.time = time;
			this.takes = takes;
		}

		@Override
		public Mono<Duration> check(ProxyEndpoint endpoint, Duration timeout) {
			return Mono.defer(() -> {
				this.starts.computeIfAbsent(endpoint.host(), (h) -> new ArrayList<>())
					.add(this.time.now(TimeUnit.MILLISECONDS));
				this.mostAtOnce.accumulateAndGet(this.running.incrementAndGet(), Math::max);
				Mono<Duration> outcome = this.failing
						? Mono.error(new ProbeFailedException(endpoint + " failed by the test", null))
						: Mono.just(this.takes);
				return (this.takes.isZero() ? outcome : Mono.delay(this.takes, this.time).then(outcome))
					.doFinally((signal) -> this.running.decrementAndGet());
			});
		}

		List<Long> starts(PoolMember member) {
			return List.copyOf(this.starts.getOrDefault(member.endpoint().host(), List.of()));
		}

	}

}
