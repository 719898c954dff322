package io.cryptofeed.proxy.core;

/**
 * Picks members from one fixed set of candidates. Called on the hot path by many threads at
 * once: it must not block and should not allocate.
 */
@FunctionalInterface
public interface Selector {

	/** A candidate the exclusion does not exclude, or {@code null} if it excludes them all. */
	PoolMember select(Exclusion exclusion);

}
