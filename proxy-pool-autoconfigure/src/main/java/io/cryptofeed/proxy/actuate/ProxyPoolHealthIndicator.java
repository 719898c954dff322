package io.cryptofeed.proxy.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The pools' part of {@code /actuator/health}: {@code UP} while every pool has an available
 * member, otherwise a configurable status ({@code DOWN} by default). Details hold numbers per
 * pool, read from the pools as they are at each call.
 */
public final class ProxyPoolHealthIndicator implements HealthIndicator {

	private final ProxyPools pools;

	private final Supplier<Status> withoutAvailableMember;

	/**
	 * @param pools the pools to report on
	 * @param withoutAvailableMember the status when some pool has no available member
	 */
	public ProxyPoolHealthIndicator(ProxyPools pools, Status withoutAvailableMember) {
		this(pools, () -> withoutAvailableMember);
	}

	/**
	 * @param pools the pools to report on
	 * @param withoutAvailableMember the status when some pool has no available member, asked
	 * at each report, so that a refreshed setting applies to the next one
	 */
	public ProxyPoolHealthIndicator(ProxyPools pools, Supplier<Status> withoutAvailableMember) {
		this.pools = pools;
		this.withoutAvailableMember = withoutAvailableMember;
	}

	@Override
	public Health health() {
		Status status = Status.UP;
		Map<String, Object> details = new LinkedHashMap<>();
		for (ProxyPool pool : this.pools.pools().values()) {
			Counts counts = Counts.of(pool);
			if (counts.available == 0) {
				status = this.withoutAvailableMember.get();
			}
			details.put(pool.key().toString(), counts.asMap());
		}
		return Health.status(status).withDetails(details).build();
	}

	/** Member numbers of one pool. */
	private static final class Counts {

		int members;

		int available;

		int unhealthy;

		int openBreakers;

		int drained;

		/** Set {@code enabled: false}: not available either, on purpose. */
		int disabled;

		static Counts of(ProxyPool pool) {
			Counts counts = new Counts();
			for (PoolMember member : pool.members()) {
				counts.members++;
				counts.available += member.isAvailable() ? 1 : 0;
				counts.unhealthy += member.isSetAsideFor(Unavailability.UNHEALTHY) ? 1 : 0;
				counts.openBreakers += member.isSetAsideFor(Unavailability.CIRCUIT_OPEN) ? 1 : 0;
				counts.drained += member.isSetAsideFor(Unavailability.DRAINED) ? 1 : 0;
				counts.disabled += member.enabled() ? 0 : 1;
			}
			return counts;
		}

		Map<String, Integer> asMap() {
			Map<String, Integer> map = new LinkedHashMap<>();
			map.put("members", this.members);
			map.put("available", this.available);
			map.put("unhealthy", this.unhealthy);
			map.put("openBreakers", this.openBreakers);
			map.put("drained", this.drained);
			map.put("disabled", this.disabled);
			return map;
		}

	}

}
