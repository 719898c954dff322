package io.cryptofeed.proxy.core;

import java.time.Duration;

/**
 * Shows a duration to people the way they write it in configuration ({@code 300ms},
 * {@code 30s}, {@code 5m}) rather than in ISO-8601 ({@code PT0.3S}).
 * <p>
 * The rule: one number in the largest of Spring Boot's units ({@code d h m s ms us ns}) that
 * holds the value exactly: {@code 90s}, {@code 1250ms}, {@code 2h}, {@code 500us}; zero is
 * {@code 0s} and a negative value takes a leading {@code -}. One unit, because that is all
 * Spring Boot reads, so any value printed can be pasted back into configuration.
 * <p>
 * For messages, logs and other texts meant for people, built when something failed or
 * changed: JSON fields, metrics and protocols keep their own formats.
 */
public final class Durations {

	private static final long[] SECONDS_PER_UNIT = { 86_400, 3_600, 60 };

	private static final String[] SECOND_UNITS = { "d", "h", "m" };

	private static final long[] NANOS_PER_UNIT = { 1_000_000, 1_000, 1 };

	private static final String[] FRACTION_UNITS = { "ms", "us", "ns" };

	private Durations() {
	}

	/** The duration as described above; {@code null} shows as {@code null}, as in string concatenation. */
	public static String format(Duration duration) {
		if (duration == null) {
			return "null";
		}
		if (duration.isZero()) {
			return "0s";
		}
		if (duration.isNegative()) {
			// Duration.ofSeconds(Long.MIN_VALUE) has no positive counterpart
			return (duration.getSeconds() == Long.MIN_VALUE) ? duration.toString() : "-" + format(duration.negated());
		}
		long seconds = duration.getSeconds();
		int nanos = duration.getNano();
		if (nanos == 0) {
			for (int unit = 0; unit < SECONDS_PER_UNIT.length; unit++) {
				if (seconds % SECONDS_PER_UNIT[unit] == 0) {
					return seconds / SECONDS_PER_UNIT[unit] + SECOND_UNITS[unit];
				}
			}
			return seconds + "s";
		}
		for (int unit = 0; unit < NANOS_PER_UNIT.length; unit++) {
			long perSecond = 1_000_000_000 / NANOS_PER_UNIT[unit];
			if (nanos % NANOS_PER_UNIT[unit] == 0 && seconds <= (Long.MAX_VALUE - perSecond) / perSecond) {
				return seconds * perSecond + nanos / NANOS_PER_UNIT[unit] + FRACTION_UNITS[unit];
			}
		}
		// beyond 292 years, with a fraction of a second: no one unit holds it in a long
		return duration.toString();
	}

}
