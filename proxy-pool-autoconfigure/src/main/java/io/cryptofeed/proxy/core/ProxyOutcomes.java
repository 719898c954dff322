package io.cryptofeed.proxy.core;

import java.time.Duration;

/**
 * Receives what happened when a connection went through a member: the circuit breakers
 * listen here, and so does every bean of this type an application declares, besides them.
 * A failure's cause is the error as the client saw it, often a wrapper (WebClient's request
 * exception): look through its causes to classify it.
 */
public interface ProxyOutcomes {

	/** Ignores every outcome. */
	ProxyOutcomes NONE = new ProxyOutcomes() {
	};

	/** The tunnel through the member was established (and the request it carried answered). */
	default void succeeded(ProxyPool pool, PoolMember member, Duration elapsed) {
	}

	/**
	 * Connecting through the member failed: refused, timed out, handshake rejected. Not told
	 * when the connect sent a password that a reload has replaced since: the proxy's refusal
	 * of the old one says nothing of the member as configured now.
	 */
	default void failed(ProxyPool pool, PoolMember member, Duration elapsed, Throwable cause) {
	}

}
