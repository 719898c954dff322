package io.cryptofeed.proxy.core;

import java.util.ArrayList;
import java.util.List;

/** The members one connection attempt has tried so far, excluded from its next selection. */
public final class TriedMembers implements Exclusion {

	/** Created on the first add: most connections succeed at the first member. */
	private List<PoolMember> tried;

	public void add(PoolMember member) {
		if (this.tried == null) {
			this.tried = new ArrayList<>(4);
		}
		this.tried.add(member);
	}

	@Override
	public boolean excludes(PoolMember member) {
		if (this.tried == null) {
			return false;
		}
		for (PoolMember m : this.tried) {
			if (m == member) {
				return true;
			}
		}
		return false;
	}

	public int size() {
		return (this.tried != null) ? this.tried.size() : 0;
	}

}
