package io.cryptofeed.proxy.health;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.health.probe.HealthProbe;
import io.cryptofeed.proxy.health.probe.ProbeFailedException;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Checks every enabled member of every pool that has health checking on, each on its own
 * timer, and turns the results into availability: a member that fails
 * {@code unhealthy-threshold} checks in a row leaves its pool's snapshot, and returns after
 * {@code healthy-threshold} passes. Checks only ever write state; selection never waits for
 * them.
 *
 * <p>Timers run on a scheduler this checker owns and disposes on {@link #close()}. The
 * first check of each member falls at a random moment within the first second (or the
 * interval, if shorter), and every later one {@code interval ± jitter} after the previous
 * one ended, so a thousand members are not checked in one burst. At most
 * {@code maxConcurrentChecks} checks are in flight; a member whose turn comes while all are
 * busy waits in line, and the first in line starts when a check ends. Operators may
 * {@link #checkNow check now} besides the timers, within the same bound; two checks of one
 * member never overlap. Each attempt of a check ends within the probe's timeout and a second,
 * whatever the probe does ({@link BoundedAttempt}).
 */
public final class HealthChecker implements AutoCloseable {

	/** How soon a check on demand that meets its member's running check tries again. */
	static final Duration BUSY_RETRY = Duration.ofMillis(50);

	private static final System.Logger log = System.getLogger(HealthChecker.class.getName());

	private final Scheduler scheduler;

	private final Clock clock;

	private final DoubleSupplier random;

	/** Taken from each reload: checks under way when it drops finish, no new one starts above it. */
	private volatile int maxConcurrentChecks;

	private final HealthListener listener;

	private final ProxyPools pools;

	private final Function<HealthCheckSettings, HealthProbe> probes;

	/** Each checked member's target, for readers, checks on demand and reloads; members compare by identity. */
	private final Map<PoolMember, Target> targets = new ConcurrentHashMap<>();

	private final Object reconcileLock = new Object();

	private volatile boolean started;

	private final AtomicInteger inFlight = new AtomicInteger();

	/**
	 * Checks whose turn came while every slot was busy, first come first served: they wait
	 * here rather than wake the timer every few milliseconds to look for a slot, which with
	 * thousands of members behind frozen proxies kept the timer thread busy.
	 */
	private final Queue<WaitingCheck> waitingForSlot = new ConcurrentLinkedQueue<>();

	private volatile boolean closed;

	/** Set by {@link #stop()} until the next {@link #start()}: the application is stopping. */
	private volatile boolean stopped;

	/**
	 * Counts the stops: a check that started before the last one ends without a trace, even
	 * when the checker has started again since.
	 */
	private volatile int stops;

	/**
	 * @param pools the pools whose members to check
	 * @param settings health checking per pool; pools without an entry are not checked
	 * @param probes the probe for a pool's settings
	 * @param scheduler the timers' scheduler, owned (and disposed) by this checker
	 * @param random uniform numbers in [0, 1) for the jitter
	 */
	public HealthChecker(ProxyPools pools, Map<PoolKey, HealthCheckSettings> settings,
			Function<HealthCheckSettings, HealthProbe> probes, Scheduler scheduler, Clock clock, DoubleSupplier random,
			int maxConcurrentChecks, HealthListener listener) {
		this.scheduler = scheduler;
		this.clock = clock;
		this.random = random;
		this.listener = listener;
		this.pools = pools;
		this.probes = probes;
		reconcile(settings, maxConcurrentChecks);
	}

	/** Starts every member's timer, also after a {@link #stop()}; once, however often it is called. */
	public void start() {
		synchronized (this.reconcileLock) {
			if (this.started) {
				return;
			}
			this.started = true;
			this.stopped = false;
			this.targets.values().forEach(this::scheduleFirst);
		}
	}

	/**
	 * Stops every timer, as the application stops, until {@link #start()}: what a check sees
	 * then may be the stop (a proxy going away with the application, a probe its shutdown ends),
	 * not the proxy, so none starts, checks on demand are refused, and a check under way ends
	 * without being recorded. Members keep their records and marks.
	 */
	public void stop() {
		synchronized (this.reconcileLock) {
			this.stopped = true;
			this.stops++;
			this.started = false;
			for (Target target : this.targets.values()) {
				synchronized (target) {
					Round waiting = target.nextRound.getAndSet(null);
					if (waiting != null) {
						waiting.cancel();
					}
				}
				CompletableFuture<MemberHealth.Snapshot> requested = target.requested.getAndSet(null);
				if (requested != null) {
					requested.completeExceptionally(new CancellationException("the application is stopping"));
				}
			}
		}
	}

	/**
	 * Checks what the pools hold now with these settings, after a reload. Members checked
	 * before keep their record and their timer, and take the new settings from their next
	 * check; a shorter interval moves that check up to one new interval from now, since
	 * whoever lowers it wants it now; newly checked members start within a second; members
	 * no longer checked (removed, disabled, or in a pool whose checks were turned off) stop,
	 * and lose the unhealthy mark that only checks could lift.
	 * @param maxConcurrentChecks the bound on checks in flight from now on
	 */
	public void reconcile(Map<PoolKey, HealthCheckSettings> settings, int maxConcurrentChecks) {
		synchronized (this.reconcileLock) {
			this.maxConcurrentChecks = maxConcurrentChecks;
			Map<HealthCheckSettings, HealthProbe> probes = new HashMap<>();
			Map<PoolMember, Target> wanted = new IdentityHashMap<>();
			this.pools.pools().forEach((key, pool) -> {
				HealthCheckSettings poolSettings = settings.get(key);
				if (poolSettings == null) {
					return;
				}
				HealthProbe probe = probes.computeIfAbsent(poolSettings, this.probes);
				for (PoolMember member : pool.members()) {
					if (!member.enabled()) {
						continue;
					}
					Target target = this.targets.get(member);
					if (target == null) {
						target = new Target(pool, member, poolSettings, probe);
					}
					else {
						if (!target.settings.equals(poolSettings)) {
							reconfigure(target, poolSettings, probe);
						}
						if (!Objects.equals(target.endpoint.password(), member.endpoint().password())) {
							newCredentials(target);
						}
					}
					wanted.put(member, target);
				}
			});
			for (Target target : List.copyOf(this.targets.values())) {
				if (!wanted.containsKey(target.member)) {
					this.targets.remove(target.member);
					// cancelled before the mark is lifted: a check that marks the member meanwhile
					// sees it cancelled afterwards and lifts the mark itself (see finish)
					target.cancel("the member is no longer health-checked");
					// a failing availability listener must not leave the reload half done
					tell(target, () -> target.pool.setUnavailable(target.member, Unavailability.UNHEALTHY, false));
					if (!target.health.snapshot().healthy() && !target.member.isRemoved()) {
						// its mark is lifted: the log's last word on the member must not be "unhealthy"
						log.log(Level.INFO, "proxy health: pool={0} member={1} state=unchecked reason=\"{2}\"",
								target.pool.key(), target.pool.nameOf(target.member),
								target.member.enabled() ? "health checks are off for its pool" : "it is disabled");
					}
				}
			}
			wanted.forEach((member, target) -> {
				if (this.targets.putIfAbsent(member, target) == null && this.started) {
					scheduleFirst(target);
				}
			});
		}
		// a higher bound frees slots for the checks in line now, not when the next check ends
		admitWaiting();
	}

	private void scheduleFirst(Target target) {
		Duration firstRound = min(target.settings.interval(), Duration.ofSeconds(1));
		scheduleRound(target, scaled(firstRound, this.random.getAsDouble()));
	}

	/**
	 * Gives a checked member new settings. A shorter interval also moves its waiting round up
	 * to one new interval from now, in its place: the member keeps one timer.
	 */
	private void reconfigure(Target target, HealthCheckSettings settings, HealthProbe probe) {
		synchronized (target) {
			boolean shorter = settings.interval().compareTo(target.settings.interval()) < 0;
			target.reconfigure(settings, probe);
			Round waiting = target.nextRound.get();
			if (!shorter || waiting == null) {
				// a longer interval applies after the round already due; a running round
				// schedules its next one with the new settings
				return;
			}
			Duration delay = nextDelay(settings);
			if (this.scheduler.now(TimeUnit.NANOSECONDS) + delay.toNanos() < waiting.dueNanos
					&& target.nextRound.compareAndSet(waiting, null)) {
				waiting.cancel();
				scheduleRound(target, delay);
			}
		}
	}

	/**
	 * A reload gave a checked member a new password: its record forgets the streaks of the old
	 * one, and its next check is moved up to now. An unhealthy mark the old password earned
	 * then lifts within a check's time if the new one passes, not after
	 * {@code healthy-threshold} intervals.
	 */
	private void newCredentials(Target target) {
		synchronized (target) {
			target.endpoint = target.member.endpoint();
			target.health.newCredentials();
			Round waiting = target.nextRound.get();
			// without a waiting round the member's check runs now: with the old password, it is
			// sent again at once (see finish); with the new one, it decides
			if (this.started && waiting != null && target.nextRound.compareAndSet(waiting, null)) {
				waiting.cancel();
				scheduleRound(target, Duration.ZERO);
			}
		}
	}

	/** The member's next timer round, {@code interval ± jitter} from now with its settings of this moment. */
	private void scheduleNextRound(Target target) {
		synchronized (target) {
			scheduleRound(target, nextDelay(target.settings));
		}
	}

	/** Schedules the member's timer round as the one waiting, which a reload may move up. */
	private void scheduleRound(Target target, Duration delay) {
		synchronized (target) {
			Round round = new Round(this.scheduler.now(TimeUnit.NANOSECONDS) + delay.toNanos());
			target.nextRound.set(round);
			round.task = schedule(() -> {
				// a round that a reload moved up was replaced: the one in its place runs instead
				if (target.nextRound.compareAndSet(round, null)) {
					run(target, true);
				}
			}, delay);
		}
	}

	/** The health record of a member, if it is checked. */
	public Optional<MemberHealth> healthOf(PoolMember member) {
		Target target = this.targets.get(member);
		return (target != null) ? Optional.of(target.health) : Optional.empty();
	}

	/**
	 * Checks the member now, besides its timer, and completes with its record once a check
	 * that started after this call has ended. The check waits for a free slot among
	 * {@code maxConcurrentChecks} and for the member's running check, if any, like a timer
	 * would; calls made before it starts share it. It fails with a
	 * {@link CancellationException} if the checker closes first.
	 * @throws IllegalArgumentException when the member is not checked: its pool has health checks off
	 */
	public CompletableFuture<MemberHealth.Snapshot> checkNow(PoolMember member) {
		Target target = this.targets.get(member);
		if (target == null) {
			throw new IllegalArgumentException("member " + member + " is not health-checked");
		}
		if (this.closed) {
			return CompletableFuture.failedFuture(new CancellationException("the health checker is closed"));
		}
		if (this.stopped) {
			return CompletableFuture.failedFuture(new CancellationException("the application is stopping"));
		}
		CompletableFuture<MemberHealth.Snapshot> request = new CompletableFuture<>();
		CompletableFuture<MemberHealth.Snapshot> answering = request(target, request);
		if (answering == request && !request.isDone()) {
			schedule(() -> run(target, false), Duration.ZERO);
		}
		return answering;
	}

	/**
	 * Asks for the member's next check on demand with this future: the one already asking
	 * answers it instead when there is one; it fails when the member's checks were cancelled.
	 * @return the future that the next check completes
	 */
	private static CompletableFuture<MemberHealth.Snapshot> request(Target target,
			CompletableFuture<MemberHealth.Snapshot> request) {
		CompletableFuture<MemberHealth.Snapshot> waiting = target.requested.compareAndExchange(null, request);
		if (waiting != null) {
			return waiting;
		}
		if (target.cancelled && target.requested.compareAndSet(request, null)) {
			// a reload or close cancelled the member's checks after it failed what it found
			// waiting: nothing would ever start this check
			request.completeExceptionally(new CancellationException("the member is no longer health-checked"));
		}
		return request;
	}

	/**
	 * Checks every checked member of the pool now, as {@link #checkNow(PoolMember)} does.
	 * @throws IllegalArgumentException when the pool has health checks off
	 */
	public CompletableFuture<Void> checkNow(ProxyPool pool) {
		CompletableFuture<?>[] checks = this.targets.values()
			.stream()
			.filter((target) -> target.pool == pool)
			.map((target) -> checkNow(target.member))
			.toArray(CompletableFuture[]::new);
		if (checks.length == 0) {
			throw new IllegalArgumentException("pool " + pool.key() + " is not health-checked");
		}
		return CompletableFuture.allOf(checks);
	}

	/** How many members are checked. */
	public int checkedMembers() {
		return this.targets.size();
	}

	/** Stops every timer and check in flight, and the checker's threads. */
	@Override
	public void close() {
		this.closed = true;
		this.targets.values().forEach((target) -> target.cancel("the health checker is closed"));
		this.scheduler.dispose();
	}

	/** @return the scheduled task, or {@code null} when closing */
	private Disposable schedule(Runnable task, Duration delay) {
		if (this.closed) {
			return null;
		}
		try {
			return this.scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException ex) {
			// the scheduler was disposed between the check above and this call: we are closing
			return null;
		}
	}

	/**
	 * Takes a slot for a check, unless every one is busy or checks are waiting in line, which
	 * come first.
	 */
	private boolean takeSlot() {
		if (!this.waitingForSlot.isEmpty()) {
			return false;
		}
		int taken;
		do {
			taken = this.inFlight.get();
			if (taken >= this.maxConcurrentChecks) {
				return false;
			}
		}
		while (!this.inFlight.compareAndSet(taken, taken + 1));
		return true;
	}

	/** Gives a check's slot back, to the first check in line if there is one. */
	private void releaseSlot() {
		this.inFlight.decrementAndGet();
		admitWaiting();
	}

	/** Takes a slot for each check in line while slots are free, and starts them. */
	private void admitWaiting() {
		while (!this.waitingForSlot.isEmpty()) {
			int taken = this.inFlight.get();
			if (taken >= this.maxConcurrentChecks) {
				return;
			}
			if (!this.inFlight.compareAndSet(taken, taken + 1)) {
				continue;
			}
			WaitingCheck waiting = nextInLine();
			if (waiting == null) {
				// another thread took the last one: the loop looks again, since one that joined
				// the line meanwhile may have found this slot counted as busy
				this.inFlight.decrementAndGet();
				continue;
			}
			if (schedule(() -> runAdmitted(waiting), Duration.ZERO) == null) {
				// closing
				return;
			}
		}
	}

	/** The first check in line whose turn no stop cancelled since, taken off the line. */
	private WaitingCheck nextInLine() {
		WaitingCheck waiting = this.waitingForSlot.poll();
		while (waiting != null && waiting.stops != this.stops) {
			waiting = this.waitingForSlot.poll();
		}
		return waiting;
	}

	/** Runs a check from the line in the slot taken for it. */
	private void runAdmitted(WaitingCheck waiting) {
		if (waiting.stops != this.stops) {
			// a stop cancelled its turn while it was handed the slot (a start schedules anew)
			releaseSlot();
			return;
		}
		run(waiting.target, waiting.timer, true);
	}

	/** Runs a timer round after the delay, or {@code checkNow}'s check. */
	private void retry(Target target, boolean timer, Duration delay) {
		if (timer) {
			scheduleRound(target, delay);
		}
		else {
			schedule(() -> run(target, false), delay);
		}
	}

	/**
	 * Starts a check of the member when a slot is free and the member's own last check has
	 * ended, or tries again later.
	 * @param timer whether the member's timer asked (which then schedules its next round), or
	 * {@link #checkNow} did
	 */
	private void run(Target target, boolean timer) {
		run(target, timer, false);
	}

	/** @param slotHeld whether the check comes from the line with a slot taken for it */
	private void run(Target target, boolean timer, boolean slotHeld) {
		// read before the stop flag: a stop in between is then one the check's finish sees
		int stops = this.stops;
		if (this.closed || this.stopped || target.cancelled || (!timer && target.requested.get() == null)) {
			// closing or stopping, or a check that started after the request has taken it
			if (slotHeld) {
				releaseSlot();
			}
			return;
		}
		if (!target.checking.compareAndSet(false, true)) {
			if (slotHeld) {
				releaseSlot();
			}
			// a timer round that meets a check on demand has nothing left to do this round
			if (timer) {
				scheduleNextRound(target);
			}
			else {
				retry(target, false, BUSY_RETRY);
			}
			return;
		}
		if (!slotHeld && !takeSlot()) {
			target.checking.set(false);
			this.waitingForSlot.add(new WaitingCheck(target, timer, stops));
			// a check that ended since the slots were counted found nobody in line to hand its slot to
			admitWaiting();
			return;
		}
		target.answering = target.requested.getAndSet(null);
		HealthCheckSettings settings = target.settings;
		long started = this.scheduler.now(TimeUnit.NANOSECONDS);
		// the slot is given back once: when the check ends, or when it is disposed (close, reload)
		AtomicBoolean slotTaken = new AtomicBoolean(true);
		Runnable releaseSlot = () -> {
			if (slotTaken.compareAndSet(true, false)) {
				releaseSlot();
			}
		};
		// every attempt sends the credentials the check started with, so that its result speaks of them
		ProxyEndpoint endpoint = target.member.endpoint();
		// bounded here, since a probe of the application's may never end: it would hold its slot for good
		target.inFlight = BoundedAttempt
			.of(() -> target.probe.check(endpoint, settings.timeout()), endpoint, settings.timeout(), this.scheduler)
			.retry(settings.attempts() - 1L)
			.doOnCancel(releaseSlot)
			.subscribe((latency) -> finish(target, timer, stops, endpoint, started, latency, null, releaseSlot),
					(error) -> finish(target, timer, stops, endpoint, started, null, describe(error), releaseSlot));
		if (target.cancelled) {
			// a reload or close cancelled the member's checks since it was seen checked above, and
			// may have missed this one: stopped now, it gives its slot back at once, not at the bound
			target.inFlight.dispose();
		}
	}

	/** @param stops the checker's stops when the check started */
	private void finish(Target target, boolean timer, int stops, ProxyEndpoint endpoint, long started,
			Duration latency, String error, Runnable releaseSlot) {
		releaseSlot.run();
		if (this.closed || target.cancelled) {
			abandon(target);
			return;
		}
		if (stops != this.stops) {
			// the application stopped during the check, which may have seen the stop: not recorded,
			// and no next round (a start schedules the member's rounds anew)
			abandon(target);
			target.checking.set(false);
			return;
		}
		if (!endpoint.equals(target.member.endpoint())) {
			// a reload changed the member's password during the check: a 407 for the old one
			// must not condemn the new one, nor a pass with the old one vouch for it
			checkAgain(target, timer);
			return;
		}
		boolean passed = error == null;
		boolean failedBefore = target.health.failedLastCheck();
		boolean changed = target.health.record(this.clock.instant(), latency, error, target.settings);
		Duration elapsed = Duration.ofNanos(this.scheduler.now(TimeUnit.NANOSECONDS) - started);
		// a failing listener must not stop the check here: Reactor would hand its error to the
		// error callback, and the passed check would be recorded a second time, as failed
		if (passed && (failedBefore || target.settings.method() == HealthCheckSettings.Method.HTTP
				|| target.answering != null)) {
			tell(target, () -> this.listener.recoverySeen(target.pool, target.member));
		}
		tell(target, () -> this.listener.checkCompleted(target.pool, target.member, elapsed, passed));
		if (changed) {
			// the pool's availability listeners run in this call, so no lock is held: like a health
			// listener, one that fails must neither stop this member's checks nor count this check
			// twice
			tell(target, () -> target.pool.setUnavailable(target.member, Unavailability.UNHEALTHY, !passed));
			if (target.cancelled) {
				// a reload stopped checking the member while this check ended, and may have lifted
				// the mark before this set it: nothing would ever lift it now
				tell(target, () -> target.pool.setUnavailable(target.member, Unavailability.UNHEALTHY, false));
				abandon(target);
				return;
			}
			if (passed) {
				log.log(Level.INFO, "proxy health: pool={0} member={1} state=healthy latency={2}ms", target.pool.key(),
						target.pool.nameOf(target.member), String.format(Locale.ROOT, "%.1f", latency.toNanos() / 1e6));
			}
			else {
				log.log(Level.WARNING, "proxy health: pool={0} member={1} state=unhealthy reason=\"{2}\"",
						target.pool.key(), target.pool.nameOf(target.member), error);
			}
		}
		// taken before the member is free for its next check, which may take a request of its own
		CompletableFuture<MemberHealth.Snapshot> answering = target.answering;
		target.answering = null;
		target.checking.set(false);
		if (answering != null) {
			answering.complete(target.health.snapshot());
		}
		if (timer) {
			scheduleNextRound(target);
		}
	}

	/** Runs a check whose result was stale once more at once; its caller, if any, waits for that one. */
	private void checkAgain(Target target, boolean timer) {
		CompletableFuture<MemberHealth.Snapshot> answering = target.answering;
		target.answering = null;
		if (answering != null) {
			CompletableFuture<MemberHealth.Snapshot> next = request(target, answering);
			if (next != answering) {
				next.whenComplete((snapshot, failure) -> {
					if (failure != null) {
						answering.completeExceptionally(failure);
					}
					else {
						answering.complete(snapshot);
					}
				});
			}
		}
		target.checking.set(false);
		retry(target, timer, Duration.ZERO);
	}

	/** A check that ended after its member's checks were cancelled: its caller, if any, hears so. */
	private static void abandon(Target target) {
		CompletableFuture<MemberHealth.Snapshot> answering = target.answering;
		target.answering = null;
		if (answering != null) {
			answering.completeExceptionally(new CancellationException("the member's checks were stopped"));
		}
	}

	private static void tell(Target target, Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			log.log(Level.WARNING, "proxy health: pool={0} member={1} listener failed: {2}", target.pool.key(),
					target.pool.nameOf(target.member), describe(ex));
		}
	}

	/** {@code interval × (1 ± jitter)}. */
	private Duration nextDelay(HealthCheckSettings settings) {
		double factor = 1 + settings.jitter() * (2 * this.random.getAsDouble() - 1);
		return scaled(settings.interval(), factor);
	}

	private static Duration scaled(Duration duration, double factor) {
		return Duration.ofNanos((long) (duration.toNanos() * factor));
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static String describe(Throwable error) {
		if (error instanceof ProbeFailedException) {
			// probes leave credentials out; masking again costs nothing on this path
			return ProxyUrls.maskWords(error.getMessage());
		}
		return ProxyUrls.maskedSummary(error);
	}

	/** One member to check, with its record. */
	private static final class Target {

		final ProxyPool pool;

		final PoolMember member;

		volatile HealthCheckSettings settings;

		volatile HealthProbe probe;

		/** The member's endpoint as the last new password left it: another password is news. */
		volatile ProxyEndpoint endpoint;

		final MemberHealth health = new MemberHealth();

		/** Whether a check of this member is running: its checks never overlap. */
		final AtomicBoolean checking = new AtomicBoolean();

		/** A check on demand that has not started yet; its callers share it. */
		final AtomicReference<CompletableFuture<MemberHealth.Snapshot>> requested = new AtomicReference<>();

		/** What the running check completes when it ends, if it is one on demand. */
		volatile CompletableFuture<MemberHealth.Snapshot> answering;

		volatile Disposable inFlight;

		/** The timer's round waiting on the scheduler; {@code null} while one runs. */
		final AtomicReference<Round> nextRound = new AtomicReference<>();

		volatile boolean cancelled;

		Target(ProxyPool pool, PoolMember member, HealthCheckSettings settings, HealthProbe probe) {
			this.pool = pool;
			this.member = member;
			this.settings = settings;
			this.probe = probe;
			this.endpoint = member.endpoint();
		}

		void reconfigure(HealthCheckSettings settings, HealthProbe probe) {
			this.probe = probe;
			this.settings = settings;
		}

		/** Stops the member's checks: the checker closes, or a reload stopped checking it. */
		void cancel(String reason) {
			this.cancelled = true;
			Disposable check = this.inFlight;
			if (check != null) {
				check.dispose();
			}
			CancellationException closed = new CancellationException(reason);
			CompletableFuture<MemberHealth.Snapshot> requested = this.requested.getAndSet(null);
			if (requested != null) {
				requested.completeExceptionally(closed);
			}
			CompletableFuture<MemberHealth.Snapshot> answering = this.answering;
			if (answering != null) {
				answering.completeExceptionally(closed);
			}
		}

	}

	/**
	 * A check whose turn came while every slot was busy.
	 * @param stops the checker's stops when its turn came
	 */
	private record WaitingCheck(Target target, boolean timer, int stops) {
	}

	/** A timer round of one member, due at a time of the scheduler's clock. */
	private static final class Round {

		final long dueNanos;

		volatile Disposable task;

		Round(long dueNanos) {
			this.dueNanos = dueNanos;
		}

		void cancel() {
			Disposable scheduled = this.task;
			if (scheduled != null) {
				scheduled.dispose();
			}
		}

	}

}
