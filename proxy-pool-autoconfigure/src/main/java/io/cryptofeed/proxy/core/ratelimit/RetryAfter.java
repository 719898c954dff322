package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads an HTTP {@code Retry-After} value: delay seconds or an HTTP date. */
final class RetryAfter {

	private RetryAfter() {
	}

	/**
	 * The delay the value asks for, or {@code null} when it is absent or malformed. A date in
	 * the past means no delay.
	 */
	static Duration parse(String value, Instant now) {
		if (value == null) {
			return null;
		}
		String trimmed = value.strip();
		if (trimmed.isEmpty()) {
			return null;
		}
		if (isDigits(trimmed)) {
			// more than 18 digits would overflow; no exchange means centuries
			return (trimmed.length() <= 18) ? Duration.ofSeconds(Long.parseLong(trimmed)) : null;
		}
		try {
			Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static boolean isDigits(String s) {
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

}
