package io.cryptofeed.proxy.core.ratelimit;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

import io.cryptofeed.proxy.core.ExchangeIds;

/**
 * The policy of each exchange with settings of its own, and the one every other exchange
 * gets.
 *
 * @param defaults the policy of exchanges without settings of their own
 * @param exchanges policies by exchange id, lower case, found by any spelling that
 * {@link ExchangeIds} matches ({@code COINBASE_PRO} finds {@code coinbase-pro})
 */
public record RateLimitPolicies(RateLimitPolicy defaults, Map<String, RateLimitPolicy> exchanges) {

	/** The built-in defaults everywhere. */
	public static final RateLimitPolicies DEFAULTS = new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of());

	/**
	 * @throws IllegalArgumentException when two ids name one exchange
	 */
	public RateLimitPolicies {
		Objects.requireNonNull(defaults, "defaults");
		NavigableMap<String, RateLimitPolicy> byRule = new TreeMap<>(ExchangeIds.ORDER);
		exchanges.forEach((id, policy) -> {
			String exchange = id.toLowerCase(Locale.ROOT);
			String other = byRule.floorKey(exchange);
			if (other != null && ExchangeIds.same(other, exchange)) {
				throw new IllegalArgumentException("exchange ids '" + other + "' and '" + exchange
						+ "' name one exchange: ids match ignoring case, '-' and '_'");
			}
			byRule.put(exchange, Objects.requireNonNull(policy, "policy"));
		});
		exchanges = Collections.unmodifiableNavigableMap(byRule);
	}

	/** The policy for this exchange id, spelt any way {@link ExchangeIds} matches. */
	public RateLimitPolicy of(String exchange) {
		return this.exchanges.getOrDefault(exchange, this.defaults);
	}

	/**
	 * The id, as configured, of the exchange with settings of its own that this id names (by
	 * the rule of {@link ExchangeIds}), or {@code null} when none does.
	 */
	public String exchangeId(String named) {
		// the map is ordered by the rule: the key that compares equal is the one named
		String id = ((NavigableMap<String, RateLimitPolicy>) this.exchanges).floorKey(named);
		return (id != null && ExchangeIds.same(id, named)) ? id : null;
	}

	/**
	 * Equal when the ids are spelt alike: the maps' own equality looks ids up by the rule, so
	 * {@code gate-io} and {@code gate_io} would be equal while their hash codes differ.
	 */
	@Override
	public boolean equals(Object other) {
		return other instanceof RateLimitPolicies that && this.defaults.equals(that.defaults)
				&& List.copyOf(this.exchanges.entrySet()).equals(List.copyOf(that.exchanges.entrySet()));
	}

	@Override
	public int hashCode() {
		return 31 * this.defaults.hashCode() + this.exchanges.hashCode();
	}

}
