package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Durations;

/**
 * How one exchange's answers and budgets steer its traffic away from members it does
 * not welcome.
 *
 * @param statuses response statuses that put the member that carried them into a cooldown for
 * the exchange; empty turns cooldowns off
 * @param geoBlockStatuses the statuses among them that mean the exchange refuses the member's
 * location: they get {@code geoBlockCooldown}
 * @param cooldown the first cooldown when the answer has no {@code Retry-After}
 * @param maxCooldown the longest cooldown that doubling on repeats reaches
 * @param geoBlockCooldown the cooldown after a geo-block status
 * @param retryOnCooldown whether an idempotent request (or a WebSocket handshake) answered with
 * a cooldown status is sent once more through another member
 * @param httpBudget request budget of each member of an http pool, or {@code null} for none
 * @param websocketBudget connect budget of each member of a websocket pool, or {@code null}
 */
public record RateLimitPolicy(Set<Integer> statuses, Set<Integer> geoBlockStatuses, Duration cooldown,
		Duration maxCooldown, Duration geoBlockCooldown, boolean retryOnCooldown, Budget httpBudget,
		Budget websocketBudget) {

	/** What applies where nothing is configured. */
	public static final RateLimitPolicy DEFAULTS = new RateLimitPolicy(Set.of(429, 418, 451, 403), Set.of(451),
			Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofHours(1), false, null, null);

	public RateLimitPolicy {
		statuses = Set.copyOf(statuses);
		geoBlockStatuses = Set.copyOf(geoBlockStatuses);
		for (int status : statuses) {
			if (status < 400 || status > 599) {
				throw new IllegalArgumentException("statuses must be error statuses from 400 to 599, but was " + status);
			}
		}
		Objects.requireNonNull(cooldown, "cooldown");
		Objects.requireNonNull(maxCooldown, "maxCooldown");
		Objects.requireNonNull(geoBlockCooldown, "geoBlockCooldown");
		if (cooldown.isNegative() || cooldown.isZero() || maxCooldown.compareTo(cooldown) < 0) {
			throw new IllegalArgumentException(
					"cooldown must be positive and at most maxCooldown, but was " + Durations.format(cooldown) + " / "
							+ Durations.format(maxCooldown));
		}
	}

	/** The budget of each member of a pool of this type, or {@code null} for none. */
	public Budget budget(ConnectionType type) {
		return (type == ConnectionType.HTTP) ? this.httpBudget : this.websocketBudget;
	}

	/** Whether this status puts the member that carried it into a cooldown. */
	public boolean coolsDown(int status) {
		// most answers are 2xx: decided without boxing the status for the set
		return status >= 400 && this.statuses.contains(status);
	}

	/**
	 * How long a member rests after this answer.
	 * @param retryAfter the answer's {@code Retry-After}, or {@code null}
	 * @param strikes cooldowns in a row, this one included (at least 1)
	 */
	Duration cooldownFor(int status, Duration retryAfter, int strikes) {
		if (this.geoBlockStatuses.contains(status)) {
			return (retryAfter != null && retryAfter.compareTo(this.geoBlockCooldown) > 0) ? retryAfter
					: this.geoBlockCooldown;
		}
		if (retryAfter != null) {
			// the exchange said how long: neither shortened nor capped
			return retryAfter;
		}
		int doublings = Math.min(Math.max(strikes, 1) - 1, 62);
		long first = this.cooldown.toMillis();
		long max = this.maxCooldown.toMillis();
		return (first > (max >> doublings)) ? this.maxCooldown : Duration.ofMillis(first << doublings);
	}

}
