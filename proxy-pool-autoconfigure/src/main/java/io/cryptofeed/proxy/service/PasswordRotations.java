package io.cryptofeed.proxy.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolsChange;
import io.cryptofeed.proxy.core.PoolsListener;

/**
 * When a reload last gave each kept member a new password: a client may still connect with an
 * answer that carried the old one, and its failures then say nothing of the member as
 * configured now. One entry per such member, gone with the member.
 */
final class PasswordRotations implements PoolsListener {

	private final Map<PoolMember, Instant> rotatedAt = new ConcurrentHashMap<>();

	private final Clock clock;

	PasswordRotations(Clock clock) {
		this.clock = clock;
	}

	@Override
	public void poolsChanged(PoolsChange change) {
		Instant now = this.clock.instant();
		change.newCredentials().forEach((kept) -> this.rotatedAt.put(kept.member(), now));
		change.removedMembers().forEach((removed) -> this.rotatedAt.remove(removed.member()));
	}

	/**
	 * Whether a connect that failed at this time may have sent the member's old password: it
	 * happened before the rotation, or within {@code reuse} after it (an answer given just
	 * before may be reused that long, and its last connect take that long to fail).
	 */
	boolean mayHaveUsedTheOldPassword(PoolMember member, Instant failedAt, Duration reuse) {
		Instant rotated = this.rotatedAt.get(member);
		return rotated != null && failedAt.isBefore(rotated.plus(reuse));
	}

	Instant now() {
		return this.clock.instant();
	}

}
