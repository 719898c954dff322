package io.cryptofeed.proxy.core;

/**
 * One use of a pool member, from selection until the connection it carried is closed.
 * {@link #release()} is idempotent and thread-safe, so completion, error and cancellation
 * may all call it.
 */
public final class Lease implements AutoCloseable {

	private final PoolMember member;

	/** Guarded by this lease's own monitor, which only the lease's connection ever takes. */
	private boolean released;

	Lease(PoolMember member) {
		this.member = member;
		member.leaseAcquired();
	}

	public PoolMember member() {
		return this.member;
	}

	public ProxyEndpoint endpoint() {
		return this.member.endpoint();
	}

	/** A new connection got through the member: counted in {@link PoolMember#succeededConnects()}. */
	public void connectSucceeded() {
		this.member.connected(true);
	}

	/** Connecting through the member failed: counted in {@link PoolMember#failedConnects()}. */
	public void connectFailed() {
		this.member.connected(false);
	}

	/**
	 * Returns the member's slot; only the first call has an effect.
	 * @return whether this call released the lease
	 */
	public boolean release() {
		// A private monitor rather than a CAS: uncontended it costs the same, and when the
		// JIT sees that a lease does not escape it removes both the lock and the allocation
		synchronized (this) {
			if (this.released) {
				return false;
			}
			this.released = true;
		}
		this.member.leaseReleased();
		return true;
	}

	public synchronized boolean isReleased() {
		return this.released;
	}

	@Override
	public void close() {
		release();
	}

	@Override
	public String toString() {
		return "Lease[" + this.member + (isReleased() ? ", released" : "") + "]";
	}

}
