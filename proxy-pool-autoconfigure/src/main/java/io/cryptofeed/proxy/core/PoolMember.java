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
	 * while sessions opened before it are still open.
	 */
	public int activeLeases() {
		return this.activeLeases;
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
		ACTIVE_LEASES.getAndAdd(this, 1);
	}

	void leaseReleased() {
		ACTIVE_LEASES.getAndAdd(this, -1);
	}

	void connected(boolean succeeded) {
		(succeeded ? this.succeededConnects : this.failedConnects).increment();
	}

	@Override
	public String toString() {
		return this.spec.endpoint().toString();
	}

}
