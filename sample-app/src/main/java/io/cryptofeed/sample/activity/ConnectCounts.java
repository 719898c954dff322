package io.cryptofeed.sample.activity;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;

/**
 * Counts, per member, the tunnels opened through it and the connects that failed (and were
 * retried through another member). A {@link ProxyOutcomes} bean hears every connect through
 * the pools, next to the circuit breakers.
 */
public final class ConnectCounts implements ProxyOutcomes {

	private final Map<PoolMember, AtomicLong> opened = new ConcurrentHashMap<>();

	private final Map<PoolMember, AtomicLong> failed = new ConcurrentHashMap<>();

	@Override
	public void succeeded(ProxyPool pool, PoolMember member, Duration elapsed) {
		this.opened.computeIfAbsent(member, (m) -> new AtomicLong()).incrementAndGet();
	}

	@Override
	public void failed(ProxyPool pool, PoolMember member, Duration elapsed, Throwable cause) {
		this.failed.computeIfAbsent(member, (m) -> new AtomicLong()).incrementAndGet();
	}

	/** Tunnels opened through the member so far. */
	public long opened(PoolMember member) {
		AtomicLong count = this.opened.get(member);
		return (count != null) ? count.get() : 0;
	}

	/** Connects through the member that failed so far. */
	public long failed(PoolMember member) {
		AtomicLong count = this.failed.get(member);
		return (count != null) ? count.get() : 0;
	}

}
