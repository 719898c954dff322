package io.cryptofeed.proxy.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTests {

	@Test
	void zeroIsZeroSeconds() {
		assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
	}

	@Test
	void aValueOfOneUnitIsWrittenInThatUnit() {
		assertThat(Durations.format(Duration.ofMillis(300))).isEqualTo("300ms");
		assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
		assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
		assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
		assertThat(Durations.format(Duration.ofDays(3))).isEqualTo("3d");
	}

	@Test
	void theLargestUnitThatHoldsTheValueWins() {
		assertThat(Durations.format(Duration.ofMillis(2000))).isEqualTo("2s");
		assertThat(Durations.format(Duration.ofSeconds(600))).isEqualTo("10m");
		assertThat(Durations.format(Duration.ofMinutes(60))).isEqualTo("1h");
		assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("1d");
	}

	@Test
	void aValueNoLargerUnitHoldsStaysInOneUnitAsConfigurationReadsIt() {
		assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
		assertThat(Durations.format(Duration.ofMillis(1250))).isEqualTo("1250ms");
		assertThat(Durations.format(Duration.ofMillis(21_400))).isEqualTo("21400ms");
		assertThat(Durations.format(Duration.ofHours(1).plusSeconds(5))).isEqualTo("3605s");
		assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
		assertThat(Durations.format(Duration.ofHours(36))).isEqualTo("36h");
		assertThat(Durations.format(Duration.ofMinutes(4).plusSeconds(59).plusMillis(13))).isEqualTo("299013ms");
	}

	@Test
	void lessThanAMillisecondIsKept() {
		assertThat(Durations.format(Duration.ofNanos(500_000))).isEqualTo("500us");
		assertThat(Durations.format(Duration.ofNanos(1))).isEqualTo("1ns");
		assertThat(Durations.format(Duration.ofNanos(1_500_000))).isEqualTo("1500us");
		assertThat(Durations.format(Duration.ofSeconds(1, 2_003_004))).isEqualTo("1002003004ns");
	}

	@Test
	void aNegativeValueTakesAMinus() {
		assertThat(Durations.format(Duration.ofSeconds(-5))).isEqualTo("-5s");
		assertThat(Durations.format(Duration.ofMillis(-1500))).isEqualTo("-1500ms");
		assertThat(Durations.format(Duration.ofNanos(-1))).isEqualTo("-1ns");
		assertThat(Durations.format(Duration.ofMinutes(-90))).isEqualTo("-90m");
	}

	@Test
	void everyPrintedValueReadsBackAsTheSameDuration() {
		for (Duration duration : new Duration[] { Duration.ofMillis(1), Duration.ofMillis(999), Duration.ofSeconds(61),
				Duration.ofMillis(61_001), Duration.ofHours(25), Duration.ofDays(400), Duration.ofNanos(1_001),
				Duration.ofSeconds(-7200) }) {
			assertThat(DurationStyle.SIMPLE.parse(Durations.format(duration)))
				.as(duration.toString())
				.isEqualTo(duration);
		}
	}

	@Test
	void theExtremesDoNotOverflow() {
		assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo("9223372036854775807s");
		assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)))
			.isEqualTo(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999).toString());
		assertThat(Durations.format(Duration.ofSeconds(9_223_372_035L, 1_000_000))).isEqualTo("9223372035001ms");
		assertThat(Durations.format(Duration.ofSeconds(Long.MIN_VALUE)))
			.isEqualTo(Duration.ofSeconds(Long.MIN_VALUE).toString());
	}

	@Test
	void nullShowsAsInConcatenation() {
		assertThat(Durations.format(null)).isEqualTo("null");
	}

	@Test
	void aTimerTakesOneMillisecondToAnIntOfThem() {
		assertThat(Durations.timerProblem(Duration.ofMillis(1))).isNull();
		assertThat(Durations.timerProblem(Duration.ofMillis(Integer.MAX_VALUE))).isNull();
		assertThat(Durations.timerProblem(Duration.ofNanos(999_999))).isEqualTo("must be at least 1ms");
		assertThat(Durations.timerProblem(Duration.ZERO)).isEqualTo("must be at least 1ms");
		assertThat(Durations.timerProblem(Duration.ofMillis(Integer.MAX_VALUE + 1L))).isEqualTo("must be at most 24 days");
		// beyond what toMillis() holds: still an answer, not an ArithmeticException
		assertThat(Durations.timerProblem(Duration.ofDays(9_999_999_999_999L))).isEqualTo("must be at most 24 days");
	}

	@Test
	void secondsSentToAProtocolRoundAFractionUp() {
		assertThat(Durations.secondsRoundedUp(Duration.ofSeconds(90))).isEqualTo(90);
		assertThat(Durations.secondsRoundedUp(Duration.ofMillis(500))).isEqualTo(1);
		assertThat(Durations.secondsRoundedUp(Duration.ofMillis(90_001))).isEqualTo(91);
		assertThat(Durations.secondsRoundedUp(Duration.ZERO)).isZero();
		assertThat(Durations.secondsRoundedUp(Duration.ofMillis(-500))).isZero();
	}

}
