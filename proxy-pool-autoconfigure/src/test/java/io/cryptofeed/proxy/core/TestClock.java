package io.cryptofeed.proxy.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when a test moves it. */
public final class TestClock extends Clock {

	private volatile Instant now;

	public TestClock() {
		this(Instant.parse("2026-11-02T09:00:00Z"));
	}

	public TestClock(Instant start) {
		this.now = start;
	}

	public void advance(Duration duration) {
		this.now = this.now.plus(duration);
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
