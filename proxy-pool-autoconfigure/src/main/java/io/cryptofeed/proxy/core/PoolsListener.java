package io.cryptofeed.proxy.core;

/** Hears what a {@link ProxyPools#reconcile reload} changed, after routing switched. */
@FunctionalInterface
public interface PoolsListener {

	void poolsChanged(PoolsChange change);

	/**
	 * A reload adds the member to the pool, and no selection has seen it yet: what must hold
	 * from its first selection on is set here (the exchanges' rests of the proxy it is made
	 * for). Called while the pools change, under their locks, before {@link #poolsChanged}; the
	 * member may not be among its pool's members yet. Keep it short.
	 */
	default void joining(ProxyPool pool, PoolMember member) {
	}

}
