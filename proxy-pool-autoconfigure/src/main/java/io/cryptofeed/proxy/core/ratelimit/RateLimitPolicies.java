package io.cryptofeed.proxy.core.ratelimit;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The policy of each exchange with settings of its own, and the one every other exchange
 * gets.
 *
 * @param defaults the policy of exchanges without settings of their own
 * @param exchanges policies by exchange id (matched case-insensitively)
 */
public record RateLimitPolicies(RateLimitPolicy defaults, Map<String, RateLimitPolicy> exchanges) {

	/** The built-in defaults everywhere. */
	public static final RateLimitPolicies DEFAULTS = new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of());

	public RateLimitPolicies {
		Objects.requireNonNull(defaults, "defaults");
		Map<String, RateLimitPolicy> lowerCase = new TreeMap<>();
		exchanges.forEach((id, policy) -> lowerCase.put(id.toLowerCase(Locale.ROOT), policy));
		exchanges = Map.copyOf(lowerCase);
	}

	/** The policy for this exchange id, lower case. */
	public RateLimitPolicy of(String exchange) {
		return this.exchanges.getOrDefault(exchange, this.defaults);
	}

}
