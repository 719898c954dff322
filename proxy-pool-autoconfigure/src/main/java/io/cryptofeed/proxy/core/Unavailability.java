package io.cryptofeed.proxy.core;

import java.util.Locale;

/** Why a member is set aside; a member is available only when none applies. */
public enum Unavailability {

	/** Health checks found it dead or hung. */
	UNHEALTHY,

	/** Its circuit breaker is open after real connection failures. */
	CIRCUIT_OPEN,

	/** An operator drained it: no new leases, existing ones finish. Not undone by panic mode. */
	DRAINED;

	/** Its name in logs and summaries: {@code unhealthy}, {@code circuit-open}, {@code drained}. */
	public String id() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	final int bit() {
		return 1 << ordinal();
	}

}
