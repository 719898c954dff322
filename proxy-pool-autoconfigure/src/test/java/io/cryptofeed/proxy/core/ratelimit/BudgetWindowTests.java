package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.cryptofeed.proxy.core.Together;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BudgetWindowTests {

	private final BudgetWindow window = new BudgetWindow(new Budget(3, Duration.ofSeconds(10)));

	@Test
	void allowsTheBudgetWithinTheWindowThenNothingUntilTheOldestSpendLeavesIt() {
		assertThat(this.window.take("a", 0)).isTrue();
		assertThat(this.window.take("b", 4_000)).isTrue();
		assertThat(this.window.take("c", 5_000)).isTrue();
		assertThat(this.window.hasToken(5_000)).isFalse();
		assertThat(this.window.take("d", 9_999)).isFalse();
		assertThat(this.window.nextTokenAt(9_999)).isEqualTo(10_000);
		// a sliding window: one connect back when the first leaves it, not the whole budget
		assertThat(this.window.hasToken(10_000)).isTrue();
		assertThat(this.window.take("e", 10_000)).isTrue();
		assertThat(this.window.take("f", 10_000)).isFalse();
		assertThat(this.window.tokens(14_000)).isOne();
		assertThat(this.window.tokens(19_999)).isEqualTo(2);
	}

	@Test
	void aRefundGivesBackExactlyTheUseItsOwnerSpent() {
		this.window.take("old", 0);
		this.window.take("reused", 6_000);
		this.window.take("new", 7_000);
		this.window.refund("reused");
		assertThat(this.window.tokens(7_000)).isOne();
		this.window.take("later", 8_000);
		assertThat(this.window.take("too many", 8_000)).isFalse();
		assertThat(this.window.tokens(10_000)).isOne();
		// "reused" would leave at 16 s; had the refund dropped the newest spend instead, "new" would be gone
		assertThat(this.window.tokens(16_000)).isOne();
		assertThat(this.window.tokens(17_000)).isEqualTo(2);
		assertThat(this.window.tokens(18_000)).isEqualTo(3);
	}

	@Test
	void aRefundAfterTheSpendLeftTheWindowChangesNothing() {
		this.window.take("a", 0);
		this.window.refund("gone");
		assertThat(this.window.tokens(1_000)).isEqualTo(2);
		this.window.refund("a");
		this.window.refund("a");
		assertThat(this.window.tokens(1_000)).isEqualTo(3);
	}

	@Test
	void growsUpToALargeBudgetAndKeepsOrderAcrossTheRing() {
		BudgetWindow large = new BudgetWindow(new Budget(300, Duration.ofMinutes(5)));
		Object[] owners = new Object[300];
		for (int i = 0; i < 300; i++) {
			owners[i] = new Object();
			assertThat(large.take(owners[i], i * 1_000L)).isTrue();
		}
		assertThat(large.take("over", 299_000)).isFalse();
		// after 5 minutes the first spends leave one by one
		assertThat(large.tokens(300_000)).isOne();
		assertThat(large.take("next", 300_000)).isTrue();
		assertThat(large.take("over", 300_500)).isFalse();
		assertThat(large.tokens(305_000)).isEqualTo(5);
		large.refund(owners[299]);
		assertThat(large.tokens(305_000)).isEqualTo(6);
	}

	@Test
	void concurrentTakersNeverSpendMoreThanTheBudget() throws Exception {
		BudgetWindow shared = new BudgetWindow(new Budget(50, Duration.ofMinutes(1)));
		AtomicInteger granted = new AtomicInteger();
		Together.run(Together.times(4, () -> {
			for (int i = 0; i < 1_000; i++) {
				Object owner = new Object();
				if (shared.take(owner, 1_000)) {
					granted.incrementAndGet();
					if (i % 2 == 0) {
						shared.refund(owner);
						granted.decrementAndGet();
					}
				}
			}
		}));
		assertThat(granted.get()).isEqualTo(50);
		assertThat(shared.tokens(1_000)).isZero();
	}

}
