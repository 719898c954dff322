package io.cryptofeed.proxy.core.ratelimit;

import io.cryptofeed.proxy.core.PoolMember;

/** Hears about each cooldown as it begins; called on the thread that saw the answer, so keep it short. */
@FunctionalInterface
public interface CooldownListener {

	void cooledDown(Cooldown cooldown);

	/** A reload removed the member: whatever was kept about its cooldowns can go. */
	default void forgotten(PoolMember member) {
	}

	/** A reload took effect (after {@link #forgotten} for each member it removed): members may have moved in their pools. */
	default void reloaded() {
	}

}
