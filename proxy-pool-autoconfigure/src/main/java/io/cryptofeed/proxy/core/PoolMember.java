package io.cryptofeed.proxy.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A proxy in a pool together with its live state: the leases it holds, the reasons it is
 * set aside and how its connects went. Availability is changed through {@link ProxyPool#setUnavailable}, which keeps the
 * pool's snapshot in step.
 */
public final class PoolMember {

	private static final VarHandle UNAVAILABLE;

	private static final VarHandle ACTIVE_LEASES;

	/**
	 * Added to the count of a member whose leases a successor took over: a count below zero
	 * then tells acquire and release to count at the successor, with no extra read when not.
	 */
	private static final int HANDED_OVER = Integer.MIN_VALUE / 2;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			UNAVAILABLE = lookup.findVarHandle(PoolMember.class, "unavailable", int.class);
			ACTIVE_LEASES = lookup.findVarHandle(PoolMember.class, "activeLeases", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** Replaced when a reload keeps the member with new settings (weight, password...). */
	private volatile MemberSpec spec;

	private final int serial;

	private volatile boolean removed;

	/** A field rather than an AtomicInteger: least-connections scans it, one load less per member. */
	private volatile int activeLeases;

	/** The member of the same proxy that took this removed member's leases over, if any. */
	private volatile PoolMember successor;

	/** Bit set of {@link Unavailability} reasons; zero means available. */
	private volatile int unavailable;

	/** Adders, not atomics: many event loops may connect through one member at once. */
	private final LongAdder succeededConnects = new LongAdder();

	private final LongAdder failedConnects = new LongAdder();

	PoolMember(MemberSpec spec, int serial) {
		this.spec = spec;
		this.serial = serial;
	}

	/**
	 * A number unique within its pool for the pool's lifetime, never reused: it names the
	 * member where its position would shift as members come and go (its circuit breaker, say).
	 * The {@code #serial} of the ids and breaker names operators see; public for the packages
	 * that make those ids and names ({@code actuate}, {@code breaker}).
	 */
	public int serial() {
		return this.serial;
	}

	public ProxyEndpoint endpoint() {
		return this.spec.endpoint();
	}

	public int weight() {
		return this.spec.weight();
	}

	/** Whether configuration allows selecting this member at all. */
	public boolean enabled() {
		return this.spec.enabled();
	}

	public Map<String, String> metadata() {
		return this.spec.metadata();
	}

	/**
	 * Leases handed out and not yet released: the requests and sessions this member carries
	 * now. Counted whatever the strategy: a reload may turn the pool to least-connections
	 * while sessions opened before it are still open. A member a reload removed reads 0 once
	 * a member of the same proxy configured again took its leases over.
	 */
	public int activeLeases() {
		int active = this.activeLeases;
		// the successor is read only below zero; without one, a count below zero (a lease given
		// back twice) still shows
		return (active >= 0 || this.successor == null) ? active : 0;
	}

	/**
	 * Whether a reload removed the member from its pool. A removed member is never selected
	 * again; leases already taken finish.
	 */
	public boolean isRemoved() {
		return this.removed;
	}

	/**
	 * New connections that got through this member. A request on a reused pooled connection
	 * is not a new connection.
	 */
	public long succeededConnects() {
		return this.succeededConnects.sum();
	}

	/**
	 * Tries that failed at this member: connects refused, timed out or whose handshake was
	 * rejected, and requests whose tunnel stalled or closed before the answer, on a reused
	 * pooled connection too.
	 */
	public long failedConnects() {
		return this.failedConnects.sum();
	}

	/** Enabled and not set aside for any reason. */
	public boolean isAvailable() {
		return this.spec.enabled() && this.unavailable == 0;
	}

	public boolean isSetAsideFor(Unavailability reason) {
		return (this.unavailable & reason.bit()) != 0;
	}

	/**
	 * Set aside because it fails, unhealthy or its breaker open (drained too, or not), rather
	 * than only drained by an operator: what it carries now may stall.
	 */
	public boolean isFailing() {
		return isSetAsideFor(Unavailability.UNHEALTHY) || isSetAsideFor(Unavailability.CIRCUIT_OPEN);
	}

	/** Returns whether {@link #isAvailable()} changed. */
	boolean mark(Unavailability reason, boolean setAside) {
		int bit = reason.bit();
		int before;
		int after;
		do {
			before = this.unavailable;
			after = setAside ? (before | bit) : (before & ~bit);
			if (before == after) {
				return false;
			}
		}
		while (!UNAVAILABLE.compareAndSet(this, before, after));
		return (before == 0) != (after == 0);
	}

	/** Takes the settings of the same proxy from a new configuration. */
	void update(MemberSpec spec) {
		if (!spec.endpoint().identity().equals(this.spec.endpoint().identity())) {
			throw new IllegalArgumentException("a member keeps its proxy: " + spec.endpoint() + " is not " + this);
		}
		this.spec = spec;
	}

	void markRemoved() {
		this.removed = true;
	}

	void leaseAcquired() {
		if ((int) ACTIVE_LEASES.getAndAdd(this, 1) < 0 && this.successor != null) {
			this.successor.leaseAcquired();
		}
	}

	void leaseReleased() {
		if ((int) ACTIVE_LEASES.getAndAdd(this, -1) < 0 && this.successor != null) {
			this.successor.leaseReleased();
		}
	}

	/**
	 * A removed member's leases, still open, count at the member that a later reload made for
	 * the same proxy: its sessions still go through that proxy. Leases taken or released from
	 * now on count there too, so none is counted twice or lost.
	 * @param successor a member no selection has seen yet
	 */
	void handLeasesOver(PoolMember successor) {
		this.successor = successor;
		int open;
		do {
			// the successor's count is set before any lease counts there: one that went below
			// zero, even for a moment, would read as handed over itself
			open = this.activeLeases;
			successor.activeLeases = open;
		}
		while (!ACTIVE_LEASES.compareAndSet(this, open, open + HANDED_OVER));
	}

	void connected(boolean succeeded) {
		(succeeded ? this.succeededConnects : this.failedConnects).increment();
	}

	@Override
	public String toString() {
		return this.spec.endpoint().toString();
	}

}
