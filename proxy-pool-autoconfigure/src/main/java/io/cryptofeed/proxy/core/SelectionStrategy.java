package io.cryptofeed.proxy.core;

/**
 * How one pool chooses among its candidates. Each pool has its own instance, so state such
 * as a round-robin position belongs to that pool.
 */
public interface SelectionStrategy {

	/**
	 * Prepares selection over a new candidate set. Called whenever availability changes,
	 * never concurrently for one pool and off the hot path, so it may precompute. A strategy
	 * that throws refuses the set: at a start or a reload that refuses the configuration; at a
	 * set that a health check, a breaker or a drain made, the pool selects among the set in turn,
	 * with one warning, until the strategy accepts a set again.
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
