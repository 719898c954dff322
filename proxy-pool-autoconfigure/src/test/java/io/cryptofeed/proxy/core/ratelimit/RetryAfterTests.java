package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTests {

	private static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");

	@Test
	void readsDelaySeconds() {
		assertThat(RetryAfter.parse("2", NOW)).isEqualTo(Duration.ofSeconds(2));
		assertThat(RetryAfter.parse(" 120 ", NOW)).isEqualTo(Duration.ofMinutes(2));
		assertThat(RetryAfter.parse("0", NOW)).isZero();
	}

	@Test
	void readsAnHttpDate() {
		assertThat(RetryAfter.parse("Mon, 02 Nov 2026 09:05:00 GMT", NOW)).isEqualTo(Duration.ofMinutes(5));
		assertThat(RetryAfter.parse("Mon, 02 Nov 2026 08:00:00 GMT", NOW)).as("a date in the past").isZero();
	}

	/** RFC 9110 has a recipient accept the two obsolete date formats as well: they mean the same wait. */
	@ParameterizedTest
	@ValueSource(strings = { "Monday, 02-Nov-26 09:05:00 GMT", "Mon Nov  2 09:05:00 2026" })
	void readsTheObsoleteHttpDateFormatsToo(String date) {
		assertThat(RetryAfter.parse(date, NOW)).isEqualTo(Duration.ofMinutes(5));
	}

	/** A two-digit year more than 50 years ahead is the latest past year with those digits. */
	@Test
	void readsATwoDigitYearAsTheNearestPlausibleCentury() {
		assertThat(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).as("1994, long past").isZero();
		assertThat(RetryAfter.parse("Tuesday, 02-Nov-27 09:00:00 GMT", NOW)).isEqualTo(Duration.ofDays(365));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "-1", "1.5", "soon", "99999999999999999999", "2026-11-02T09:05:00Z" })
	void ignoresWhatItCannotRead(String value) {
		assertThat(RetryAfter.parse(value, NOW)).isNull();
	}

	@Test
	void anAbsentHeaderIsNoDelay() {
		assertThat(RetryAfter.parse(null, NOW)).isNull();
	}

}
