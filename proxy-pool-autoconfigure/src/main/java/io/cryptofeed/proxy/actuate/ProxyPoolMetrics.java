package io.cryptofeed.proxy.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolsChange;
import io.cryptofeed.proxy.core.PoolsListener;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.health.HealthListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The pools' Micrometer meters. Counts live in the pools and members themselves and meters
 * only read them when the registry publishes, so connecting costs no meter lookup. Tags name
 * the pool ({@code exchange}, {@code type}) and the member ({@code proxy}: its id from
 * {@link MemberIds}, never a credential).
 *
 * <p>Pools and members may come and go at runtime: {@link #bind(ProxyPool)} registers a pool's
 * meters and, called again after its members changed, removes the meters of members that
 * left; {@link #unbind(ProxyPool)} removes them all.
 */
public final class ProxyPoolMetrics implements HealthListener, PoolsListener, AutoCloseable {

	/** New connections through a member, by {@code outcome} ({@code success}, {@code failure}). */
	public static final String SELECTIONS = "cryptofeed.proxy.selections";

	/** Selections for a connection that had already tried another member of the pool. */
	public static final String FAILOVERS = "cryptofeed.proxy.failovers";

	/** Connections open through a member. */
	public static final String CONNECTIONS_ACTIVE = "cryptofeed.proxy.connections.active";

	/** 1 while selection may choose the member, else 0. */
	public static final String MEMBER_AVAILABLE = "cryptofeed.proxy.member.available";

	/** 1 while configuration lets the member be selected ({@code enabled: true}), else 0. */
	public static final String MEMBER_ENABLED = "cryptofeed.proxy.member.enabled";

	/** 1 while the member passes its health checks (or is not checked), else 0. */
	public static final String MEMBER_HEALTHY = "cryptofeed.proxy.member.healthy";

	/** Members of the pool that selection may choose. */
	public static final String POOL_AVAILABLE = "cryptofeed.proxy.pool.available";

	/** Health checks of the pool's members, by {@code result} ({@code passed}, {@code failed}). */
	public static final String HEALTH_CHECK = "cryptofeed.proxy.health.check";

	/** Times the pool entered panic mode. */
	public static final String PANIC = "cryptofeed.proxy.panic";

	/**
	 * WebSocket sessions closed, and opening handshakes and requests failed, because they read
	 * nothing while their member failed or after a reload removed or disabled it.
	 */
	public static final String CONNECTIONS_CUT = "cryptofeed.proxy.connections.cut";

	private final MeterRegistry registry;

	private final ToIntFunction<PoolMember> openConnections;

	private final Map<PoolKey, PoolMeters> bound = new ConcurrentHashMap<>();

	/**
	 * @param registry where the meters go
	 * @param openConnections the connections open through a member
	 */
	public ProxyPoolMetrics(MeterRegistry registry, ToIntFunction<PoolMember> openConnections) {
		this.registry = registry;
		this.openConnections = openConnections;
	}

	/**
	 * Registers the pool's meters and its members', or brings them up to date: members that
	 * left lose their meters, new ones get theirs, kept ones keep them. A new pool object
	 * under a bound key replaces the old one's pool meters.
	 */
	public synchronized void bind(ProxyPool pool) {
		PoolMeters meters = this.bound.get(pool.key());
		if (meters == null || meters.pool != pool) {
			// removed before registering: a registry hands back the old meter for an equal id
			if (meters != null) {
				meters.removePoolMeters();
			}
			PoolMeters replacement = new PoolMeters(pool);
			if (meters != null) {
				replacement.members.putAll(meters.members);
			}
			meters = replacement;
			this.bound.put(pool.key(), meters);
		}
		meters.bindMembers();
	}

	/**
	 * Removes every meter of the pool and its members. Nothing happens when another pool
	 * object has been bound under its key since: that one keeps its meters.
	 */
	public synchronized void unbind(ProxyPool pool) {
		PoolMeters meters = this.bound.get(pool.key());
		if (meters != null && meters.pool == pool) {
			this.bound.remove(pool.key());
			meters.removePoolMeters();
			meters.members.values().forEach((member) -> remove(member.meters));
		}
	}

	/**
	 * A reload: removed pools lose their meters, the others are brought up to date. Kept pools
	 * are too, even when no member came or went: a new strategy or a new order of members
	 * sharing an address changes their tags.
	 */
	@Override
	public synchronized void poolsChanged(PoolsChange change) {
		change.removedPools().forEach(this::unbind);
		Set<ProxyPool> changed = new LinkedHashSet<>(change.addedPools());
		this.bound.values().forEach((meters) -> changed.add(meters.pool));
		change.addedMembers().forEach((added) -> changed.add(added.pool()));
		change.removedMembers().forEach((removed) -> changed.add(removed.pool()));
		change.removedPools().forEach(changed::remove);
		changed.forEach(this::bind);
	}

	@Override
	public void checkCompleted(ProxyPool pool, PoolMember member, Duration elapsed, boolean passed) {
		PoolMeters meters = this.bound.get(pool.key());
		if (meters != null) {
			(passed ? meters.checksPassed : meters.checksFailed).record(elapsed);
		}
	}

	/** Removes every meter this binder registered. */
	@Override
	public synchronized void close() {
		List.copyOf(this.bound.values()).forEach((meters) -> unbind(meters.pool));
	}

	private void remove(List<Meter> meters) {
		meters.forEach(this.registry::remove);
	}

	private static Tags poolTags(ProxyPool pool) {
		return Tags.of("exchange", pool.key().settings(), "type", pool.key().type().id());
	}

	private static double available(ProxyPool pool) {
		int available = 0;
		for (PoolMember member : pool.members()) {
			available += member.isAvailable() ? 1 : 0;
		}
		return available;
	}

	/** The meters of one member and what their tags were made of. */
	private record MemberMeters(Tags tags, String strategy, List<Meter> meters) {

		boolean carry(Tags tags, String strategy) {
			return this.tags.equals(tags) && this.strategy.equals(strategy);
		}

	}

	/** The meters of one bound pool. */
	private final class PoolMeters {

		final ProxyPool pool;

		final Tags tags;

		final List<Meter> poolMeters = new ArrayList<>();

		final Timer checksPassed;

		final Timer checksFailed;

		/** Each member's meters, by identity: a member kept across a reload keeps them. */
		final Map<PoolMember, MemberMeters> members = new IdentityHashMap<>();

		PoolMeters(ProxyPool pool) {
			MeterRegistry registry = ProxyPoolMetrics.this.registry;
			this.pool = pool;
			this.tags = poolTags(pool);
			this.poolMeters.add(Gauge.builder(POOL_AVAILABLE, pool, ProxyPoolMetrics::available)
				.tags(this.tags)
				.description("Members of the pool that selection may choose")
				.register(registry));
			this.poolMeters.add(FunctionCounter.builder(FAILOVERS, pool, ProxyPool::failovers)
				.tags(this.tags)
				.description("Selections for a connection that had already tried another member")
				.register(registry));
			this.poolMeters.add(FunctionCounter.builder(PANIC, pool, ProxyPool::panicEpisodes)
				.tags(this.tags)
				.description("Times the pool entered panic mode: no member available")
				.register(registry));
			this.poolMeters.add(FunctionCounter.builder(CONNECTIONS_CUT, pool, ProxyPool::quietConnectionsCut)
				.tags(this.tags)
				.description("WebSocket sessions closed, and opening handshakes and requests failed, because they "
						+ "read nothing while their member failed or after a reload removed or disabled it")
				.register(registry));
			this.checksPassed = timer("passed");
			this.checksFailed = timer("failed");
		}

		private Timer timer(String result) {
			Timer timer = Timer.builder(HEALTH_CHECK)
				.tags(this.tags)
				.tag("result", result)
				.description("Health checks of the pool's members, retries included")
				.register(ProxyPoolMetrics.this.registry);
			this.poolMeters.add(timer);
			return timer;
		}

		void removePoolMeters() {
			remove(this.poolMeters);
		}

		void bindMembers() {
			List<PoolMember> current = this.pool.members();
			List<String> ids = MemberIds.of(current);
			String strategy = this.pool.strategyName();
			Map<PoolMember, MemberMeters> kept = new IdentityHashMap<>();
			for (int i = 0; i < current.size(); i++) {
				MemberMeters meters = this.members.remove(current.get(i));
				if (meters != null && meters.carry(this.tags.and("proxy", ids.get(i)), strategy)) {
					kept.put(current.get(i), meters);
				}
				else if (meters != null) {
					// its id or the pool's strategy changed: the meters must carry the new tags
					this.members.put(current.get(i), meters);
				}
			}
			// members that left, or whose tags changed, lose their meters before any is registered
			this.members.values().forEach((left) -> remove(left.meters));
			this.members.clear();
			for (int i = 0; i < current.size(); i++) {
				PoolMember member = current.get(i);
				MemberMeters meters = kept.get(member);
				if (meters == null) {
					Tags tags = this.tags.and("proxy", ids.get(i));
					meters = new MemberMeters(tags, strategy, register(member, tags, strategy));
				}
				this.members.put(member, meters);
			}
		}

		private List<Meter> register(PoolMember member, Tags tags, String strategy) {
			MeterRegistry registry = ProxyPoolMetrics.this.registry;
			ToIntFunction<PoolMember> open = ProxyPoolMetrics.this.openConnections;
			Tags selections = tags.and("strategy", strategy);
			return List.of(
					FunctionCounter.builder(SELECTIONS, member, PoolMember::succeededConnects)
						.tags(selections)
						.tag("outcome", "success")
						.description("New connections through the member")
						.register(registry),
					FunctionCounter.builder(SELECTIONS, member, PoolMember::failedConnects)
						.tags(selections)
						.tag("outcome", "failure")
						.description("New connections through the member")
						.register(registry),
					Gauge.builder(CONNECTIONS_ACTIVE, member, open::applyAsInt)
						.tags(tags)
						.description("Connections open through the member, idle pooled ones included")
						.register(registry),
					Gauge.builder(MEMBER_AVAILABLE, member, (m) -> m.isAvailable() ? 1 : 0)
						.tags(tags)
						.description("1 while selection may choose the member")
						.register(registry),
					// read at each publish, so a reload that flips the flag moves it on the same series
					Gauge.builder(MEMBER_ENABLED, member, (m) -> m.enabled() ? 1 : 0)
						.tags(tags)
						.description("1 while configuration lets the member be selected (enabled: true)")
						.register(registry),
					Gauge.builder(MEMBER_HEALTHY, member, (m) -> m.isSetAsideFor(Unavailability.UNHEALTHY) ? 0 : 1)
						.tags(tags)
						.description("1 while the member passes its health checks")
						.register(registry));
		}

	}

}
