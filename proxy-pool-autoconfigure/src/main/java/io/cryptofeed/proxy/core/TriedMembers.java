package io.cryptofeed.proxy.core;

import java.util.ArrayList;
import java.util.List;

/** The members one connection attempt has tried so far, excluded from its next selection. */
public final class TriedMembers implements Exclusion {

	private final List<PoolMember> tried = new ArrayList<>(4);

	public void add(PoolMember member) {
		this.tried.add(member);
	}

	@Override
	public boolean excludes(PoolMember member) {
		for (PoolMember m : this.tried) {
			if (m == member) {
				return true;
			}
		}
		return false;
	}

	public int size() {
		return this.tried.size();
	}

}
