package io.cryptofeed.proxy.core;

/** Members a selection must skip, such as those a failing connection already tried. */
@FunctionalInterface
public interface Exclusion {

	/** Excludes nothing. */
	Exclusion NONE = (member) -> false;

	boolean excludes(PoolMember member);

	/**
	 * Whether the connection selecting has already tried another member, so that this
	 * selection is a failover; an exclusion that wraps another answers for the one it wraps,
	 * unless its caller counts the failover itself ({@link ProxyPool#failedOver}).
	 */
	default boolean failover() {
		return false;
	}

}
