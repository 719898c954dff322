package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.time.Instant;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.LogText;
import io.cryptofeed.proxy.core.NoProxyAvailableException;
import io.cryptofeed.proxy.core.PoolKey;

/**
 * Every member a connection could still use is resting for its exchange (cooling down, or its
 * budget spent). Thrown at once rather than sending the exchange an address it has just
 * refused, which would only lengthen the ban.
 */
public class PoolRateLimitedException extends NoProxyAvailableException {

	private final String exchange;

	private final Instant retryAt;

	private final Duration retryIn;

	PoolRateLimitedException(PoolKey pool, String exchange, int cooling, int spent, Instant retryAt,
			Duration retryIn) {
		super(pool, "every available member is resting for exchange=" + LogText.oneLine(exchange) + " (cooling down " + cooling
				+ ", budget spent " + spent + "); earliest retry at " + retryAt + " (in " + Durations.format(retryIn)
				+ ")");
		this.exchange = exchange;
		this.retryAt = retryAt;
		this.retryIn = retryIn;
	}

	/** The exchange, lower case. */
	public String exchange() {
		return this.exchange;
	}

	/** When the first member may serve the exchange again. */
	public Instant retryAt() {
		return this.retryAt;
	}

	/** How long after the failed selection {@link #retryAt} is, by the clock that selection read. */
	public Duration retryIn() {
		return this.retryIn;
	}

}
