package io.cryptofeed.proxy.health;

import java.time.Duration;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

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
import io.cryptofeed.proxy.testsupport.CapturedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Probes of an application's own that break the probe's contract (end within the timeout,
 * with a latency or a {@code ProbeFailedException}): the checker bounds each attempt itself,
 * so such a probe fails its member's checks and holds no slot. Virtual time.
 */
class HealthCheckBoundTests {

	private static final PoolKey KEY = PoolKey.ofDefault(ConnectionType.HTTP);

	private static final Duration INTERVAL = Duration.ofSeconds(10);

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	/** When the checker gives up an attempt: its timeout and a second. */
	private static final Duration BOUND = TIMEOUT.plusSeconds(1);

	/** Every member's first turn, at the same moment (see {@link #start}). */
	private static final Duration FIRST_TURN = Duration.ofMillis(500);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	/** How each member's probe answers, by host; a host without one passes at once. */
	private final Map<String, HealthProbe> answers = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> cancels = new ConcurrentHashMap<>();

	/** The subscribers of the probes that ignore a cancel, which they may still signal. */
	private final List<CoreSubscriber<? super Duration>> heldOn = new CopyOnWriteArrayList<>();

	private final List<Object> dropped = new CopyOnWriteArrayList<>();

	private ProxyPools pools;

	private HealthChecker checker;

	@BeforeEach
	void watchDroppedSignals() {
		// Reactor logs a dropped error at ERROR, with a stack trace and a message nobody masked
		Hooks.onErrorDropped(this.dropped::add);
		Hooks.onNextDropped(this.dropped::add);
	}

	@AfterEach
	void close() {
		Hooks.resetOnErrorDropped();
		Hooks.resetOnNextDropped();
		if (this.checker != null) {
			this.checker.close();
		}
	}

	/**
	 * A probe that never ends fails its check at its timeout and a second, and its slot goes
	 * to the member waiting in line; the member is checked again an interval later.
	 */
	@Test
	void aProbeThatNeverEndsFailsItsCheckAtTheBoundAndFreesItsSlot() {
		start(1, 1, 1);
		PoolMember hung = member(1);
		hangs(hung);
		this.time.advanceTimeBy(FIRST_TURN);
		assertThat(callsOf(hung)).isOne();
		// a member that joins now waits in line for the one slot
		reload(List.of(1, 2), 1);
		PoolMember other = member(2);

		this.time.advanceTimeBy(BOUND.minusMillis(1));
		assertThat(callsOf(other)).isZero();
		assertThat(health(hung).totalChecks()).isZero();

		this.time.advanceTimeBy(Duration.ofMillis(1));
		MemberHealth.Snapshot failed = health(hung);
		assertThat(failed.healthy()).isFalse();
		assertThat(failed.totalChecks()).isOne();
		assertThat(failed.lastError()).isEqualTo(
				"the probe of socks5://10.0.0.1:1080 did not end within its timeout of 2s (given up 1s later)");
		assertThat(cancelsOf(hung)).isOne();
		assertThat(this.pools.pools().get(KEY).availableMembers()).containsExactly(other);
		assertThat(callsOf(other)).as("the slot went to the member in line").isOne();

		this.time.advanceTimeBy(INTERVAL.minusMillis(1));
		assertThat(callsOf(hung)).isOne();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(callsOf(hung)).as("checked again").isEqualTo(2);
	}

	/** A check an operator asks for of a member whose probe hangs answers at the bound. */
	@Test
	void aCheckOnDemandOfAHungProbeAnswersAtTheBound() {
		start(1, 1, 64);
		PoolMember hung = member(1);
		hangs(hung);
		this.time.advanceTimeBy(FIRST_TURN.plus(BOUND));
		assertThat(health(hung).totalChecks()).isOne();

		CompletableFuture<MemberHealth.Snapshot> asked = this.checker.checkNow(hung);
		this.time.advanceTimeBy(BOUND.minusMillis(1));
		assertThat(asked).isNotDone();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(asked).isCompleted();
		assertThat(asked.join().totalChecks()).isEqualTo(2);
		assertThat(asked.join().consecutiveFailures()).isEqualTo(2);
	}

	/** Each attempt of a check is bounded: a check of three attempts that all hang takes three bounds. */
	@Test
	void everyAttemptIsBoundedAndTheCheckFailsAfterTheLast() {
		start(1, 3, 64);
		PoolMember hung = member(1);
		hangs(hung);

		this.time.advanceTimeBy(FIRST_TURN.plus(BOUND.multipliedBy(3)).minusMillis(1));
		assertThat(callsOf(hung)).isEqualTo(3);
		assertThat(health(hung).totalChecks()).isZero();

		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(health(hung).totalChecks()).isOne();
		assertThat(health(hung).consecutiveFailures()).isOne();
		assertThat(cancelsOf(hung)).isEqualTo(3);
	}

	/**
	 * A probe that ignores the cancel and ends after the bound, with a latency or an error
	 * quoting the credentials, changes nothing: the check it belonged to has failed, and what
	 * it signals is neither counted nor handed to Reactor, which would log it.
	 */
	@Test
	void whatAProbeSignalsAfterTheBoundChangesNothingAndIsNotLogged() {
		start(2, 1, 64);
		PoolMember lateWithLatency = member(1);
		PoolMember lateWithError = member(2);
		ignoresCancel(lateWithLatency);
		ignoresCancel(lateWithError);

		this.time.advanceTimeBy(FIRST_TURN.plus(BOUND));
		assertThat(health(lateWithLatency).healthy()).isFalse();
		assertThat(health(lateWithError).healthy()).isFalse();
		assertThat(this.heldOn).hasSize(2);

		try (CapturedLog log = CapturedLog.of(HealthChecker.class)) {
			for (CoreSubscriber<? super Duration> subscriber : this.heldOn) {
				subscriber.onNext(Duration.ofMillis(5));
				subscriber.onComplete();
				subscriber.onError(new IllegalStateException("socks5://feed:s3cret@10.0.0.2:1080 answered late"));
			}
			assertThat(log.lines()).isEmpty();
		}

		for (PoolMember member : List.of(lateWithLatency, lateWithError)) {
			MemberHealth.Snapshot record = health(member);
			assertThat(record.healthy()).isFalse();
			assertThat(record.totalChecks()).isOne();
			assertThat(record.consecutiveFailures()).isOne();
			assertThat(record.lastError()).contains("did not end within its timeout");
		}
		assertThat(this.dropped).isEmpty();
	}

	/**
	 * More hung members than slots, and members that pass: the hung ones give their slots
	 * back at each bound, so the others, waiting in line behind them, are checked too.
	 */
	@Test
	void manyHungProbesDoNotStarveTheOtherMembers() {
		int hung = 8;
		int slots = 4;
		start(hung, 1, slots);
		IntStream.rangeClosed(1, hung).forEach((i) -> hangs(member(i)));
		this.time.advanceTimeBy(FIRST_TURN);
		assertThat(IntStream.rangeClosed(1, hung).map((i) -> callsOf(member(i))).sum()).isEqualTo(slots);

		// members that pass join while every slot is held and more hung ones wait in line
		reload(IntStream.rangeClosed(1, hung + 3).boxed().toList(), slots);
		List<PoolMember> passing = IntStream.rangeClosed(hung + 1, hung + 3).mapToObj(this::member).toList();
		this.time.advanceTimeBy(INTERVAL.multipliedBy(3));

		assertThat(passing).allSatisfy((member) -> {
			assertThat(health(member).totalChecks()).isGreaterThanOrEqualTo(2);
			assertThat(health(member).healthy()).isTrue();
		});
		assertThat(IntStream.rangeClosed(1, hung).mapToObj(this::member)).allSatisfy((member) -> {
			assertThat(health(member).totalChecks()).isGreaterThanOrEqualTo(2);
			assertThat(health(member).healthy()).isFalse();
		});
		assertThat(this.pools.pools().get(KEY).availableMembers()).containsExactlyInAnyOrderElementsOf(passing);
	}

	/**
	 * A probe whose check completes without a latency fails it, where the check waited for good
	 * with its slot taken and its member never checked again.
	 */
	@Test
	void aProbeThatEndsWithoutALatencyFailsItsCheck() {
		start(1, 1, 1);
		PoolMember empty = member(1);
		answer(empty, Mono.empty());

		this.time.advanceTimeBy(FIRST_TURN);
		assertThat(health(empty).totalChecks()).isOne();
		assertThat(health(empty).lastError())
			.isEqualTo("the probe of socks5://10.0.0.1:1080 ended without a result");
		this.time.advanceTimeBy(INTERVAL);
		assertThat(health(empty).totalChecks()).isEqualTo(2);
	}

	/** A probe that returns {@code null} fails its check with a reason that says so. */
	@Test
	void aProbeThatReturnsNullFailsItsCheckSayingSo() {
		start(1, 1, 1);
		PoolMember broken = member(1);
		answer(broken, null);

		this.time.advanceTimeBy(FIRST_TURN);
		assertThat(health(broken).totalChecks()).isOne();
		assertThat(health(broken).lastError())
			.isEqualTo("the probe of socks5://10.0.0.1:1080 returned null instead of a Mono");
		this.time.advanceTimeBy(INTERVAL);
		assertThat(health(broken).totalChecks()).isEqualTo(2);
	}

	/**
	 * A probe that throws rather than returning a failed check fails it with its exception,
	 * credentials masked, and frees its slot for the next member.
	 */
	@Test
	void aProbeThatThrowsFailsItsCheckWithTheExceptionMasked() {
		start(2, 1, 1);
		PoolMember throwing = member(1);
		this.answers.put(host(throwing), (endpoint, timeout) -> {
			count(this.calls, endpoint);
			throw new IllegalStateException("cannot reach socks5://feed:s3cret@10.0.0.1:1080");
		});

		this.time.advanceTimeBy(FIRST_TURN);
		assertThat(health(throwing).lastError())
			.isEqualTo("IllegalStateException: cannot reach socks5://***@10.0.0.1:1080");
		assertThat(health(member(2)).totalChecks()).isOne();
		this.time.advanceTimeBy(INTERVAL);
		assertThat(health(throwing).totalChecks()).isEqualTo(2);
	}

	/**
	 * A probe that needs a class the application lacks (an optional library left out) fails
	 * each check naming it: Reactor takes such an error for a broken JVM and throws it on,
	 * which stopped the check half started, its slot taken and its member never checked again.
	 */
	@Test
	void aProbeThatMissesAClassFailsItsChecksNamingIt() {
		start(3, 1, 1);
		PoolMember missingAtOnce = member(1);
		PoolMember missingAsItStarts = member(2);
		this.answers.put(host(missingAtOnce), (endpoint, timeout) -> {
			count(this.calls, endpoint);
			throw new NoClassDefFoundError("com/example/ProbeClient");
		});
		answer(missingAsItStarts, Mono.fromCallable(() -> {
			throw new NoClassDefFoundError("com/example/ProbeConnection");
		}));

		this.time.advanceTimeBy(FIRST_TURN);
		assertThat(health(missingAtOnce).lastError()).isEqualTo("NoClassDefFoundError: com/example/ProbeClient");
		assertThat(health(missingAsItStarts).lastError())
			.isEqualTo("NoClassDefFoundError: com/example/ProbeConnection");
		assertThat(health(member(3)).totalChecks()).isOne();
		this.time.advanceTimeBy(INTERVAL);
		assertThat(health(missingAtOnce).totalChecks()).isEqualTo(2);
		assertThat(health(missingAsItStarts).totalChecks()).isEqualTo(2);
	}

	/**
	 * A reload that removes a member during its hung check cancels the probe and frees the slot
	 * at once, not at the bound, and what the probe signals later is ignored.
	 */
	@Test
	void aReloadThatRemovesAMemberDuringItsBoundedCheckFreesTheSlotAtOnce() {
		start(1, 1, 1);
		PoolMember removed = member(1);
		ignoresCancel(removed);
		this.time.advanceTimeBy(FIRST_TURN);
		reload(List.of(1, 2), 1);
		PoolMember kept = member(2);
		this.time.advanceTimeBy(FIRST_TURN);
		assertThat(callsOf(removed)).isOne();
		assertThat(callsOf(kept)).as("waits in line").isZero();

		reload(List.of(2), 1);
		this.time.advanceTime();

		assertThat(cancelsOf(removed)).isOne();
		assertThat(callsOf(kept)).isOne();
		assertThat(this.checker.healthOf(removed)).isEmpty();
		this.heldOn.get(0).onError(new IllegalStateException("too late"));
		this.time.advanceTimeBy(BOUND);
		assertThat(health(kept).totalChecks()).isOne();
		assertThat(removed.isRemoved()).isTrue();
		assertThat(this.dropped).isEmpty();
	}

	/**
	 * A reload that removes a member as its check starts, once the checker has seen the member
	 * checked but before the check was under way, stops that check at once too: it would
	 * otherwise run to the bound, holding the slot the member in line waits for.
	 */
	@Test
	void aReloadThatRemovesAMemberAsItsCheckStartsStopsTheCheckAtOnce() {
		start(1, 1, 1);
		PoolMember removed = member(1);
		// its first turn comes before the one of the member that joins now
		reload(List.of(1, 2), 1);
		PoolMember kept = member(2);
		Mono<Duration> hung = Mono.<Duration>never().doOnCancel(() -> count(this.cancels, removed.endpoint()));
		this.answers.put(host(removed), (endpoint, timeout) -> {
			count(this.calls, endpoint);
			// the reload lands while the checker starts the check
			reload(List.of(2), 1);
			return hung;
		});

		this.time.advanceTimeBy(FIRST_TURN);

		assertThat(callsOf(removed)).isOne();
		assertThat(cancelsOf(removed)).isOne();
		assertThat(callsOf(kept)).as("the slot is free at once").isOne();
	}

	/**
	 * A check hung as the application stops ends at the bound without being recorded, and
	 * once the application starts again its member is checked as the others are.
	 */
	@Test
	void aCheckHungAsTheApplicationStopsLeavesItsMemberCheckedOnceStartedAgain() {
		start(1, 1, 1);
		PoolMember member = member(1);
		hangs(member);
		this.time.advanceTimeBy(FIRST_TURN);
		this.checker.stop();
		this.time.advanceTimeBy(BOUND);
		assertThat(cancelsOf(member)).isOne();
		assertThat(health(member).totalChecks()).isZero();

		this.answers.remove(host(member));
		this.checker.start();
		this.time.advanceTimeBy(FIRST_TURN);

		assertThat(callsOf(member)).isEqualTo(2);
		assertThat(health(member).totalChecks()).isOne();
		assertThat(health(member).healthy()).isTrue();
	}

	/** A probe that emits {@code null}, which Reactor's own never do, fails its check saying so. */
	@Test
	void aProbeThatEmitsNullFailsItsCheckSayingSo() {
		start(1, 1, 1);
		PoolMember broken = member(1);
		answer(broken, new Mono<>() {

			@Override
			public void subscribe(CoreSubscriber<? super Duration> actual) {
				actual.onSubscribe(Operators.emptySubscription());
				actual.onNext(null);
				actual.onComplete();
			}

		});

		this.time.advanceTimeBy(FIRST_TURN);
		assertThat(health(broken).totalChecks()).isOne();
		assertThat(health(broken).lastError())
			.isEqualTo("the probe of socks5://10.0.0.1:1080 emitted null instead of a latency");
		this.time.advanceTimeBy(INTERVAL);
		assertThat(health(broken).totalChecks()).isEqualTo(2);
	}

	/** Starts checking members 1 to {@code members}, every first turn at {@link #FIRST_TURN}. */
	private void start(int members, int attempts, int slots) {
		this.pools = ProxyPools.of(List.of(spec(IntStream.rangeClosed(1, members).boxed().toList())), Map.of(),
				SelectionStrategies.builtIn()::create);
		HealthProbe probe = (endpoint, timeout) -> {
			HealthProbe answer = this.answers.get(endpoint.host());
			if (answer != null) {
				return answer.check(endpoint, timeout);
			}
			count(this.calls, endpoint);
			return Mono.just(Duration.ofMillis(5));
		};
		this.checker = new HealthChecker(this.pools, Map.of(KEY, settings(attempts)), (s) -> probe, this.time,
				VirtualTimeClock.of(this.time), () -> 0.5, slots, HealthListener.NONE);
		this.checker.start();
	}

	/** A reload to these members, those there before kept. */
	private void reload(List<Integer> members, int slots) {
		this.pools.reconcile(List.of(spec(members)), Map.of(), SelectionStrategies.builtIn()::create);
		this.checker.reconcile(Map.of(KEY, settings(1)), slots);
	}

	private void hangs(PoolMember member) {
		answer(member, Mono.<Duration>never().doOnCancel(() -> count(this.cancels, member.endpoint())));
	}

	private void answer(PoolMember member, Mono<Duration> answer) {
		this.answers.put(host(member), (endpoint, timeout) -> {
			count(this.calls, endpoint);
			return answer;
		});
	}

	/** A probe that never ends by itself and ignores a cancel, keeping its subscriber. */
	private void ignoresCancel(PoolMember member) {
		answer(member, new Mono<>() {

			@Override
			public void subscribe(CoreSubscriber<? super Duration> actual) {
				HealthCheckBoundTests.this.heldOn.add(actual);
				actual.onSubscribe(new org.reactivestreams.Subscription() {

					@Override
					public void request(long n) {
					}

					@Override
					public void cancel() {
						count(HealthCheckBoundTests.this.cancels, member.endpoint());
					}

				});
			}

		});
	}

	private MemberHealth.Snapshot health(PoolMember member) {
		return this.checker.healthOf(member).orElseThrow().snapshot();
	}

	private PoolMember member(int i) {
		String host = "10.0.0." + i;
		return this.pools.pools()
			.get(KEY)
			.members()
			.stream()
			.filter((member) -> member.endpoint().host().equals(host))
			.findFirst()
			.orElseThrow();
	}

	private int callsOf(PoolMember member) {
		return this.calls.getOrDefault(host(member), new AtomicInteger()).get();
	}

	private int cancelsOf(PoolMember member) {
		return this.cancels.getOrDefault(host(member), new AtomicInteger()).get();
	}

	private static void count(Map<String, AtomicInteger> counts, ProxyEndpoint endpoint) {
		counts.computeIfAbsent(endpoint.host(), (host) -> new AtomicInteger()).incrementAndGet();
	}

	private static String host(PoolMember member) {
		return member.endpoint().host();
	}

	private static PoolSpec spec(List<Integer> members) {
		return new PoolSpec(KEY, PoolSpec.Origin.POOL,
				members.stream()
					.map((i) -> MemberSpec.of(new ProxyEndpoint(ProxyScheme.SOCKS5, "10.0.0." + i, 1080, null, null)))
					.toList(),
				"round-robin", Duration.ofSeconds(30));
	}

	private static HealthCheckSettings settings(int attempts) {
		return new HealthCheckSettings(HealthCheckSettings.Method.TCP, INTERVAL, TIMEOUT, attempts, 1, 1, 0.0, null,
				(status) -> true, ProxyTls.systemDefault());
	}

}
