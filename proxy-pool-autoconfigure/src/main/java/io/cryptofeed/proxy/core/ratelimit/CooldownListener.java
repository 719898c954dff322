package io.cryptofeed.proxy.core.ratelimit;

/** Hears about each cooldown as it begins; called on the thread that saw the answer, so keep it short. */
@FunctionalInterface
public interface CooldownListener {

	void cooledDown(Cooldown cooldown);

}
