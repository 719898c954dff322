package io.cryptofeed.proxy.core;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.cryptofeed.proxy.core.strategy.RoundRobinStrategy;

/**
 * The members configured for one (settings, connection type) and the strategy that chooses
 * among them.
 *
 * <p>Selection reads one volatile snapshot of the candidates and takes no lock. Every change
 * of availability builds a new snapshot (copy-on-write) under a lock that only writers take.
 * When no member is available the snapshot holds every enabled member that is not drained:
 * a pool of suspect proxies beats none (panic mode, one warning per episode).
 */
public final class ProxyPool {

	private static final System.Logger log = System.getLogger(ProxyPool.class.getName());

	private final PoolKey key;

	private final Object rebuildLock = new Object();

	private final AtomicInteger serials = new AtomicInteger();

	/** The configuration; changed by {@link #reconcile} as one unit. */
	private volatile Settings settings;

	/** Shared with the pools of this key before and after it: see {@link PoolCounts}. */
	private final PoolCounts counts;

	private final List<AvailabilityListener> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Members a reload removed while they still carried leases, by proxy; guarded by the
	 * rebuild lock. One configured again hands them to its new member.
	 */
	private final Map<ProxyEndpoint.Identity, PoolMember> retired = new HashMap<>();

	private volatile Snapshot snapshot;

	/**
	 * Selects while the strategy refuses the candidates an availability change left (an
	 * application's may throw at them): selection must still leave out the members set aside.
	 */
	private final SelectionStrategy inTurn = new RoundRobinStrategy();

	/** Set when a reload dropped this pool's key: connections routed to it route anew. */
	private volatile boolean closed;

	public ProxyPool(PoolSpec spec, SelectionStrategy strategy) {
		this(spec, strategy, new PoolCounts());
	}

	/** @param counts what the pools of this key counted before it, which it counts on */
	ProxyPool(PoolSpec spec, SelectionStrategy strategy, PoolCounts counts) {
		this.key = spec.key();
		this.counts = counts;
		List<PoolMember> members = spec.members().stream().map(this::newMember).toList();
		this.settings = Settings.of(spec, strategy, members);
		rebuild();
	}

	private PoolMember newMember(MemberSpec spec) {
		return new PoolMember(spec, this.serials.getAndIncrement());
	}

	/**
	 * Takes a new configuration of this pool in place. Members are matched by
	 * {@linkplain ProxyEndpoint#identity() proxy identity}: a kept member is the same object,
	 * with its availability, leases and everything else that is keyed by it, and takes the
	 * new weight, flag, metadata and password; new members join; removed ones are drained
	 * and dropped (leases already taken finish). A new member of a proxy removed before counts
	 * the leases still open through it.
	 * @param strategy the strategy to use, or {@code null} to keep the current instance
	 * @param joining given each new member before any selection can see it
	 * @return the members that joined and left
	 */
	MemberChanges reconcile(PoolSpec spec, SelectionStrategy strategy, Consumer<PoolMember> joining) {
		if (!spec.key().equals(this.key)) {
			throw new IllegalArgumentException("spec of " + spec.key() + " given to pool " + this.key);
		}
		List<PoolMember> removed;
		List<PoolMember> added = new ArrayList<>();
		List<PoolMember> toggled = new ArrayList<>();
		List<PoolMember> newCredentials = new ArrayList<>();
		synchronized (this.rebuildLock) {
			Settings current = this.settings;
			Map<ProxyEndpoint.Identity, PoolMember> kept = new HashMap<>();
			current.members.forEach((member) -> kept.put(member.endpoint().identity(), member));
			List<PoolMember> members = new ArrayList<>();
			for (MemberSpec memberSpec : spec.members()) {
				PoolMember member = kept.remove(memberSpec.endpoint().identity());
				if (member != null) {
					boolean wasAvailable = member.isAvailable();
					boolean wasEnabled = member.enabled();
					if (!Objects.equals(memberSpec.endpoint().password(), member.endpoint().password())) {
						// not a new spelling of the host (a trailing dot), which the identity allows too
						newCredentials.add(member);
					}
					member.update(memberSpec);
					// one already out (drained, failing) that is disabled is news too: nothing
					// checks it from now on, so what it carries must be watched
					if (member.isAvailable() != wasAvailable || (wasEnabled && !member.enabled())) {
						toggled.add(member);
					}
				}
				else {
					member = newMember(memberSpec);
					takeLeasesOver(this.retired, member);
					joining.accept(member);
					added.add(member);
				}
				members.add(member);
			}
			removed = retire(kept.values());
			keepWhileLeased(this.retired, removed);
			this.settings = Settings.of(spec, (strategy != null) ? strategy : current.strategy, List.copyOf(members));
			rebuild();
		}
		removed.forEach((member) -> notifyDuringReload(member, false));
		toggled.forEach((member) -> notifyDuringReload(member, member.isAvailable()));
		return new MemberChanges(List.copyOf(added), removed, List.copyOf(newCredentials));
	}

	/**
	 * Drains and drops every member: the pool's configuration is gone. Leases already taken
	 * finish; selection finds nothing.
	 * @return the members dropped
	 */
	List<PoolMember> close() {
		List<PoolMember> removed;
		synchronized (this.rebuildLock) {
			Settings current = this.settings;
			removed = retire(current.members);
			keepWhileLeased(this.retired, removed);
			this.settings = Settings.of(current.spec, current.strategy, List.of());
			this.closed = true;
			rebuild();
		}
		removed.forEach((member) -> notifyDuringReload(member, false));
		return removed;
	}

	/**
	 * Members a reload removed that may still carry leases: those of the reloads before that
	 * carry none any more are dropped, those it removed now are kept however few their leases,
	 * since a selection that read the pool before this reload may still take one.
	 */
	private static void keepWhileLeased(Map<ProxyEndpoint.Identity, PoolMember> retired, List<PoolMember> removed) {
		retired.values().removeIf((member) -> member.activeLeases() == 0);
		removed.forEach((member) -> retired.put(member.endpoint().identity(), member));
	}

	/** A new member counts the leases still open through a removed member of its proxy. */
	private static void takeLeasesOver(Map<ProxyEndpoint.Identity, PoolMember> retired, PoolMember member) {
		PoolMember previous = retired.remove(member.endpoint().identity());
		if (previous != null) {
			previous.handLeasesOver(member);
		}
	}

	/**
	 * This new pool, of a key configured again, counts the leases still open through the
	 * members of the pool closed before; called before any selection sees this pool. The
	 * closed pool's members of proxies it leaves out stay retired here: a later reload that
	 * adds one of those proxies back counts its leases too.
	 */
	void takeLeasesOver(ProxyPool closed) {
		synchronized (closed.rebuildLock) {
			synchronized (this.rebuildLock) {
				this.settings.members.forEach((member) -> takeLeasesOver(closed.retired, member));
				this.retired.putAll(closed.retired);
				closed.retired.clear();
			}
		}
	}

	/**
	 * Whether some member this pool removed, or dropped when it closed, may still carry leases;
	 * asked at each reload, which forgets those of earlier reloads that carry none.
	 */
	boolean mayStillCarryLeases() {
		synchronized (this.rebuildLock) {
			keepWhileLeased(this.retired, List.of());
			return !this.retired.isEmpty();
		}
	}

	/** Marks members removed and drained. */
	private static List<PoolMember> retire(Collection<PoolMember> members) {
		List<PoolMember> removed = new ArrayList<>(members);
		for (PoolMember member : removed) {
			member.markRemoved();
			member.mark(Unavailability.DRAINED, true);
		}
		return List.copyOf(removed);
	}

	/** Leases a member chosen by the strategy. */
	public Lease select() {
		return select(Exclusion.NONE);
	}

	/**
	 * Leases a member chosen by the strategy among those the exclusion allows.
	 * @throws NoProxyAvailableException when every candidate is excluded or drained
	 */
	public Lease select(Exclusion exclusion) {
		Snapshot snapshot = this.snapshot;
		PoolMember member = snapshot.selector.select(exclusion);
		if (member == null) {
			// told by what the snapshot holds, not by the exclusion: a connection's first
			// selection passes one too (its tried members, none yet)
			throw new NoProxyAvailableException(this.key, (snapshot.candidates.length == 0)
					? "every enabled member is drained" : "every candidate member has already been tried");
		}
		if (exclusion != Exclusion.NONE && exclusion.failover()) {
			this.counts.failovers.increment();
		}
		return new Lease(member);
	}

	/**
	 * A selection for a connection that had already tried another member, made with an
	 * exclusion that does not say so (one a caller selects with again when it gives back the
	 * lease it got): counted as {@link #select} counts one that does.
	 */
	public void failedOver() {
		this.counts.failovers.increment();
	}

	/**
	 * Sets a member aside for a reason, or clears that reason.
	 * @return whether the member's availability changed
	 */
	public boolean setUnavailable(PoolMember member, Unavailability reason, boolean unavailable) {
		if (!this.settings.members.contains(member)) {
			// a reload marks a member removed before it replaces the settings, so one missing
			// here was dropped while a check or connect outcome was under way: nothing to change
			if (member.isRemoved()) {
				return false;
			}
			throw new IllegalArgumentException(member + " is not a member of pool " + this.key);
		}
		boolean wasFailing = member.isFailing();
		boolean changed = member.mark(reason, unavailable);
		if (changed || reason == Unavailability.DRAINED) {
			rebuild();
		}
		// a drained member that starts failing is news too: what it still carries may stall now
		if (changed || (!wasFailing && member.isFailing())) {
			notifyListeners(member, member.isAvailable());
		}
		return changed;
	}

	private void notifyListeners(PoolMember member, boolean available) {
		this.listeners.forEach((listener) -> listener.availabilityChanged(this, member, available));
	}

	/**
	 * A listener that throws (an application's) must not leave a reload half done: the other
	 * pools, the routing and the pools listeners (breakers, metrics) still take it.
	 */
	private void notifyDuringReload(PoolMember member, boolean available) {
		try {
			notifyListeners(member, available);
		}
		catch (RuntimeException ex) {
			log.log(Level.WARNING, "proxy pool: pool={0} member={1} availability listener failed: {2}", this.key,
					nameOf(member), ProxyUrls.maskedSummary(ex));
		}
	}

	/**
	 * Tells the listener, after each change, that a member became available or unavailable, or
	 * that an unavailable one started failing or was disabled.
	 */
	void addAvailabilityListener(AvailabilityListener listener) {
		this.listeners.add(listener);
	}

	private void rebuild() {
		synchronized (this.rebuildLock) {
			Snapshot previous = this.snapshot;
			Settings settings = this.settings;
			Snapshot next = Snapshot.of(settings.members, settings.strategy, this.inTurn);
			if (previous == null && next.refusal != null) {
				// a start, or a reload trying the strategy first, refuses the members
				throw next.refusal;
			}
			this.snapshot = next;
			if (next.refusal != null && previous.refusal == null) {
				log.log(Level.WARNING, "proxy pool: pool={0} strategy={1} refused its candidates={2}, "
						+ "selecting each in turn until it accepts them: {3}", this.key, settings.spec.strategy(),
						next.candidates.length, ProxyUrls.maskedSummary(next.refusal));
			}
			else if (next.refusal == null && previous != null && previous.refusal != null) {
				log.log(Level.INFO, "proxy pool: pool={0} strategy={1} accepts its candidates again", this.key,
						settings.spec.strategy());
			}
			if (next.panic && (previous == null || !previous.panic)) {
				this.counts.panicEpisodes.incrementAndGet();
				log.log(Level.WARNING, "proxy pool panic: pool={0} state=entered candidates={1} "
						+ "reason=\"no member available, selecting among every enabled one\"", this.key,
						next.candidates.length);
			}
			else if (!next.panic && previous != null && previous.panic) {
				log.log(Level.INFO, "proxy pool panic: pool={0} state=over available={1}", this.key,
						next.candidates.length);
			}
		}
	}

	public PoolKey key() {
		return this.key;
	}

	/**
	 * Whether a reload closed this pool, its key no longer configured: a connection routed to
	 * it before that tries no member of it again, but goes where its exchange is routed now.
	 */
	public boolean isClosed() {
		return this.closed;
	}

	public PoolSpec.Origin origin() {
		return this.settings.spec.origin();
	}

	public String strategyName() {
		return this.settings.spec.strategy();
	}

	/** How long a connection through this pool may take to open. */
	public Duration timeout() {
		return this.settings.spec.timeout();
	}

	/** Every configured member, disabled ones included, in configuration order. */
	public List<PoolMember> members() {
		return this.settings.members;
	}

	/**
	 * How log lines name a member: its URL with the credential masked, followed by
	 * {@code #serial} when another member of this pool has the same {@code host:port}, as the
	 * {@code proxypool} endpoint's ids do, or when a reload removed it (another member behind its
	 * {@code host:port} may have taken its place, or left with it). Members told apart by their
	 * user name alone (a proxy service that picks the exit by it) would otherwise read the same.
	 */
	public String nameOf(PoolMember member) {
		boolean shared = this.settings.sharedAddresses.contains(member.endpoint().hostAndPort());
		return (member.isRemoved() || shared) ? member.endpoint() + "#" + member.serial()
				: member.endpoint().toString();
	}

	/**
	 * The member that stands for this proxy now, or {@code null} when none does: a member a
	 * reload removed may still carry a request, and what the exchange answers concerns the
	 * proxy's address, whichever member a later reload configured for it.
	 */
	public PoolMember memberFor(ProxyEndpoint.Identity proxy) {
		for (PoolMember member : this.settings.members) {
			if (member.endpoint().identity().equals(proxy)) {
				return member;
			}
		}
		return null;
	}

	/** The members selection currently uses without panic, in configuration order. */
	public List<PoolMember> availableMembers() {
		List<PoolMember> available = new ArrayList<>();
		for (PoolMember member : this.settings.members) {
			if (member.isAvailable()) {
				available.add(member);
			}
		}
		return available;
	}

	/**
	 * The members selection chooses from now, in configuration order: the available ones, or
	 * in panic mode every enabled one not drained.
	 */
	public List<PoolMember> candidates() {
		return List.of(this.snapshot.candidates);
	}

	/** Whether no member is available and selection falls back to all enabled ones. */
	public boolean isPanicking() {
		return this.snapshot.panic;
	}

	PoolCounts counts() {
		return this.counts;
	}

	/** How many times the pool, and the pools of its key before it, entered panic mode. */
	public long panicEpisodes() {
		return this.counts.panicEpisodes.get();
	}

	/** Selections for a connection that had already tried another member of this pool, or of its key's before it. */
	public long failovers() {
		return this.counts.failovers.sum();
	}

	/**
	 * A connection through a failing member was cut because it had been quiet too long: a
	 * WebSocket session closed, or a request waiting for its answer failed.
	 */
	public void quietConnectionCut() {
		this.counts.quietConnectionsCut.increment();
	}

	/** Sessions closed and requests failed because they were quiet while their member failed (this key's pools). */
	public long quietConnectionsCut() {
		return this.counts.quietConnectionsCut.sum();
	}

	/** Whether the strategy reads {@link PoolMember#activeLeases()}, which the endpoint then shows. */
	public boolean countsLeases() {
		return this.settings.strategy.countsLeases();
	}

	@Override
	public String toString() {
		Settings settings = this.settings;
		return "ProxyPool[" + this.key + ", " + settings.spec.strategy() + ", " + settings.members + "]";
	}

	/**
	 * Hears about members entering or leaving the available set, and about one already out
	 * (drained) that starts failing or that a reload disables.
	 */
	@FunctionalInterface
	public interface AvailabilityListener {

		void availabilityChanged(ProxyPool pool, PoolMember member, boolean available);

	}

	/**
	 * The members who joined and left a pool in one reconciliation, and the kept ones that
	 * took a new password.
	 */
	record MemberChanges(List<PoolMember> added, List<PoolMember> removed, List<PoolMember> newCredentials) {
	}

	/** The configuration a pool runs on. */
	private record Settings(PoolSpec spec, SelectionStrategy strategy, List<PoolMember> members,
			Set<String> sharedAddresses) {

		static Settings of(PoolSpec spec, SelectionStrategy strategy, List<PoolMember> members) {
			return new Settings(spec, strategy, members, SharedAddresses.of(members));
		}

	}

	/** What selection reads: immutable, replaced as a whole. */
	private static final class Snapshot {

		private static final Selector NONE = (exclusion) -> null;

		final PoolMember[] candidates;

		final Selector selector;

		final boolean panic;

		/** Why the strategy refused the candidates, which are then selected in turn; {@code null} when it took them. */
		final RuntimeException refusal;

		private Snapshot(PoolMember[] candidates, Selector selector, boolean panic, RuntimeException refusal) {
			this.candidates = candidates;
			this.selector = selector;
			this.panic = panic;
			this.refusal = refusal;
		}

		static Snapshot of(List<PoolMember> members, SelectionStrategy strategy, SelectionStrategy inTurn) {
			PoolMember[] available = members.stream().filter(PoolMember::isAvailable).toArray(PoolMember[]::new);
			if (available.length > 0) {
				return prepared(available, strategy, inTurn, false);
			}
			PoolMember[] fallback = members.stream()
				.filter((m) -> m.enabled() && !m.isSetAsideFor(Unavailability.DRAINED))
				.toArray(PoolMember[]::new);
			if (fallback.length == 0) {
				return new Snapshot(fallback, NONE, false, null);
			}
			return prepared(fallback, strategy, inTurn, true);
		}

		private static Snapshot prepared(PoolMember[] candidates, SelectionStrategy strategy, SelectionStrategy inTurn,
				boolean panic) {
			try {
				return new Snapshot(candidates, strategy.prepare(candidates), panic, null);
			}
			catch (RuntimeException ex) {
				return new Snapshot(candidates, inTurn.prepare(candidates), panic, ex);
			}
		}

	}

}
