package io.cryptofeed.proxy.breaker;

import java.lang.System.Logger.Level;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;

/**
 * The level a breaker's state transition is logged at, for the members' breakers and the
 * proxy service's alike: WARN when what it guards goes out, INFO when it is back. The trial
 * rounds between (half-open, and open again when a trial fails) leave it out as before, and
 * while it stays broken they repeat at every wait of the open state: DEBUG.
 */
public final class TransitionLogLevel {

	private TransitionLogLevel() {
	}

	public static Level of(State from, State to) {
		if (to == State.HALF_OPEN || (from == State.HALF_OPEN && to == State.OPEN)) {
			return Level.DEBUG;
		}
		return (to == State.OPEN || to == State.FORCED_OPEN) ? Level.WARNING : Level.INFO;
	}

}
