package io.cryptofeed.proxy.core;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

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

	private final PoolSpec.Origin origin;

	private final String strategyName;

	private final Duration timeout;

	private final List<PoolMember> members;

	private final SelectionStrategy strategy;

	private final boolean countLeases;

	private final Object rebuildLock = new Object();

	private final AtomicLong panicEpisodes = new AtomicLong();

	private final LongAdder failovers = new LongAdder();

	private final List<AvailabilityListener> listeners = new CopyOnWriteArrayList<>();

	private volatile Snapshot snapshot;

	public ProxyPool(PoolSpec spec, SelectionStrategy strategy) {
		this.key = spec.key();
		this.origin = spec.origin();
		this.strategyName = spec.strategy();
		this.timeout = spec.timeout();
		this.strategy = strategy;
		this.countLeases = strategy.countsLeases();
		this.members = spec.members().stream().map(PoolMember::new).toList();
		rebuild();
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
		PoolMember member = this.snapshot.selector.select(exclusion);
		if (member == null) {
			throw new NoProxyAvailableException(this.key, (exclusion == Exclusion.NONE)
					? "every enabled member is drained" : "every candidate member has already been tried");
		}
		if (exclusion instanceof TriedMembers tried && tried.size() > 0) {
			this.failovers.increment();
		}
		return new Lease(member, this.countLeases);
	}

	/**
	 * Sets a member aside for a reason, or clears that reason.
	 * @return whether the member's availability changed
	 */
	public boolean setUnavailable(PoolMember member, Unavailability reason, boolean unavailable) {
		if (!this.members.contains(member)) {
			throw new IllegalArgumentException(member + " is not a member of pool " + this.key);
		}
		boolean changed = member.mark(reason, unavailable);
		if (changed || reason == Unavailability.DRAINED) {
			rebuild();
		}
		if (changed) {
			boolean available = member.isAvailable();
			this.listeners.forEach((listener) -> listener.availabilityChanged(this, member, available));
		}
		return changed;
	}

	/** Tells the listener, after each change, that a member became available or unavailable. */
	public void addAvailabilityListener(AvailabilityListener listener) {
		this.listeners.add(listener);
	}

	private void rebuild() {
		synchronized (this.rebuildLock) {
			Snapshot previous = this.snapshot;
			Snapshot next = Snapshot.of(this.members, this.strategy);
			this.snapshot = next;
			if (next.panic && (previous == null || !previous.panic)) {
				this.panicEpisodes.incrementAndGet();
				log.log(Level.WARNING, "proxy pool {0}: no member available, selecting among all {1} enabled members "
						+ "(panic mode)", this.key, next.candidates.length);
			}
			else if (!next.panic && previous != null && previous.panic) {
				log.log(Level.INFO, "proxy pool {0}: {1} member(s) available again, panic mode over", this.key,
						next.candidates.length);
			}
		}
	}

	public PoolKey key() {
		return this.key;
	}

	public PoolSpec.Origin origin() {
		return this.origin;
	}

	public String strategyName() {
		return this.strategyName;
	}

	/** How long a connection through this pool may take to open. */
	public Duration timeout() {
		return this.timeout;
	}

	/** Every configured member, disabled ones included, in configuration order. */
	public List<PoolMember> members() {
		return this.members;
	}

	/** The members selection currently uses without panic, in configuration order. */
	public List<PoolMember> availableMembers() {
		List<PoolMember> available = new ArrayList<>();
		for (PoolMember member : this.members) {
			if (member.isAvailable()) {
				available.add(member);
			}
		}
		return available;
	}

	/** Whether no member is available and selection falls back to all enabled ones. */
	public boolean isPanicking() {
		return this.snapshot.panic;
	}

	/** How many times the pool has entered panic mode. */
	public long panicEpisodes() {
		return this.panicEpisodes.get();
	}

	/** Selections for a connection that had already tried another member of this pool. */
	public long failovers() {
		return this.failovers.sum();
	}

	/** Whether leases are counted, so that {@link PoolMember#activeLeases()} means something. */
	public boolean countsLeases() {
		return this.countLeases;
	}

	@Override
	public String toString() {
		return "ProxyPool[" + this.key + ", " + this.strategyName + ", " + this.members + "]";
	}

	/** Hears about members entering or leaving the available set. */
	@FunctionalInterface
	public interface AvailabilityListener {

		void availabilityChanged(ProxyPool pool, PoolMember member, boolean available);

	}

	/** What selection reads: immutable, replaced as a whole. */
	private static final class Snapshot {

		private static final Selector NONE = (exclusion) -> null;

		final PoolMember[] candidates;

		final Selector selector;

		final boolean panic;

		private Snapshot(PoolMember[] candidates, Selector selector, boolean panic) {
			this.candidates = candidates;
			this.selector = selector;
			this.panic = panic;
		}

		static Snapshot of(List<PoolMember> members, SelectionStrategy strategy) {
			PoolMember[] available = members.stream().filter(PoolMember::isAvailable).toArray(PoolMember[]::new);
			if (available.length > 0) {
				return new Snapshot(available, strategy.prepare(available), false);
			}
			PoolMember[] fallback = members.stream()
				.filter((m) -> m.enabled() && !m.isSetAsideFor(Unavailability.DRAINED))
				.toArray(PoolMember[]::new);
			if (fallback.length == 0) {
				return new Snapshot(fallback, NONE, false);
			}
			return new Snapshot(fallback, strategy.prepare(fallback), true);
		}

	}

}
