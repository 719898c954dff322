package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.util.Set;

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

	private static RateLimitPolicy policy(Set<Integer> statuses) {
		return new RateLimitPolicy(statuses, Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1),
				Duration.ofHours(1), false, null, null);
	}

}
