package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.time.Instant;

/**
 * What one exchange thinks of one member, for operators: a read-only view.
 *
 * @param cooldownRemaining how long the member still rests for the exchange, zero when it does not
 * @param coolingUntil when its current or last cooldown ends, or {@code null} if it never had one
 * @param lastStatus the status of its current or last cooldown, 0 if none
 * @param strikes cooldowns in a row without a welcome answer between them
 * @param budgetTokens uses of its budget left within the window (connects on a websocket
 * pool, requests on an http pool), or {@code null} without a budget
 * @param budget its budget, or {@code null}
 */
public record LimitState(Duration cooldownRemaining, Instant coolingUntil, int lastStatus, int strikes,
		Integer budgetTokens, Budget budget) {
}
