package io.cryptofeed.proxy.actuate;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ratelimit.Cooldown;
import io.cryptofeed.proxy.core.ratelimit.CooldownListener;
import io.cryptofeed.proxy.core.ratelimit.ExchangeLimits;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Cooldowns as meters: {@value #COOLDOWNS} counts the cooldowns that began, by exchange and
 * status; {@value #REMAINING} tells, per member and exchange, the seconds it still rests.
 * A member's gauge appears with its first cooldown for that exchange, tagged with its pool,
 * its position there (members behind one gateway may share an address) and {@code proxy}
 * = {@code host:port}, which never holds a credential.
 */
public final class CooldownMetrics implements MeterBinder {

	static final String COOLDOWNS = "cryptofeed.proxy.cooldowns";

	static final String REMAINING = "cryptofeed.proxy.cooldown.remaining";

	private final RateLimits rateLimits;

	/** Each member's remaining-cooldown gauges, removed with the member. */
	private final Map<PoolMember, Set<Meter.Id>> gauges = new ConcurrentHashMap<>();

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
				Set<Meter.Id> ids = CooldownMetrics.this.gauges.remove(member);
				if (ids != null) {
					ids.forEach(registry::remove);
				}
			}

		});
	}

	private void record(MeterRegistry registry, Cooldown cooldown) {
		Counter.builder(COOLDOWNS)
			.description("Cooldowns of pool members that an exchange rate-limited, banned or geo-blocked")
			.tags("exchange", cooldown.exchange(), "status", String.valueOf(cooldown.status()))
			.register(registry)
			.increment();
		PoolMember member = cooldown.member();
		ExchangeLimits limits = this.rateLimits.forExchange(cooldown.exchange());
		// registering an existing gauge again returns it: cheap, and cooldowns are rare
		Gauge gauge = Gauge.builder(REMAINING, limits, (exchange) -> exchange.remainingCooldownSeconds(member))
			.description("Seconds a pool member still rests for an exchange")
			.baseUnit("seconds")
			.tags(Tags.of("exchange", cooldown.exchange(), "pool", cooldown.pool().key().toString(), "member",
					String.valueOf(cooldown.pool().members().indexOf(member)), "proxy",
					member.endpoint().hostAndPort()))
			.strongReference(true)
			.register(registry);
		this.gauges.computeIfAbsent(member, (m) -> ConcurrentHashMap.newKeySet()).add(gauge.getId());
	}

}
