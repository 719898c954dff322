package io.cryptofeed.proxy.core.ratelimit;

import java.time.Clock;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The time cooldowns and budgets run on: milliseconds of a monotonic ticker, counted from the
 * wall clock's reading at start so that they read as epoch milliseconds. A step of the wall
 * clock (NTP, an operator) then neither ends a rest early, which would ask a banning exchange
 * again too soon, nor keeps a budget's uses in its window for as long as the step. Ends shown
 * to people are given on the wall clock as it reads now.
 */
final class LimitClock {

	private final Clock wall;

	private final LongSupplier nanoTime;

	private final long originNanos;

	private final long originMillis;

	/** @param nanoTime monotonic nanoseconds, as {@link System#nanoTime()} */
	LimitClock(Clock wall, LongSupplier nanoTime) {
		this.wall = wall;
		this.nanoTime = nanoTime;
		this.originNanos = nanoTime.getAsLong();
		this.originMillis = wall.millis();
	}

	/** Milliseconds that only move forward with time passing. */
	long millis() {
		// a difference of two readings: right however the ticker's origin lies
		return this.originMillis + (this.nanoTime.getAsLong() - this.originNanos) / 1_000_000L;
	}

	/** The wall clock now, for what the exchange writes as a date. */
	Instant wallNow() {
		return this.wall.instant();
	}

	/**
	 * A time of this clock on the wall clock: as long after the wall clock's now as it is after
	 * {@code now}.
	 * @param now a reading of {@link #millis()} taken with the one converted
	 */
	Instant toInstant(long millis, long now) {
		try {
			return Instant.ofEpochMilli(Math.addExact(this.wall.millis(), millis - now));
		}
		catch (ArithmeticException ex) {
			// a rest until the end of time (a huge Retry-After) stays there
			return Instant.ofEpochMilli(Long.MAX_VALUE);
		}
	}

}
