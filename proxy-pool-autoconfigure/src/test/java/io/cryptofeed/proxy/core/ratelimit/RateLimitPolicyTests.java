package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.cryptofeed.proxy.core.ExchangeIds;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RateLimitPolicyTests {

	@Test
	void onlyTheListedErrorStatusesCoolDown() {
		RateLimitPolicy policy = policy(Set.of(429, 503));
		assertThat(policy.coolsDown(429)).isTrue();
		assertThat(policy.coolsDown(503)).isTrue();
		assertThat(policy.coolsDown(200)).isFalse();
		assertThat(policy.coolsDown(404)).isFalse();
	}

	@Test
	void aStatusThatIsNoErrorIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> policy(Set.of(429, 302)))
			.withMessageContaining("from 400 to 599")
			.withMessageContaining("302");
	}

	@Test
	void aCooldownAboveItsMaximumIsRejectedNamingBoth() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(90), Duration.ofMinutes(1),
					Duration.ofHours(1), false, null, null))
			.withMessage("cooldown must be positive and at most maxCooldown, but was 90s / 1m");
	}

	@Test
	void aBudgetReadsAsConfigurationWritesIt() {
		assertThat(new Budget(300, Duration.ofMinutes(5))).hasToString("300 per 5m");
		assertThatIllegalArgumentException().isThrownBy(() -> new Budget(10, Duration.ofMillis(-500)))
			.withMessage("window must be positive, but was -500ms");
	}

	/**
	 * exchangeId's floorKey finds the key the named id matches, whatever its neighbours in the
	 * order: ids that are prefixes of one another once folded (gate, gate-io, gateio.x), and
	 * names that sort between two keys, are checked against a plain search of the keys.
	 */
	@Test
	void exchangeIdFindsTheOneKeyTheRuleMatchesAmongNeighbours() {
		List<String> configured = List.of("gate", "gate-io", "gate.io.x", "gatex", "a", "a.b", "binance.us",
				"binance", "coinbase-pro", "coinbase", "okx");
		Map<String, RateLimitPolicy> exchanges = new LinkedHashMap<>();
		configured.forEach((id) -> exchanges.put(id, policy(Set.of(429))));
		RateLimitPolicies policies = new RateLimitPolicies(RateLimitPolicy.DEFAULTS, exchanges);
		Random random = new Random(7L);
		String alphabet = "gateGATEio.IO-_xXabBnc";
		for (int i = 0; i < 5000; i++) {
			StringBuilder named = new StringBuilder();
			for (int n = random.nextInt(9); n > 0; n--) {
				named.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			String id = named.toString();
			String expected = configured.stream().filter((c) -> ExchangeIds.same(c, id)).findFirst().orElse(null);
			assertThat(policies.exchangeId(id)).as(id).isEqualTo(expected);
			assertThat(policies.of(id)).as(id)
				.isSameAs((expected != null) ? exchanges.get(expected) : RateLimitPolicy.DEFAULTS);
		}
		for (String id : configured) {
			assertThat(policies.exchangeId(id.toUpperCase(Locale.ROOT).replace('-', '_'))).isEqualTo(id);
		}
	}

	private static RateLimitPolicy policy(Set<Integer> statuses) {
		return new RateLimitPolicy(statuses, Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1),
				Duration.ofHours(1), false, null, null);
	}


	/** Ids match ignoring case, '-' and '_': a policy is found by any spelling of its exchange's id. */
	@Test
	void anExchangesPolicyIsFoundByAnySpellingOfItsId() {
		RateLimitPolicy coinbase = policy(Set.of(429));
		RateLimitPolicies policies = new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("Coinbase-Pro", coinbase));
		assertThat(policies.exchanges()).containsOnlyKeys("coinbase-pro");
		for (String spelling : List.of("coinbase-pro", "COINBASE_PRO", "coinbasepro")) {
			assertThat(policies.of(spelling)).as(spelling).isSameAs(coinbase);
			assertThat(policies.exchangeId(spelling)).as(spelling).isEqualTo("coinbase-pro");
		}
		assertThat(policies.of("coinbase")).isSameAs(RateLimitPolicy.DEFAULTS);
		assertThat(policies.exchangeId("coinbase")).isNull();
	}

	/** Policies compare by the ids as written, so that equal ones also hash alike. */
	@Test
	void policiesAreEqualOnlyWithTheirIdsSpeltAlike() {
		RateLimitPolicy gate = policy(Set.of(429));
		RateLimitPolicies dashed = new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("gate-io", gate));
		RateLimitPolicies dashedAgain = new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("Gate-IO", gate));
		RateLimitPolicies underscored = new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("gate_io", gate));
		assertThat(dashed).isEqualTo(dashedAgain).hasSameHashCodeAs(dashedAgain);
		assertThat(dashed).isNotEqualTo(underscored);
		assertThat(underscored).isNotEqualTo(dashed);
		assertThat(dashed).isNotEqualTo(new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("gate-io", policy(Set.of(418)))));
	}

	@Test
	void twoIdsThatNameOneExchangeAreRejected() {
		Map<String, RateLimitPolicy> twice = new LinkedHashMap<>();
		twice.put("gate-io", policy(Set.of(429)));
		twice.put("GATE_IO", policy(Set.of(418)));
		assertThatIllegalArgumentException().isThrownBy(() -> new RateLimitPolicies(RateLimitPolicy.DEFAULTS, twice))
			.withMessageContaining("'gate-io' and 'gate_io' name one exchange");
	}

}
