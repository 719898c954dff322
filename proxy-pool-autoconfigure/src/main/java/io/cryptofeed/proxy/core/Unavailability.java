package io.cryptofeed.proxy.core;

/** Why a member is set aside; a member is available only when none applies. */
public enum Unavailability {

	/** Health checks found it dead or hung. */
	UNHEALTHY,

	/** Its circuit breaker is open after real connection failures. */
	CIRCUIT_OPEN,

	/** An operator drained it: no new leases, existing ones finish. Not undone by panic mode. */
	DRAINED;

	final int bit() {
		return 1 << ordinal();
	}

}
