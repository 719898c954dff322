package io.cryptofeed.proxy.core;

import java.util.List;

/**
 * What one {@link ProxyPools#reconcile reload} changed. The members of added pools are among
 * {@code addedMembers}, those of removed pools among {@code removedMembers}; kept members
 * appear in neither.
 *
 * @param addedPools pools of keys that were not configured before
 * @param removedPools pools whose key is no longer configured, now closed
 * @param addedMembers members that joined a pool
 * @param removedMembers members that left a pool, drained
 */
public record PoolsChange(List<ProxyPool> addedPools, List<ProxyPool> removedPools, List<Member> addedMembers,
		List<Member> removedMembers) {

	public PoolsChange {
		addedPools = List.copyOf(addedPools);
		removedPools = List.copyOf(removedPools);
		addedMembers = List.copyOf(addedMembers);
		removedMembers = List.copyOf(removedMembers);
	}

	public boolean isEmpty() {
		return this.addedPools.isEmpty() && this.removedPools.isEmpty() && this.addedMembers.isEmpty()
				&& this.removedMembers.isEmpty();
	}

	/** A member and the pool it joined or left. */
	public record Member(ProxyPool pool, PoolMember member) {
	}

}
