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

	private static RateLimitPolicy policy(Set<Integer> statuses) {
		return new RateLimitPolicy(statuses, Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1),
				Duration.ofHours(1), false, null, null);
	}

}
