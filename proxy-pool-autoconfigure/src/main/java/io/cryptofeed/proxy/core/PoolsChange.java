package io.cryptofeed.proxy.core;

import java.util.List;

/**
 * What one {@link ProxyPools#reconcile reload} changed. The members of added pools are among
 * {@code addedMembers}, those of removed pools among {@code removedMembers}; kept members
 * appear in neither, but among {@code newCredentials} when they took a new password.
 *
 * @param addedPools pools of keys that were not configured before
 * @param removedPools pools whose key is no longer configured, now closed
 * @param addedMembers members that joined a pool
 * @param removedMembers members that left a pool, drained
 * @param newCredentials kept members whose password changed: what their connects and checks
 * met before was met with the old one
 */
public record PoolsChange(List<ProxyPool> addedPools, List<ProxyPool> removedPools, List<Member> addedMembers,
		List<Member> removedMembers, List<Member> newCredentials) {

	public PoolsChange {
		addedPools = List.copyOf(addedPools);
		removedPools = List.copyOf(removedPools);
		addedMembers = List.copyOf(addedMembers);
		removedMembers = List.copyOf(removedMembers);
		newCredentials = List.copyOf(newCredentials);
	}

	/** A change in which no kept member took a new password. */
	public PoolsChange(List<ProxyPool> addedPools, List<ProxyPool> removedPools, List<Member> addedMembers,
			List<Member> removedMembers) {
		this(addedPools, removedPools, addedMembers, removedMembers, List.of());
	}

	public boolean isEmpty() {
		return this.addedPools.isEmpty() && this.removedPools.isEmpty() && this.addedMembers.isEmpty()
				&& this.removedMembers.isEmpty() && this.newCredentials.isEmpty();
	}

	/** A member and the pool it joined, left or is kept in. */
	public record Member(ProxyPool pool, PoolMember member) {
	}

}
