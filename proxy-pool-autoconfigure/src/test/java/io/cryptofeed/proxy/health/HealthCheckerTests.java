package io.cryptofeed.proxy.health;

import java.time.Clock;
import java.time.Duration;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
import io.cryptofeed.proxy.core.SelectionStrategy;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.health.probe.HealthProbe;
import io.cryptofeed.proxy.health.probe.ProbeFailedException;
import io.cryptofeed.proxy.netty.ProxyTls;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Thresholds, retries, jitter and shutdown, in virtual time with a scripted probe. */
class HealthCheckerTests {

	private static final PoolKey KEY = PoolKey.ofDefault(ConnectionType.HTTP);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final ScriptedProbe probe = new ScriptedProbe(this.time);

	private final ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(KEY, PoolSpec.Origin.POOL,
			List.of(member(1), member(2), member(3)), "round-robin", Duration.ofSeconds(30))), Map.of(),
			SelectionStrategies.builtIn()::create);

	private final ProxyPool pool = this.pools.pools().get(KEY);

	private final List<String> completed = new ArrayList<>();

	private final List<PoolMember> recoveries = new ArrayList<>();

	private HealthChecker checker;

	@AfterEach
	void close() {
		if (this.checker != null) {
			this.checker.close();
		}
	}

	@Test
	void aMemberLeavesAfterTheUnhealthyThresholdAndReturnsAfterTheHealthyOne() {
		PoolMember watched = this.pool.members().get(0);
		this.probe.script(watched, false, false, true, true);
		start(settings(1, 0.0), () -> 0.5);

		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.pool.availableMembers()).contains(watched);
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(this.pool.availableMembers()).doesNotContain(watched).hasSize(2);
		MemberHealth.Snapshot sick = this.checker.healthOf(watched).orElseThrow().snapshot();
		assertThat(sick.healthy()).isFalse();
		assertThat(sick.consecutiveFailures()).isEqualTo(2);
		assertThat(sick.lastError()).contains("refused by script");

		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(this.pool.availableMembers()).doesNotContain(watched);
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(this.pool.availableMembers()).contains(watched).hasSize(3);
		MemberHealth.Snapshot well = this.checker.healthOf(watched).orElseThrow().snapshot();
		assertThat(well.healthy()).isTrue();
		assertThat(well.totalChecks()).isEqualTo(4);
		assertThat(well.latencyMillis()).isEqualTo(5.0);
	}

	@Test
	void theLatencyOfARecoveryIsLoggedWithADecimalPointWhateverTheLocale() {
		PoolMember watched = this.pool.members().get(0);
		this.probe.script(watched, false, false, true, true);
		Locale locale = Locale.getDefault();
		Locale.setDefault(Locale.GERMANY);
		try (CapturedLog log = CapturedLog.of(HealthChecker.class)) {
			start(settings(1, 0.0), () -> 0.5);
			this.time.advanceTimeBy(Duration.ofSeconds(31));
			// a log pipeline reads latency=([0-9.]+)ms; "5,0" is no number to it
			assertThat(log.lines()).filteredOn((line) -> line.contains("state=healthy"))
				.containsExactly("INFO proxy health: pool=default/http member=socks5://10.0.0.1:1080 state=healthy "
						+ "latency=5.0ms");
		}
		finally {
			Locale.setDefault(locale);
		}
	}

	/** The starter starts any checker, so one an application starts itself as well checks as often. */
	@Test
	void aSecondStartChecksNoMoreOften() {
		PoolMember watched = this.pool.members().get(0);
		start(settings(1, 0.0), () -> 0.5);
		this.checker.start();

		this.time.advanceTimeBy(Duration.ofSeconds(21));
		assertThat(this.checker.healthOf(watched).orElseThrow().snapshot().totalChecks()).isEqualTo(3);
	}

	@Test
	void aCheckRetriesWithinItselfBeforeItCountsAsFailed() {
		PoolMember watched = this.pool.members().get(1);
		this.probe.script(watched, false, false, true, false, false, false, false, false, false);
		start(settings(3, 0.0), () -> 0.5);

		this.time.advanceTimeBy(Duration.ofSeconds(1));
		MemberHealth.Snapshot first = this.checker.healthOf(watched).orElseThrow().snapshot();
		assertThat(first.totalChecks()).isOne();
		assertThat(first.consecutiveFailures()).isZero();
		assertThat(this.probe.calls(watched)).isEqualTo(3);
		this.time.advanceTimeBy(Duration.ofSeconds(20));
		assertThat(this.checker.healthOf(watched).orElseThrow().snapshot().consecutiveFailures()).isEqualTo(2);
		assertThat(this.pool.availableMembers()).doesNotContain(watched);
	}

	@Test
	void checksAreSpreadByJitterAroundTheInterval() {
		double[] randoms = { 0.0, 0.5, 0.999, 0.0, 1.0 - 1e-9, 0.25 };
		int[] next = { 0 };
		start(settings(1, 0.1), () -> randoms[next[0]++ % randoms.length]);
		this.time.advanceTimeBy(Duration.ofSeconds(95));
		for (PoolMember member : this.pool.members()) {
			List<Long> at = this.probe.times(member);
			assertThat(at.get(0)).isBetween(0L, 1_000L);
			for (int i = 1; i < at.size(); i++) {
				assertThat(at.get(i) - at.get(i - 1)).isBetween(9_000L, 11_000L);
			}
		}
		// the first round is spread, not one burst
		List<Long> firsts = this.pool.members().stream().map((m) -> this.probe.times(m).get(0)).distinct().toList();
		assertThat(firsts).hasSizeGreaterThan(1);
	}

	@Test
	void everyCheckIsReportedToTheListenerWithItsOutcome() {
		this.probe.script(this.pool.members().get(1), false);
		start(settings(1, 0.0), () -> 0.5);
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.completed).containsExactlyInAnyOrder("10.0.0.1 passed", "10.0.0.2 failed", "10.0.0.3 passed");
	}

	@Test
	void tcpChecksThatPassAfterPassedOnesShowNoRecovery() {
		start(settings(1, 0.0), () -> 0.5);
		this.time.advanceTimeBy(Duration.ofSeconds(45));
		assertThat(this.probe.totalCalls()).isGreaterThanOrEqualTo(12);
		// the process answering as it did when connects failed says nothing of those connects
		assertThat(this.recoveries).isEmpty();
	}

	@Test
	void aPassAfterAFailedCheckShowsARecoveryOnce() {
		PoolMember watched = this.pool.members().get(2);
		this.probe.script(watched, true, false, true, true);
		start(settings(1, 0.0), () -> 0.5);
		this.time.advanceTimeBy(Duration.ofSeconds(45));
		assertThat(this.probe.calls(watched)).isGreaterThanOrEqualTo(4);
		assertThat(this.recoveries).containsExactly(watched);
	}

	@Test
	void everyPassedHttpCheckMayShowARecovery() {
		HealthCheckSettings http = new HealthCheckSettings(HealthCheckSettings.Method.HTTP, Duration.ofSeconds(10),
				Duration.ofSeconds(1), 1, 2, 2, 0.0, java.net.URI.create("https://api.exchange.test/ping"),
				(status) -> status == 200, ProxyTls.systemDefault());
		PoolMember watched = this.pool.members().get(0);
		this.probe.script(watched, true, false, true);
		start(http, () -> 0.5);
		this.time.advanceTimeBy(Duration.ofSeconds(45));
		// a request through the proxy shows its path working, whatever the check before
		assertThat(this.recoveries).filteredOn(watched::equals).hasSize(this.probe.calls(watched) - 1);
		assertThat(this.recoveries).filteredOn((member) -> member != watched)
			.hasSize(this.probe.totalCalls() - this.probe.calls(watched));
	}

	@Test
	void aCheckAnOperatorAskedForShowsARecovery() {
		PoolMember watched = this.pool.members().get(1);
		start(settings(1, 0.0), () -> 0.5);
		this.time.advanceTimeBy(Duration.ofSeconds(15));
		assertThat(this.recoveries).isEmpty();

		this.checker.checkNow(watched);
		this.time.advanceTime();
		assertThat(this.recoveries).containsExactly(watched);
	}

	@Test
	void aListenerThatThrowsDoesNotTurnAPassedCheckIntoAFailedOne() {
		PoolMember watched = this.pool.members().get(0);
		this.checker = new HealthChecker(this.pools, Map.of(KEY, settings(1, 0.0)), (s) -> this.probe, this.time,
				VirtualTimeClock.of(this.time), () -> 0.5, 64, failing());
		this.checker.start();
		this.time.advanceTimeBy(Duration.ofSeconds(21));

		MemberHealth.Snapshot health = this.checker.healthOf(watched).orElseThrow().snapshot();
		assertThat(this.probe.calls(watched)).isEqualTo(3);
		assertThat(health.totalChecks()).isEqualTo(3);
		assertThat(health.consecutiveFailures()).isZero();
		assertThat(health.consecutiveSuccesses()).isEqualTo(3);
		assertThat(this.pool.availableMembers()).contains(watched);
	}

	@Test
	void aListenerThatThrowsDoesNotKeepTheOthersFromHearingTheCheck() {
		PoolMember watched = this.pool.members().get(2);
		this.probe.script(watched, false, true);
		// an application's listener ordered before the breakers and the metrics
		this.checker = new HealthChecker(this.pools, Map.of(KEY, settings(1, 0.0)), (s) -> this.probe, this.time,
				VirtualTimeClock.of(this.time), () -> 0.5, 64, HealthListener.all(List.of(failing(), recording())));
		this.checker.start();
		this.time.advanceTimeBy(Duration.ofSeconds(11));

		assertThat(this.completed).filteredOn((line) -> line.startsWith("10.0.0.3 "))
			.containsExactly("10.0.0.3 failed", "10.0.0.3 passed");
		assertThat(this.completed).hasSize(6);
		assertThat(this.recoveries).containsExactly(watched);
	}

	@Test
	void anAvailabilityListenerThatThrowsNeitherStopsTheChecksNorCountsAPassedCheckAsFailed() {
		PoolMember watched = this.pool.members().get(0);
		this.pools.addAvailabilityListener((pool, member, available) -> {
			throw new IllegalStateException("an availability listener of the application failed");
		});
		this.probe.script(watched, false, false, true, true);
		start(settings(1, 0.0), () -> 0.5);

		this.time.advanceTimeBy(Duration.ofSeconds(11));
		assertThat(this.pool.availableMembers()).doesNotContain(watched);
		this.time.advanceTimeBy(Duration.ofSeconds(40));

		MemberHealth.Snapshot health = this.checker.healthOf(watched).orElseThrow().snapshot();
		assertThat(this.probe.calls(watched)).isEqualTo(6);
		assertThat(health.totalChecks()).isEqualTo(6);
		assertThat(health.consecutiveSuccesses()).isEqualTo(4);
		assertThat(health.healthy()).isTrue();
		assertThat(this.pool.availableMembers()).contains(watched);
	}

	@Test
	void anAvailabilityListenerThatThrowsDoesNotKeepAReloadFromStartingTheChecksOfNewMembers() {
		PoolMember disabled = this.pool.members().get(0);
		this.probe.script(disabled, false, false);
		this.pools.addAvailabilityListener((pool, member, available) -> {
			throw new IllegalStateException("an availability listener of the application failed");
		});
		start(settings(1, 0.0), () -> 0.5);
		this.time.advanceTimeBy(Duration.ofSeconds(11));
		assertThat(this.pool.availableMembers()).doesNotContain(disabled);

		MemberSpec off = new MemberSpec(member(1).endpoint(), 1, false, Map.of());
		this.pools.reconcile(List.of(new PoolSpec(KEY, PoolSpec.Origin.POOL,
				List.of(off, member(2), member(3), member(4)), "round-robin", Duration.ofSeconds(30))), Map.of(),
				SelectionStrategies.builtIn()::create);
		this.checker.reconcile(Map.of(KEY, settings(1, 0.0)), 64);
		PoolMember joined = this.pool.members().get(3);
		this.time.advanceTimeBy(Duration.ofSeconds(30));

		assertThat(this.checker.checkedMembers()).isEqualTo(3);
		assertThat(this.checker.healthOf(disabled)).isEmpty();
		assertThat(this.probe.calls(joined)).isEqualTo(3);
		assertThat(disabled.isSetAsideFor(Unavailability.UNHEALTHY)).isFalse();
	}

	/**
	 * An application's strategy may refuse a candidate set that a health transition makes (here
	 * one with no member of its home region left): the checks go on, selection leaves the
	 * unhealthy member out all the same, and the log says so once, masked, until it accepts again.
	 */
	@Test
	void aStrategyThatRefusesTheMembersAHealthTransitionLeavesNeitherStopsTheChecksNorKeepsTheMemberSelectable() {
		MemberSpec home = new MemberSpec(new ProxyEndpoint(ProxyScheme.HTTP, "10.0.0.1", 3128, "feed", "s3cret-pw"), 1,
				true, Map.of("region", "eu"));
		MemberSpec away = new MemberSpec(member(2).endpoint(), 1, true, Map.of("region", "us"));
		SelectionStrategy homeFirst = (candidates) -> {
			for (PoolMember candidate : candidates) {
				if ("eu".equals(candidate.metadata().get("region"))) {
					return (exclusion) -> candidate;
				}
			}
			// a message of the application's own, which may quote a member's URL whole
			ProxyEndpoint endpoint = candidates[0].endpoint();
			throw new IllegalStateException("no eu member, only http://" + endpoint.host() + ":" + endpoint.port()
					+ " and http://feed:s3cret-pw@10.0.0.1:3128 is out");
		};
		ProxyPools regional = ProxyPools.of(List.of(new PoolSpec(KEY, PoolSpec.Origin.POOL, List.of(home, away),
				"home-first", Duration.ofSeconds(30))), Map.of(), (name) -> homeFirst);
		ProxyPool pool = regional.pools().get(KEY);
		PoolMember homeMember = pool.members().get(0);
		PoolMember awayMember = pool.members().get(1);
		List<String> told = new ArrayList<>();
		regional.addAvailabilityListener((p, member, available) -> told.add(member.endpoint().host() + " " + available));
		this.probe.script(homeMember, false, false, true, true);

		try (CapturedLog log = CapturedLog.of(HealthChecker.class, ProxyPool.class)) {
			this.checker = new HealthChecker(regional, Map.of(KEY, settings(1, 0.0)), (s) -> this.probe, this.time,
					VirtualTimeClock.of(this.time), () -> 0.5, 64, HealthListener.NONE);
			this.checker.start();
			this.time.advanceTimeBy(Duration.ofSeconds(11));

			assertThat(homeMember.isSetAsideFor(Unavailability.UNHEALTHY)).isTrue();
			assertThat(pool.candidates()).containsExactly(awayMember);
			assertThat(pool.select().member()).isSameAs(awayMember);
			assertThat(told).containsExactly("10.0.0.1 false");

			this.time.advanceTimeBy(Duration.ofSeconds(60));
			MemberHealth.Snapshot health = this.checker.healthOf(homeMember).orElseThrow().snapshot();
			assertThat(health.totalChecks()).isEqualTo(8);
			assertThat(health.healthy()).isTrue();
			assertThat(pool.select().member()).isSameAs(homeMember);
			assertThat(told).containsExactly("10.0.0.1 false", "10.0.0.1 true");
			assertThat(log.lines()).filteredOn((line) -> line.contains("strategy="))
				.containsExactly("WARNING proxy pool: pool=default/http strategy=home-first refused its candidates=1, "
						+ "selecting each in turn until it accepts them: IllegalStateException: no eu member, "
						+ "only http://10.0.0.2:1080 and http://***@10.0.0.1:3128 is out",
						"INFO proxy pool: pool=default/http strategy=home-first accepts its candidates again");
			assertThat(log.lines()).noneMatch((line) -> line.contains("s3cret-pw"))
				.noneMatch((line) -> line.contains("listener failed"));
		}
	}

	@Test
	void closingStopsEveryTimer() {
		start(settings(1, 0.0), () -> 0.5);
		this.time.advanceTimeBy(Duration.ofSeconds(21));
		int before = this.probe.totalCalls();
		assertThat(before).isEqualTo(9);
		this.checker.close();
		this.time.advanceTimeBy(Duration.ofSeconds(60));
		assertThat(this.probe.totalCalls()).isEqualTo(before);
	}

	@Test
	void stoppingStopsEveryTimerAndRefusesChecksOnDemandUntilStartedAgainWithOneTimerPerMember() {
		PoolMember member = this.pool.members().get(0);
		start(settings(1, 0.0), () -> 0.5);
		this.time.advanceTimeBy(Duration.ofSeconds(21));
		int before = this.probe.totalCalls();
		assertThat(before).isEqualTo(9);

		this.checker.stop();
		this.time.advanceTimeBy(Duration.ofSeconds(60));
		assertThat(this.probe.totalCalls()).isEqualTo(before);
		assertThat(this.checker.checkNow(member)).isCompletedExceptionally();
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.probe.totalCalls()).isEqualTo(before);
		assertThat(this.checker.healthOf(member).orElseThrow().snapshot().totalChecks()).isEqualTo(3);

		this.checker.start();
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.probe.totalCalls()).isEqualTo(before + 3);
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(this.probe.totalCalls()).as("one round per member and interval").isEqualTo(before + 6);
	}

	@Test
	void closingStopsTheCheckerThreads() {
		this.checker = new HealthChecker(this.pools, Map.of(KEY, settings(1, 0.0)), (settings) -> this.probe,
				Schedulers.newParallel("proxy-health-test", 2, true), Clock.systemUTC(), () -> 0.5, 64,
				HealthListener.NONE);
		this.checker.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.probe.totalCalls() >= 3);
		assertThat(threadsNamed("proxy-health-test")).isPositive();
		this.checker.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> threadsNamed("proxy-health-test") == 0);
	}

	@Test
	void membersWithoutSettingsAreNotChecked() {
		this.checker = new HealthChecker(this.pools, Map.of(), (settings) -> this.probe, this.time,
				VirtualTimeClock.of(this.time), () -> 0.5, 64, HealthListener.NONE);
		this.checker.start();
		this.time.advanceTimeBy(Duration.ofSeconds(60));
		assertThat(this.checker.checkedMembers()).isZero();
		assertThat(this.probe.totalCalls()).isZero();
	}

	@Test
	void aReloadKeepsRecordsStopsRemovedMembersAndStartsNewOnes() {
		PoolMember kept = this.pool.members().get(0);
		PoolMember removed = this.pool.members().get(2);
		this.probe.script(kept, false, false);
		start(settings(1, 0.0), () -> 0.5);
		this.time.advanceTimeBy(Duration.ofSeconds(12));
		assertThat(this.pool.availableMembers()).doesNotContain(kept);
		int removedCalls = this.probe.calls(removed);

		this.pools.reconcile(List.of(new PoolSpec(KEY, PoolSpec.Origin.POOL, List.of(member(1), member(2), member(4)),
				"round-robin", Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);
		this.checker.reconcile(Map.of(KEY, settings(1, 0.0)), 64);
		PoolMember joined = this.pool.members().get(2);
		this.time.advanceTimeBy(Duration.ofSeconds(30));

		assertThat(this.checker.healthOf(kept).orElseThrow().snapshot().totalChecks()).isEqualTo(5);
		assertThat(this.pool.availableMembers()).as("kept member recovered through its own record").contains(kept);
		assertThat(this.probe.calls(removed)).isEqualTo(removedCalls);
		assertThat(this.checker.healthOf(removed)).isEmpty();
		assertThat(this.probe.calls(joined)).isEqualTo(3);
		assertThat(this.checker.checkedMembers()).isEqualTo(3);
	}

	/**
	 * A check on demand that a reload made stale is sent again for its caller, and for one who
	 * asked while it was under way: each hears of the new password's check, none is lost or
	 * answered by the old one's, and the member is checked once more, not in a loop.
	 */
	@Test
	void aStaleCheckOnDemandIsSentAgainForItsCallerAndForOneWhoAskedMeanwhile() {
		PasswordRotation rotation = new PasswordRotation(Duration.ofSeconds(60));
		PoolMember member = rotation.member;
		List<String> sent = rotation.sent;
		this.checker.start();
		// the operator's check starts before the first timer round (half a second in)
		CompletableFuture<MemberHealth.Snapshot> first = this.checker.checkNow(member);
		this.time.advanceTimeBy(Duration.ofMillis(100));
		assertThat(sent).containsExactly("old");

		rotation.rotate();
		CompletableFuture<MemberHealth.Snapshot> second = this.checker.checkNow(member);
		this.time.advanceTimeBy(Duration.ofSeconds(3));

		MemberHealth.Snapshot health = this.checker.healthOf(member).orElseThrow().snapshot();
		assertThat(sent).as("sent again once, at once, with the new password").containsExactly("old", "new");
		assertThat(health.healthy()).isTrue();
		assertThat(health.totalChecks()).as("the old password's check is not counted").isOne();
		assertThat(first).as("the caller whose check went stale").isCompletedWithValue(health);
		assertThat(second).as("the caller who asked meanwhile").isCompletedWithValue(health);
	}

	/**
	 * The old password's 407s made the member unhealthy; the reload that brings the new one
	 * checks it at once, not an interval later, and its one pass brings the member back,
	 * though {@code healthy-threshold} is 2: the failures were the old password's.
	 */
	@Test
	void aReloadThatFixesThePasswordOfAnUnhealthyMemberChecksItAtOnceAndOnePassBringsItBack() {
		PasswordRotation rotation = new PasswordRotation(Duration.ofSeconds(60));
		PoolMember member = rotation.member;
		this.checker.start();
		this.time.advanceTimeBy(Duration.ofSeconds(2));
		assertThat(member.isSetAsideFor(Unavailability.UNHEALTHY)).isTrue();

		rotation.rotate();
		this.time.advanceTimeBy(Duration.ofMillis(1500));

		MemberHealth.Snapshot health = this.checker.healthOf(member).orElseThrow().snapshot();
		assertThat(rotation.sent).as("the new password is checked at once").containsExactly("old", "new");
		assertThat(health.healthy()).isTrue();
		assertThat(member.isAvailable()).isTrue();
		this.time.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(rotation.sent).as("then the timer goes on at its interval").hasSize(2);
	}

	/** {@code proxy.example.} is the same proxy with the same password: nothing to check again. */
	@Test
	void aReloadThatOnlyAddsATrailingDotToTheHostLeavesTheChecksAlone() {
		PasswordRotation rotation = new PasswordRotation(Duration.ofSeconds(60), "proxy.example");
		PoolMember member = rotation.member;
		this.checker.start();
		this.time.advanceTimeBy(Duration.ofSeconds(2));
		assertThat(member.isSetAsideFor(Unavailability.UNHEALTHY)).isTrue();

		rotation.reload(PasswordRotation.spec("proxy.example.", "old"));
		this.time.advanceTimeBy(Duration.ofSeconds(5));

		assertThat(rotation.sent).as("no check moved up: the password is the same").containsExactly("old");
		assertThat(member.isSetAsideFor(Unavailability.UNHEALTHY)).isTrue();
	}

	@Test
	void aCheckSentWithTheCredentialsAReloadReplacedIsNotCountedAndTheNewOnesAreCheckedAtOnce() {
		PasswordRotation rotation = new PasswordRotation(Duration.ofSeconds(10));
		PoolMember member = rotation.member;
		List<String> sent = rotation.sent;
		this.checker.start();
		this.time.advanceTimeBy(Duration.ofMillis(700));
		assertThat(sent).containsExactly("old");

		// the operator fixes the password while that check is under way
		rotation.rotate();
		assertThat(rotation.pools.pools().get(KEY).members()).containsExactly(member);
		CompletableFuture<MemberHealth.Snapshot> asked = this.checker.checkNow(member);
		this.time.advanceTimeBy(Duration.ofSeconds(3));

		MemberHealth.Snapshot health = this.checker.healthOf(member).orElseThrow().snapshot();
		assertThat(health.lastError()).as("what the old password got says nothing of the new one").isNull();
		assertThat(health.healthy()).isTrue();
		assertThat(member.isAvailable()).isTrue();
		assertThat(sent).as("the new password is checked at once, not an interval later").containsExactly("old", "new");
		assertThat(health.consecutiveSuccesses()).isOne();
		assertThat(asked).as("the operator's check is answered by the new password's").isCompletedWithValue(health);
	}

	@Test
	void turningChecksOffStopsThemAndLiftsTheUnhealthyMark() {
		PoolMember sick = this.pool.members().get(1);
		this.probe.script(sick, false, false, false, false, false, false);
		start(settings(1, 0.0), () -> 0.5);
		this.time.advanceTimeBy(Duration.ofSeconds(12));
		assertThat(this.pool.availableMembers()).doesNotContain(sick);
		int calls = this.probe.totalCalls();

		this.checker.reconcile(Map.of(), 64);
		this.time.advanceTimeBy(Duration.ofSeconds(60));

		assertThat(this.probe.totalCalls()).isEqualTo(calls);
		assertThat(this.checker.checkedMembers()).isZero();
		assertThat(this.pool.availableMembers()).contains(sick);
	}

	@Test
	void aMemberThatTurningChecksOffPutsBackIntoSelectionSaysSoInTheLog() {
		PoolMember sick = this.pool.members().get(1);
		this.probe.script(sick, false, false, false, false, false, false);
		try (CapturedLog log = CapturedLog.of(HealthChecker.class)) {
			start(settings(1, 0.0), () -> 0.5);
			this.time.advanceTimeBy(Duration.ofSeconds(12));
			assertThat(log.warnings()).singleElement()
				.asString()
				.startsWith("WARNING proxy health: pool=default/http member=socks5://10.0.0.2:1080 state=unhealthy");

			this.checker.reconcile(Map.of(), 64);

			assertThat(this.pool.availableMembers()).contains(sick);
			// the last line about the member must not leave it out of selection in the operator's eyes
			assertThat(log.lines()).last()
				.isEqualTo("INFO proxy health: pool=default/http member=socks5://10.0.0.2:1080 state=unchecked "
						+ "reason=\"health checks are off for its pool\"");
			assertThat(log.lines()).filteredOn((line) -> line.contains("state=unchecked")).hasSize(1);
		}
	}

	@Test
	void aCheckThatEndsWhileAReloadTurnsChecksOffLeavesNoUnhealthyMarkBehind() throws InterruptedException {
		PoolMember sick = this.pool.members().get(1);
		this.probe.script(sick, false, false);
		AtomicInteger failures = new AtomicInteger();
		CountDownLatch ending = new CountDownLatch(1);
		CountDownLatch reloaded = new CountDownLatch(1);
		this.checker = new HealthChecker(this.pools, Map.of(KEY, settings(1, 0.0)), (s) -> this.probe, this.time,
				VirtualTimeClock.of(this.time), () -> 0.5, 64, new HealthListener() {

					@Override
					public void checkCompleted(ProxyPool pool, PoolMember member, Duration elapsed, boolean passed) {
						if (member == sick && !passed && failures.incrementAndGet() == 2) {
							// the check that crosses the threshold has ended; the reload comes now
							ending.countDown();
							awaitLatch(reloaded);
						}
					}

				});
		this.checker.start();
		Thread checks = new Thread(() -> this.time.advanceTimeBy(Duration.ofSeconds(12)), "health-check-test");
		checks.start();
		assertThat(ending.await(10, TimeUnit.SECONDS)).isTrue();

		this.checker.reconcile(Map.of(), 64);
		reloaded.countDown();
		checks.join(10_000);

		assertThat(this.checker.checkedMembers()).isZero();
		// nothing checks the member any more: a mark set now would never be lifted
		assertThat(this.pool.availableMembers()).contains(sick);
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * An application's availability listener that reloads the pools when a member turns
	 * unhealthy, behind the reloader's lock ({@code reloadLock} here), while another thread's
	 * reload, holding that lock, stops checking the same member: no lock of the checker is held
	 * around the listeners, so both end, and the member is left unmarked.
	 */
	@Test
	void aListenerThatWaitsForAReloadWhichStopsCheckingItsMemberDoesNotDeadlockIt() throws InterruptedException {
		PoolMember sick = this.pool.members().get(1);
		this.probe.script(sick, false, false);
		Object reloadLock = new Object();
		CountDownLatch listenerInside = new CountDownLatch(1);
		CountDownLatch reloadHoldsLock = new CountDownLatch(1);
		this.pools.addAvailabilityListener((pool, member, available) -> {
			if (member == sick && !available) {
				listenerInside.countDown();
				awaitLatch(reloadHoldsLock);
				synchronized (reloadLock) {
					// the application's reload on unhealthy
				}
			}
		});
		start(settings(1, 0.0), () -> 0.5);
		Thread checks = new Thread(() -> this.time.advanceTimeBy(Duration.ofSeconds(12)), "health-check-test");
		checks.setDaemon(true);
		checks.start();
		assertThat(listenerInside.await(10, TimeUnit.SECONDS)).isTrue();
		Thread reload = new Thread(() -> {
			synchronized (reloadLock) {
				reloadHoldsLock.countDown();
				this.checker.reconcile(Map.of(), 64);
			}
		}, "reload-test");
		reload.setDaemon(true);
		reload.start();

		await().atMost(Duration.ofSeconds(10)).until(() -> !reload.isAlive() && !checks.isAlive());
		assertThat(this.checker.checkedMembers()).isZero();
		assertThat(sick.isAvailable()).isTrue();
	}

	@Test
	void aLongerIntervalAppliesFromTheNextCheck() {
		PoolMember watched = this.pool.members().get(0);
		start(settings(1, 0.0), () -> 0.5);
		this.time.advanceTimeBy(Duration.ofSeconds(11));
		assertThat(this.probe.times(watched)).containsExactly(500L, 10_500L);

		this.checker.reconcile(Map.of(KEY, every(Duration.ofSeconds(20))), 64);
		this.time.advanceTimeBy(Duration.ofSeconds(50));

		// the check due at 20.5 s was scheduled before the reload; from it on, every 20 s
		assertThat(this.probe.times(watched)).containsExactly(500L, 10_500L, 20_500L, 40_500L, 60_500L);
	}

	/**
	 * An operator who lowers the interval during an incident wants it now, not after the
	 * check the old interval scheduled: each member's next check moves up to one new interval
	 * after the reload, and the old timer does not fire besides.
	 */
	@Test
	void aShorterIntervalAppliesAtOnceInPlaceOfTheTimerScheduledBeforeIt() {
		PoolMember sick = this.pool.members().get(1);
		this.probe.script(sick, false);
		start(every(Duration.ofMinutes(5)), () -> 0.5);
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(this.probe.totalCalls()).isEqualTo(3);

		this.checker.reconcile(Map.of(KEY, every(Duration.ofSeconds(5))), 64);
		this.time.advanceTimeBy(Duration.ofMinutes(6));

		for (PoolMember member : this.pool.members()) {
			List<Long> at = this.probe.times(member);
			assertThat(at.subList(0, 2)).as("the first check, then one new interval after the reload at 10 s")
				.containsExactly(500L, 15_000L);
			for (int i = 2; i < at.size(); i++) {
				assertThat(at.get(i) - at.get(i - 1)).as("check %d of %s", i, member).isEqualTo(5_000L);
			}
			assertThat(at).as("one check every 5 s from 15 s to 370 s").hasSize(1 + 72);
		}
		MemberHealth.Snapshot record = this.checker.healthOf(sick).orElseThrow().snapshot();
		assertThat(record.totalChecks()).as("the record kept through the reload").isEqualTo(73);
		assertThat(record.healthy()).isTrue();
	}

	/**
	 * One member whose proxy took a new password already: a check sent with the old one gets
	 * a 407 a second after it was sent, one with the new one passes. Makes {@link #checker}.
	 */
	private final class PasswordRotation {

		final ProxyPools pools;

		final PoolMember member;

		/** The password of each check, in the order they were sent. */
		final List<String> sent = new ArrayList<>();

		private final HealthCheckSettings settings;

		PasswordRotation(Duration interval) {
			this(interval, "10.0.0.9");
		}

		PasswordRotation(Duration interval, String host) {
			this.pools = ProxyPools.of(List.of(spec(host, "old")), Map.of(), SelectionStrategies.builtIn()::create);
			this.member = this.pools.pools().get(KEY).members().get(0);
			HealthProbe rotated = (endpoint, timeout) -> Mono.defer(() -> {
				this.sent.add(endpoint.password());
				return Mono.delay(Duration.ofSeconds(1), HealthCheckerTests.this.time)
					.then(endpoint.password().equals("new") ? Mono.just(Duration.ofMillis(5)) : Mono.error(
							new ProbeFailedException(endpoint + " rejected the credentials (HTTP 407)", null)));
			});
			this.settings = new HealthCheckSettings(HealthCheckSettings.Method.TCP, interval, Duration.ofSeconds(2),
					1, 1, 2, 0.0, null, (status) -> true, ProxyTls.systemDefault());
			HealthCheckerTests.this.checker = new HealthChecker(this.pools, Map.of(KEY, this.settings),
					(s) -> rotated, HealthCheckerTests.this.time, VirtualTimeClock.of(HealthCheckerTests.this.time),
					() -> 0.5, 64, HealthListener.NONE);
		}

		/** The reload that gives the member its new password, the same member kept. */
		void rotate() {
			reload(spec("10.0.0.9", "new"));
		}

		void reload(PoolSpec spec) {
			this.pools.reconcile(List.of(spec), Map.of(), SelectionStrategies.builtIn()::create);
			HealthCheckerTests.this.checker.reconcile(Map.of(KEY, this.settings), 64);
		}

		static PoolSpec spec(String host, String password) {
			return new PoolSpec(KEY, PoolSpec.Origin.POOL,
					List.of(MemberSpec.of(new ProxyEndpoint(ProxyScheme.HTTP, host, 3128, "feed", password))),
					"round-robin", Duration.ofSeconds(30));
		}

	}

	/** An application's listener that throws at every check and recovery. */
	private static HealthListener failing() {
		return new HealthListener() {

			@Override
			public void checkCompleted(ProxyPool pool, PoolMember member, Duration elapsed, boolean passed) {
				throw new IllegalStateException("a listener of the application failed");
			}

			@Override
			public void recoverySeen(ProxyPool pool, PoolMember member) {
				throw new IllegalStateException("a listener of the application failed");
			}

		};
	}

	/** Records every check in {@link #completed} and every recovery in {@link #recoveries}. */
	private HealthListener recording() {
		return new HealthListener() {

			@Override
			public void checkCompleted(ProxyPool pool, PoolMember member, Duration elapsed, boolean passed) {
				HealthCheckerTests.this.completed.add(member.endpoint().host() + (passed ? " passed" : " failed"));
			}

			@Override
			public void recoverySeen(ProxyPool pool, PoolMember member) {
				HealthCheckerTests.this.recoveries.add(member);
			}

		};
	}

	private void start(HealthCheckSettings settings, java.util.function.DoubleSupplier random) {
		HealthListener listener = recording();
		this.checker = new HealthChecker(this.pools, Map.of(KEY, settings), (s) -> this.probe, this.time,
				VirtualTimeClock.of(this.time), random, 64, listener);
		this.checker.start();
	}

	private static HealthCheckSettings settings(int attempts, double jitter) {
		return new HealthCheckSettings(HealthCheckSettings.Method.TCP, Duration.ofSeconds(10), Duration.ofSeconds(1),
				attempts, 2, 2, jitter, null, (status) -> true,
				ProxyTls.systemDefault());
	}

	/** Checks without jitter or retries at this interval. */
	private static HealthCheckSettings every(Duration interval) {
		return new HealthCheckSettings(HealthCheckSettings.Method.TCP, interval, Duration.ofSeconds(1), 1, 2, 2, 0.0,
				null, (status) -> true, ProxyTls.systemDefault());
	}

	private static MemberSpec member(int i) {
		return MemberSpec.of(new ProxyEndpoint(ProxyScheme.SOCKS5, "10.0.0." + i, 1080, null, null));
	}

	private static long threadsNamed(String prefix) {
		return Thread.getAllStackTraces().keySet().stream().filter((t) -> t.getName().startsWith(prefix)).count();
	}

	/** Answers each member's checks from a script (pass when the script runs out) and records when. */
	private static final class ScriptedProbe implements HealthProbe {

		private final VirtualTimeScheduler time;

		private final Map<String, Deque<Boolean>> scripts = new HashMap<>();

		private final Map<String, List<Long>> times = new ConcurrentHashMap<>();

		ScriptedProbe(VirtualTimeScheduler time) {
			this.time = time;
		}

		void script(PoolMember member, Boolean... outcomes) {
			this.scripts.put(member.endpoint().host(), new ArrayDeque<>(List.of(outcomes)));
		}

		@Override
		public synchronized Mono<Duration> check(ProxyEndpoint endpoint, Duration timeout) {
			this.times.computeIfAbsent(endpoint.host(), (h) -> new ArrayList<>()).add(this.time.now(TimeUnit.MILLISECONDS));
			Deque<Boolean> script = this.scripts.get(endpoint.host());
			boolean pass = script == null || script.isEmpty() || script.poll();
			return pass ? Mono.just(Duration.ofMillis(5))
					: Mono.error(new ProbeFailedException(endpoint + " refused by script", null));
		}

		synchronized int calls(PoolMember member) {
			return this.times.getOrDefault(member.endpoint().host(), List.of()).size();
		}

		synchronized List<Long> times(PoolMember member) {
			return List.copyOf(this.times.getOrDefault(member.endpoint().host(), List.of()));
		}

		synchronized int totalCalls() {
			return this.times.values().stream().mapToInt(List::size).sum();
		}

	}

}
