package io.cryptofeed.proxy.core;

import java.time.Duration;

/**
 * Receives what happened when a connection went through a member: the circuit breakers
 * listen here, later also metrics.
 */
public interface ProxyOutcomes {

	/** Ignores every outcome. */
	ProxyOutcomes NONE = new ProxyOutcomes() {
	};

	/** The tunnel through the member was established (and the request it carried answered). */
	default void succeeded(ProxyPool pool, PoolMember member, Duration elapsed) {
	}

	/** Connecting through the member failed: refused, timed out, handshake rejected. */
	default void failed(ProxyPool pool, PoolMember member, Duration elapsed, Throwable cause) {
	}

}
