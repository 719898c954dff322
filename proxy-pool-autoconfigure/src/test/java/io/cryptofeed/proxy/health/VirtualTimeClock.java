package io.cryptofeed.proxy.health;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import reactor.test.scheduler.VirtualTimeScheduler;

/** A UTC clock that reads a virtual-time scheduler, so that the checker's times move with it. */
final class VirtualTimeClock extends Clock {

	private final VirtualTimeScheduler time;

	private VirtualTimeClock(VirtualTimeScheduler time) {
		this.time = time;
	}

	static Clock of(VirtualTimeScheduler time) {
		return new VirtualTimeClock(time);
	}

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(this.time.now(TimeUnit.MILLISECONDS));
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

}
