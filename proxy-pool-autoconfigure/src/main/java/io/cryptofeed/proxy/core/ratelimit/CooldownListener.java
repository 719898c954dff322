package io.cryptofeed.proxy.core.ratelimit;

import java.util.Set;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;

/** Hears about each cooldown as it begins; called on the thread that saw the answer, so keep it short. */
@FunctionalInterface
public interface CooldownListener {

	void cooledDown(Cooldown cooldown);

	/** A reload removed the member: whatever was kept about its cooldowns can go. */
	default void forgotten(PoolMember member) {
	}

	/**
	 * The exchanges were forgotten (see {@link RateLimits}): none restricted any member. Called
	 * on the thread of the request whose new exchange made room; one of them may be made anew
	 * meanwhile, by a request that names it. Also called by a reload for the ids whose limits
	 * it moved to another spelling of the exchange, the id as configured (see
	 * {@link RateLimits#reconfigure}): those may restrict members, under that id now.
	 */
	default void exchangesForgotten(Set<String> exchanges) {
	}

	/**
	 * A member a reload added took over the running cooldown of the member a reload removed
	 * for the same proxy (see {@link RateLimits#joining}): it rests for the exchange as that
	 * one did. Called with the reload, after {@link #reloaded}: the members it moved have moved
	 * by then, and the new one may stand where one of them stood.
	 */
	default void resumed(ProxyPool pool, PoolMember member, String exchange) {
	}

	/** A reload took effect (after {@link #forgotten} for each member it removed): members may have moved in their pools. */
	default void reloaded() {
	}

}
