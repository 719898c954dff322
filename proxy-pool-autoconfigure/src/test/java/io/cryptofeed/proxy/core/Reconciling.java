package io.cryptofeed.proxy.core;

/** Reconciles one pool on its own, as the pools do but with nobody to tell of joining members. */
final class Reconciling {

	private Reconciling() {
	}

	/** @param strategy the strategy to use, or {@code null} to keep the current instance */
	static ProxyPool.MemberChanges reconcile(ProxyPool pool, PoolSpec spec, SelectionStrategy strategy) {
		return pool.reconcile(spec, strategy, (member) -> {
		});
	}

}
