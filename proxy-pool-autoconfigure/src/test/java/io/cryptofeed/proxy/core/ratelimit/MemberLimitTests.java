package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One exchange's view of one member when a reload changes its budget. */
class MemberLimitTests {

	private static final RateLimitPolicy POLICY = new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(1),
			Duration.ofMinutes(5), Duration.ofHours(1), false, null, null);

	private final Budget before = new Budget(1, Duration.ofMinutes(5));

	private final Budget after = new Budget(10, Duration.ofMinutes(5));

	@Test
	void aBudgetChangeCarriesTheCooldownOverAndIsMadeOnce() {
		MemberLimit old = new MemberLimit(this.before);
		old.coolDown(429, Duration.ofSeconds(30), POLICY, 1_000);

		MemberLimit replaced = old.withBudget(this.after);

		assertThat(replaced.budget).isEqualTo(this.after);
		assertThat(replaced.coolingUntil()).isEqualTo(31_000);
		assertThat(replaced.strikes()).isOne();
		assertThat(old.withBudget(this.after)).as("a second caller gets the same successor").isSameAs(replaced);
	}

	@Test
	void anAnswerHandedTheOldLimitBeforeTheReloadReachesTheOneThatReplacedIt() {
		MemberLimit old = new MemberLimit(this.before);
		MemberLimit replaced = old.withBudget(this.after);

		// the 429 of a request that read the limit before the reload replaced it
		assertThat(old.coolDown(429, Duration.ofSeconds(60), POLICY, 1_000)).isNotNull();

		assertThat(replaced.coolingUntil()).isEqualTo(61_000);
		assertThat(replaced.status()).isEqualTo(429);
		assertThat(replaced.restricted(2_000, this.after)).isTrue();
		assertThat(old.coolingUntil()).as("read through to the successor").isEqualTo(61_000);

		// a welcome afterwards ends the run of cooldowns on the successor as well
		assertThat(old.welcomed(62_000)).isEqualTo(MemberLimit.RunEnd.WARNED);
		assertThat(replaced.strikes()).isZero();
	}

}
