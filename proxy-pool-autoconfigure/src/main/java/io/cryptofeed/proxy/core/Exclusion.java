package io.cryptofeed.proxy.core;

/** Members a selection must skip, such as those a failing connection already tried. */
@FunctionalInterface
public interface Exclusion {

	/** Excludes nothing. */
	Exclusion NONE = (member) -> false;

	boolean excludes(PoolMember member);

}
