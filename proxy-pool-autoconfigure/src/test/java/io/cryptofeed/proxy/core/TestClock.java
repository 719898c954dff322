package io.cryptofeed.proxy.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * A clock that moves only when a test moves it, with a monotonic ticker ({@link #ticker()}, in
 * nanoseconds) that {@link #advance} moves as well and {@link #step} does not.
 */
public final class TestClock extends Clock {

	private volatile Instant now;

	private volatile long nanos;

	public TestClock() {
		this(Instant.parse("2026-11-02T09:00:00Z"));
	}

	public TestClock(Instant start) {
		this.now = start;
	}

	/** Time passes: the wall clock and the ticker move together. */
	public void advance(Duration duration) {
		this.now = this.now.plus(duration);
		this.nanos += duration.toNanos();
	}

	/** The wall clock is set (an NTP step, an operator), forward or back; no time passes. */
	public void step(Duration duration) {
		this.now = this.now.plus(duration);
	}

	/** Monotonic nanoseconds, as {@link System#nanoTime()}: only {@link #advance} moves them. */
	public LongSupplier ticker() {
		return () -> this.nanos;
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	@Override
	public long millis() {
		return this.now.toEpochMilli();
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("a test clock stays in UTC");
	}

}
