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
