package io.cryptofeed.proxy.health;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;

/**
 * Hears health checks as they end: the circuit breakers use checks that show a recovery to
 * give an open member a trial sooner, metrics time every check.
 */
public interface HealthListener {

	/** Ignores every check. */
	HealthListener NONE = new HealthListener() {
	};

	/**
	 * A check ended, passed or failed, retries included.
	 * @param elapsed from the first attempt's start to the check's end
	 */
	default void checkCompleted(ProxyPool pool, PoolMember member, Duration elapsed, boolean passed) {
	}

	/**
	 * A passed check that can show a recovery the member's connects have not seen yet: the
	 * member failed its previous check, the check carried a request through the proxy
	 * ({@code method: http}), or an operator asked for it. Told before
	 * {@link #checkCompleted}. A {@code tcp} or {@code ping} check that passes after passed
	 * ones only shows again that the proxy process is alive, which says nothing of connects
	 * that failed through it: it is not told here.
	 */
	default void recoverySeen(ProxyPool pool, PoolMember member) {
	}

	/**
	 * One listener that tells each of these, in order. One that throws does not keep the
	 * others from hearing the check: its exception is thrown once every listener was told.
	 */
	static HealthListener all(List<? extends HealthListener> listeners) {
		if (listeners.size() <= 1) {
			return listeners.isEmpty() ? NONE : listeners.get(0);
		}
		List<HealthListener> copy = List.copyOf(listeners);
		return new HealthListener() {

			@Override
			public void checkCompleted(ProxyPool pool, PoolMember member, Duration elapsed, boolean passed) {
				tellEach(copy, (listener) -> listener.checkCompleted(pool, member, elapsed, passed));
			}

			@Override
			public void recoverySeen(ProxyPool pool, PoolMember member) {
				tellEach(copy, (listener) -> listener.recoverySeen(pool, member));
			}

		};
	}

	private static void tellEach(List<HealthListener> listeners, Consumer<HealthListener> call) {
		RuntimeException failure = null;
		for (HealthListener listener : listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
