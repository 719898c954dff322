package io.cryptofeed.proxy.health;

import java.time.Duration;
import java.util.List;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;

/**
 * Hears health checks as they end: the circuit breakers use passed checks to give an open
 * member a trial sooner, metrics time every check.
 */
@FunctionalInterface
public interface HealthListener {

	/** Ignores every check. */
	HealthListener NONE = (pool, member) -> {
	};

	void checkPassed(ProxyPool pool, PoolMember member);

	/**
	 * A check ended, passed or failed, retries included.
	 * @param elapsed from the first attempt's start to the check's end
	 */
	default void checkCompleted(ProxyPool pool, PoolMember member, Duration elapsed, boolean passed) {
	}

	/** One listener that tells each of these, in order. */
	static HealthListener all(List<? extends HealthListener> listeners) {
		if (listeners.size() <= 1) {
			return listeners.isEmpty() ? NONE : listeners.get(0);
		}
		List<HealthListener> copy = List.copyOf(listeners);
		return new HealthListener() {

			@Override
			public void checkPassed(ProxyPool pool, PoolMember member) {
				copy.forEach((listener) -> listener.checkPassed(pool, member));
			}

			@Override
			public void checkCompleted(ProxyPool pool, PoolMember member, Duration elapsed, boolean passed) {
				copy.forEach((listener) -> listener.checkCompleted(pool, member, elapsed, passed));
			}

		};
	}

}
