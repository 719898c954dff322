package io.cryptofeed.proxy.breaker;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Settings built in code refuse at once what the configuration refuses, rather than when a
 * reload builds the first breaker with them.
 */
class BreakerSettingsTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void refusesWhatResilience4jOrTheConfigurationWouldAndNamesTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BreakerSettings(0, 10, 5, WAIT, 2))
			.withMessage("failureRateThreshold must be a percentage from 1 to 100, but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new BreakerSettings(101, 10, 5, WAIT, 2))
			.withMessage("failureRateThreshold must be a percentage from 1 to 100, but was 101");
		assertThatIllegalArgumentException().isThrownBy(() -> new BreakerSettings(50, 0, 5, WAIT, 2))
			.withMessage("slidingWindowSize must be at least 1, but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new BreakerSettings(50, 10, 0, WAIT, 2))
			.withMessage("minimumNumberOfCalls must be at least 1, but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new BreakerSettings(50, 3, 5, WAIT, 2))
			.withMessage("minimumNumberOfCalls must be at most slidingWindowSize (3), but was 5");
		assertThatIllegalArgumentException().isThrownBy(() -> new BreakerSettings(50, 10, 5, WAIT, 0))
			.withMessage("permittedCallsInHalfOpenState must be at least 1, but was 0");
		// Resilience4j would make that many slots per member, up front: a heap's worth
		assertThatIllegalArgumentException().isThrownBy(() -> new BreakerSettings(50, 10_001, 5, WAIT, 2))
			.withMessage("slidingWindowSize must be at most 10000, but was 10001");
		assertThatIllegalArgumentException().isThrownBy(() -> new BreakerSettings(50, 10, 5, WAIT, 10_001))
			.withMessage("permittedCallsInHalfOpenState must be at most 10000, but was 10001");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BreakerSettings(50, 10, 5, Duration.ofNanos(999_999), 2))
			.withMessage("waitDurationInOpenState must be at least 1ms, but was 999999ns");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BreakerSettings(50, 10, 5, Duration.ofDays(9_999_999_999_999L), 2))
			.withMessageStartingWith("waitDurationInOpenState must be at most 24 days");
		assertThatNullPointerException().isThrownBy(() -> new BreakerSettings(50, 10, 5, null, 2))
			.withMessage("waitDurationInOpenState");
	}

	@Test
	void theBoundsThemselvesAreAccepted() {
		BreakerSettings lowest = new BreakerSettings(1, 1, 1, Duration.ofMillis(1), 1);
		BreakerSettings highest = new BreakerSettings(100, 10_000, 10_000, WAIT, 10_000);
		BreakerSettings fullWindow = new BreakerSettings(50, 3, 3, WAIT, 2);

		// what the record accepts, Resilience4j takes too
		assertThat(MemberCircuitBreakers.registry(lowest).getDefaultConfig().getMinimumNumberOfCalls()).isEqualTo(1);
		assertThat(MemberCircuitBreakers.registry(highest).getDefaultConfig().getFailureRateThreshold())
			.isEqualTo(100f);
		assertThat(MemberCircuitBreakers.registry(highest).getDefaultConfig().getSlidingWindowSize()).isEqualTo(10_000);
		assertThat(MemberCircuitBreakers.registry(fullWindow).getDefaultConfig().getMinimumNumberOfCalls()).isEqualTo(3);
	}

}
