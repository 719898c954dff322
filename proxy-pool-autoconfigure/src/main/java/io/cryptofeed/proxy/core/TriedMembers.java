package io.cryptofeed.proxy.core;

import java.util.ArrayList;
import java.util.List;

/** The members one connection attempt has tried so far, excluded from its next selection. */
public final class TriedMembers implements Exclusion {

	/** Most connections succeed at the first member: no list until a second one. */
	private PoolMember first;

	private List<PoolMember> more;

	public void add(PoolMember member) {
		if (this.first == null) {
			this.first = member;
			return;
		}
		if (this.more == null) {
			this.more = new ArrayList<>(3);
		}
		this.more.add(member);
	}

	@Override
	public boolean excludes(PoolMember member) {
		if (member == null || this.first == null) {
			return false;
		}
		if (this.first == member) {
			return true;
		}
		if (this.more == null) {
			return false;
		}
		for (PoolMember m : this.more) {
			if (m == member) {
				return true;
			}
		}
		return false;
	}

	@Override
	public boolean failover() {
		return this.first != null;
	}

	public int size() {
		return (this.first == null) ? 0 : 1 + ((this.more != null) ? this.more.size() : 0);
	}

}
