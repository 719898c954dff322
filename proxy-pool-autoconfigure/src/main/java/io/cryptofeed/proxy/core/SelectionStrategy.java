package io.cryptofeed.proxy.core;

/**
 * How one pool chooses among its candidates. Each pool has its own instance, so state such
 * as a round-robin position belongs to that pool.
 */
public interface SelectionStrategy {

	/**
	 * Prepares selection over a new candidate set. Called whenever availability changes,
	 * never concurrently for one pool and off the hot path, so it may precompute.
	 * @param candidates the members to choose from, never empty; do not modify
	 */
	Selector prepare(PoolMember[] candidates);

	/**
	 * Whether selection reads {@link PoolMember#activeLeases()}; the endpoint shows the count
	 * only then. Pools count leases whatever their strategy.
	 */
	default boolean countsLeases() {
		return false;
	}

}
