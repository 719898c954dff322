package io.cryptofeed.proxy.health;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;

/** Hears each passed health check; the circuit breakers use it to give an open member a trial sooner. */
@FunctionalInterface
public interface HealthListener {

	/** Ignores every check. */
	HealthListener NONE = (pool, member) -> {
	};

	void checkPassed(ProxyPool pool, PoolMember member);

}
