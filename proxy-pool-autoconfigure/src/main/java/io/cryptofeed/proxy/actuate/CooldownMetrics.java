package io.cryptofeed.proxy.actuate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ratelimit.Cooldown;
import io.cryptofeed.proxy.core.ratelimit.CooldownListener;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Cooldowns as meters: {@value #COOLDOWNS} counts the cooldowns that began, by exchange and
 * status, and goes when {@link RateLimits} forgets the exchange, which keeps the series as
 * bounded as the exchanges it keeps (a later cooldown registers it anew, at one);
 * {@value #REMAINING} tells, per member and exchange, the seconds it still rests.
 * A member's gauge appears with its first cooldown for that exchange (or with the reload that
 * made it for a proxy still resting, see {@link RateLimits#joining}), tagged with its pool,
 * its position there (members behind one gateway may share an address) and {@code proxy}
 * = {@code host:port}, which never holds a credential. A reload that moves a member within
 * its pool moves its gauges to its new position; the gauge goes when a reload removes the
 * member or when the exchange is forgotten, whichever comes first.
 */
public final class CooldownMetrics implements MeterBinder {

	static final String COOLDOWNS = "cryptofeed.proxy.cooldowns";

	static final String REMAINING = "cryptofeed.proxy.cooldown.remaining";

	private final RateLimits rateLimits;

	/** Every remaining-cooldown gauge, and the member and exchange it reads. */
	private final Map<Meter.Id, Watched> gauges = new ConcurrentHashMap<>();

	/** Each exchange's cooldown counters, one per status: they go when the exchange is forgotten. */
	private final Map<String, Set<Meter.Id>> counters = new HashMap<>();

	public CooldownMetrics(RateLimits rateLimits) {
		this.rateLimits = rateLimits;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.rateLimits.addListener(new CooldownListener() {

			@Override
			public void cooledDown(Cooldown cooldown) {
				record(registry, cooldown);
			}

			@Override
			public void forgotten(PoolMember member) {
				forget(registry, member);
			}

			@Override
			public void resumed(ProxyPool pool, PoolMember member, String exchange) {
				watch(registry, new Watched(pool, exchange, member));
			}

			@Override
			public void exchangesForgotten(Set<String> exchanges) {
				forgetExchanges(registry, exchanges);
			}

			@Override
			public void reloaded() {
				retag(registry);
			}

		});
	}

	/** Under the lock that forgetting exchanges takes: a cooldown's meters are never half gone. */
	private synchronized void record(MeterRegistry registry, Cooldown cooldown) {
		Counter counter = Counter.builder(COOLDOWNS)
			.description("Cooldowns of pool members that an exchange rate-limited, banned or geo-blocked")
			.tags("exchange", cooldown.exchange(), "status", String.valueOf(cooldown.status()))
			.register(registry);
		counter.increment();
		this.counters.computeIfAbsent(cooldown.exchange(), (exchange) -> new HashSet<>()).add(counter.getId());
		watch(registry, new Watched(cooldown.pool(), cooldown.exchange(), cooldown.member()));
	}

	/**
	 * Registers the member's gauge under its position now, unless it has one: the gauge reads
	 * every later cooldown too, and Micrometer warns of a gauge registered twice.
	 */
	private synchronized void watch(MeterRegistry registry, Watched watched) {
		if (this.gauges.containsValue(watched)) {
			// a moved gauge is taken out before it is watched again (retag)
			return;
		}
		PoolMember member = watched.member();
		int index = watched.pool().members().indexOf(member);
		if (index < 0) {
			// a reload removed it meanwhile
			return;
		}
		// read through the exchange's id: its limits may be forgotten and made anew (see RateLimits)
		String exchange = watched.exchange();
		Gauge gauge = Gauge
			.builder(REMAINING, this.rateLimits, (limits) -> limits.remainingCooldownSeconds(exchange, member))
			.description("Seconds a pool member still rests for an exchange")
			.baseUnit("seconds")
			.tags(Tags.of("exchange", watched.exchange(), "pool", watched.pool().key().toString(), "member",
					String.valueOf(index), "proxy", member.endpoint().hostAndPort()))
			.strongReference(true)
			.register(registry);
		this.gauges.put(gauge.getId(), watched);
	}

	private synchronized void forget(MeterRegistry registry, PoolMember member) {
		this.gauges.entrySet().removeIf((entry) -> {
			if (entry.getValue().member() != member) {
				return false;
			}
			registry.remove(entry.getKey());
			return true;
		});
	}

	/**
	 * Removes the counters and gauges of exchanges that are still forgotten: a cooldown may
	 * have made one anew since, and recorded under this lock, its meters stay. The limits of
	 * one that a reload moved to the id as configured (see {@link RateLimits#reconfigure}) are
	 * kept under that id: their gauges move to it.
	 */
	private synchronized void forgetExchanges(MeterRegistry registry, Set<String> exchanges) {
		Set<String> gone = new HashSet<>(exchanges);
		// under that very id: RateLimits#knows finds an exchange by any spelling
		gone.removeAll(this.rateLimits.exchanges().keySet());
		for (String exchange : gone) {
			Set<Meter.Id> ids = this.counters.remove(exchange);
			if (ids != null) {
				ids.forEach(registry::remove);
			}
		}
		List<Watched> moved = new ArrayList<>();
		// one pass for them all: a sweep may forget a thousand exchanges at once
		this.gauges.entrySet().removeIf((entry) -> {
			Watched watched = entry.getValue();
			if (!gone.contains(watched.exchange())) {
				return false;
			}
			registry.remove(entry.getKey());
			if (this.rateLimits.knows(watched.exchange())) {
				moved.add(watched);
			}
			return true;
		});
		moved.forEach((watched) -> watch(registry, new Watched(watched.pool(),
				this.rateLimits.forExchange(watched.exchange()).exchange(), watched.member())));
	}

	/**
	 * Gauges whose member now sits elsewhere in its pool are registered anew under its new
	 * position; every moved one goes first, since two members may have swapped places.
	 */
	private synchronized void retag(MeterRegistry registry) {
		List<Watched> moved = new ArrayList<>();
		this.gauges.entrySet().removeIf((entry) -> {
			Watched watched = entry.getValue();
			String index = String.valueOf(watched.pool().members().indexOf(watched.member()));
			if (index.equals(entry.getKey().getTag("member"))) {
				return false;
			}
			moved.add(watched);
			registry.remove(entry.getKey());
			return true;
		});
		moved.forEach((watched) -> watch(registry, watched));
	}

	private record Watched(ProxyPool pool, String exchange, PoolMember member) {
	}

}
