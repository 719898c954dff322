package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.time.Instant;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;

/**
 * A member began to rest for an exchange (or a different status made its rest longer).
 *
 * @param pool the pool of the member
 * @param member the member the exchange told off
 * @param exchange the exchange, lower case
 * @param status the response status
 * @param duration how long the member rests
 * @param until when it may serve the exchange again
 * @param strikes cooldowns in a row, this one included
 * @param retryAfter whether the duration came from the answer's {@code Retry-After}
 */
public record Cooldown(ProxyPool pool, PoolMember member, String exchange, int status, Duration duration, Instant until,
		int strikes, boolean retryAfter) {
}
