package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads an HTTP {@code Retry-After} value: delay seconds or an HTTP date, in any of the three
 * formats RFC 9110 has a recipient accept (the preferred one, and the obsolete RFC 850 and
 * asctime ones). Public for the proxy service's client, which tells the service how long the
 * exchange asked its proxy to wait, not for applications.
 */
public final class RetryAfter {

	/** RFC 850 after its weekday: {@code 06-Nov-94 08:49:37 GMT}. */
	private static final DateTimeFormatter RFC_850 = DateTimeFormatter.ofPattern("dd-MMM-yy HH:mm:ss 'GMT'",
			Locale.US);

	/** asctime after its weekday: {@code Nov  6 08:49:37 1994}, the day padded with a space. */
	private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss yyyy", Locale.US);

	private RetryAfter() {
	}

	/**
	 * The delay the value asks for, or {@code null} when it is absent or malformed. A date in
	 * the past means no delay.
	 */
	public static Duration parse(String value, Instant now) {
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
		Instant at = date(trimmed, now);
		if (at == null) {
			return null;
		}
		return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
	}

	private static Instant date(String value, Instant now) {
		try {
			return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
		}
		catch (DateTimeParseException ex) {
			// an obsolete format: its weekday goes unchecked, since the RFC 850 one belongs to a
			// year read from two digits
		}
		int comma = value.indexOf(", ");
		int space = value.indexOf(' ');
		try {
			if (comma > 0) {
				return nearestCentury(LocalDateTime.parse(value.substring(comma + 2), RFC_850), now);
			}
			return (space > 0) ? LocalDateTime.parse(value.substring(space + 1), ASCTIME).toInstant(ZoneOffset.UTC)
					: null;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/** A two-digit year more than 50 years ahead is the latest past year with those digits (RFC 9110). */
	private static Instant nearestCentury(LocalDateTime read, Instant now) {
		int thisYear = now.atOffset(ZoneOffset.UTC).getYear();
		LocalDateTime date = read;
		while (date.getYear() > thisYear + 50) {
			date = date.minusYears(100);
		}
		while (date.getYear() <= thisYear - 50) {
			date = date.plusYears(100);
		}
		return date.toInstant(ZoneOffset.UTC);
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
