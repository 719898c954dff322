package io.cryptofeed.proxy.core;

import java.util.Objects;

/**
 * One use of a pool member, from selection until the connection it carried is closed.
 * {@link #release()} is idempotent and thread-safe, so completion, error and cancellation
 * may all call it.
 */
public final class Lease implements AutoCloseable {

	private final PoolMember member;

	/**
	 * The member's endpoint when the lease was taken, with the credentials its connection
	 * sends: a reload may give the member another password while that connection is under way.
	 */
	private final ProxyEndpoint endpoint;

	/** Guarded by this lease's own monitor, which only the lease's connection ever takes. */
	private boolean released;

	Lease(PoolMember member) {
		this.member = member;
		this.endpoint = member.endpoint();
		member.leaseAcquired();
	}

	public PoolMember member() {
		return this.member;
	}

	/**
	 * The proxy as the lease was taken, with the credentials its connection uses, though a
	 * reload may have changed them since.
	 */
	public ProxyEndpoint endpoint() {
		return this.endpoint;
	}

	/**
	 * Whether a reload gave the member another password since the lease was taken: what its
	 * connection met with the old one says nothing of the member as configured now. Asked when
	 * the connection failed, not on every connect.
	 */
	public boolean credentialsReplaced() {
		return !Objects.equals(this.endpoint.password(), this.member.endpoint().password());
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
