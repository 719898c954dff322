package io.cryptofeed.proxy.core;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

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

	/** Spring Boot's units, largest first. */
	private static final List<Map.Entry<ChronoUnit, String>> UNITS = List.of(Map.entry(ChronoUnit.DAYS, "d"),
			Map.entry(ChronoUnit.HOURS, "h"), Map.entry(ChronoUnit.MINUTES, "m"), Map.entry(ChronoUnit.SECONDS, "s"),
			Map.entry(ChronoUnit.MILLIS, "ms"), Map.entry(ChronoUnit.MICROS, "us"), Map.entry(ChronoUnit.NANOS, "ns"));

	private static final Duration SHORTEST_TIMER = Duration.ofMillis(1);

	/** Netty takes a connect timeout as an int of milliseconds: about 24 days. */
	private static final Duration LONGEST_TIMER = Duration.ofMillis(Integer.MAX_VALUE);

	private Durations() {
	}

	/**
	 * What is wrong with a timer's duration (a timeout, a breaker's wait), or {@code null}: below
	 * a millisecond Netty takes it as none at all, and beyond an int of milliseconds its connect
	 * timeout overflows (far beyond, so do the milliseconds Netty and Resilience4j count in).
	 * Compared as durations, since {@code toMillis()} itself overflows on the largest.
	 * @param duration not {@code null}
	 */
	public static String timerProblem(Duration duration) {
		if (duration.compareTo(SHORTEST_TIMER) < 0) {
			return "must be at least 1ms";
		}
		return (duration.compareTo(LONGEST_TIMER) > 0) ? "must be at most 24 days" : null;
	}

	/**
	 * The duration in whole seconds, a fraction rounded up: what a protocol that counts seconds
	 * is sent ({@code ttl_seconds}, {@code retry_after_seconds}), where rounding 0.5s down to
	 * {@code 0} would mean no wait at all.
	 */
	public static long secondsRoundedUp(Duration duration) {
		return (duration.getNano() > 0) ? duration.getSeconds() + 1 : duration.getSeconds();
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
		for (Map.Entry<ChronoUnit, String> unit : UNITS) {
			if (duration.truncatedTo(unit.getKey()).equals(duration)) {
				try {
					return duration.dividedBy(unit.getKey().getDuration()) + unit.getValue();
				}
				catch (ArithmeticException ex) {
					// beyond 292 years, with a fraction of a second: no one unit holds it in a long
					break;
				}
			}
		}
		return duration.toString();
	}

}
