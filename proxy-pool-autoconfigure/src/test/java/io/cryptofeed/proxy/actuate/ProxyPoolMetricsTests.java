package io.cryptofeed.proxy.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.TriedMembers;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Meters on a real registry, reading real pools; bound, rebound and unbound as pools change. */
class ProxyPoolMetricsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final ProxyPools pools = TestPools.of(Map.of("binance/http",
			List.of("http://127.0.0.1:3128", "socks5://feed:" + TestPools.CANARY + "@127.0.0.2:1080")));

	private final ProxyPool pool = this.pools.pools().get(new PoolKey("binance", ConnectionType.HTTP));

	private final ProxyPoolMetrics metrics = new ProxyPoolMetrics(this.registry, PoolMember::activeLeases);

	@Test
	void everyMeterIsRegisteredWithPoolAndMemberTags() {
		this.metrics.bind(this.pool);
		assertThat(this.registry.get(ProxyPoolMetrics.SELECTIONS)
			.tags("exchange", "binance", "type", "http", "proxy", "127.0.0.2:1080", "strategy", "round-robin",
					"outcome", "failure")
			.functionCounter()
			.count()).isZero();
		assertThat(this.registry.get(ProxyPoolMetrics.CONNECTIONS_ACTIVE).gauges()).hasSize(2);
		assertThat(this.registry.get(ProxyPoolMetrics.MEMBER_AVAILABLE).gauges()).hasSize(2);
		assertThat(this.registry.get(ProxyPoolMetrics.MEMBER_HEALTHY).gauges()).hasSize(2);
		assertThat(this.registry.get(ProxyPoolMetrics.MEMBER_ENABLED).gauges()).hasSize(2);
		assertThat(this.registry.get(ProxyPoolMetrics.POOL_AVAILABLE).tags("exchange", "binance").gauge().value())
			.isEqualTo(2);
		assertThat(this.registry.get(ProxyPoolMetrics.FAILOVERS).functionCounter().count()).isZero();
		assertThat(this.registry.get(ProxyPoolMetrics.PANIC).functionCounter().count()).isZero();
		assertThat(this.registry.get(ProxyPoolMetrics.CONNECTIONS_CUT).functionCounter().count()).isZero();
		assertThat(this.registry.get(ProxyPoolMetrics.HEALTH_CHECK).timers()).hasSize(2);
	}

	/** Its HELP line names every kind of connection it counts and both reasons, as operations.md does. */
	@Test
	void theCutConnectionsMeterSaysWhatItCounts() {
		this.metrics.bind(this.pool);
		assertThat(this.registry.get(ProxyPoolMetrics.CONNECTIONS_CUT).functionCounter().getId().getDescription())
			.contains("WebSocket sessions", "opening handshakes", "requests", "member failed", "reload removed");
	}

	@Test
	void metersReadTheLiveState() {
		this.metrics.bind(this.pool);
		PoolMember first = this.pool.members().get(0);
		PoolMember second = this.pool.members().get(1);
		Lease lease = this.pool.select(triedWith(first));
		lease.connectFailed();
		this.pool.select().connectSucceeded();
		this.pool.setUnavailable(first, Unavailability.UNHEALTHY, true);
		this.pool.setUnavailable(second, Unavailability.CIRCUIT_OPEN, true);
		this.pool.quietConnectionCut();

		double failures = this.registry.get(ProxyPoolMetrics.SELECTIONS).tags("outcome", "failure").functionCounters()
			.stream().mapToDouble((c) -> c.count()).sum();
		double successes = this.registry.get(ProxyPoolMetrics.SELECTIONS).tags("outcome", "success").functionCounters()
			.stream().mapToDouble((c) -> c.count()).sum();
		assertThat(failures).isOne();
		assertThat(successes).isOne();
		assertThat(this.registry.get(ProxyPoolMetrics.FAILOVERS).functionCounter().count()).isOne();
		assertThat(gauge(ProxyPoolMetrics.MEMBER_HEALTHY, "127.0.0.1:3128")).isZero();
		assertThat(gauge(ProxyPoolMetrics.MEMBER_AVAILABLE, "127.0.0.1:3128")).isZero();
		assertThat(gauge(ProxyPoolMetrics.MEMBER_HEALTHY, "127.0.0.2:1080")).isOne();
		assertThat(gauge(ProxyPoolMetrics.MEMBER_AVAILABLE, "127.0.0.2:1080")).isZero();
		assertThat(this.registry.get(ProxyPoolMetrics.POOL_AVAILABLE).gauge().value()).isZero();
		assertThat(this.registry.get(ProxyPoolMetrics.PANIC).functionCounter().count()).isOne();
		assertThat(this.registry.get(ProxyPoolMetrics.CONNECTIONS_CUT).functionCounter().count()).isOne();
	}

	@Test
	void healthChecksAreTimedByResult() {
		this.metrics.bind(this.pool);
		PoolMember member = this.pool.members().get(0);
		this.metrics.checkCompleted(this.pool, member, Duration.ofMillis(40), true);
		this.metrics.checkCompleted(this.pool, member, Duration.ofMillis(60), true);
		this.metrics.checkCompleted(this.pool, member, Duration.ofSeconds(5), false);
		assertThat(this.registry.get(ProxyPoolMetrics.HEALTH_CHECK).tags("result", "passed").timer().count())
			.isEqualTo(2);
		assertThat(this.registry.get(ProxyPoolMetrics.HEALTH_CHECK)
			.tags("result", "failed")
			.timer()
			.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(5.0);
	}

	@Test
	void bindingAgainIsHarmlessAndUnbindingRemovesEveryMeter() {
		this.metrics.bind(this.pool);
		List<Meter> bound = this.registry.getMeters();
		this.metrics.bind(this.pool);
		assertThat(this.registry.getMeters()).hasSameSizeAs(bound).containsExactlyInAnyOrderElementsOf(bound);
		this.metrics.unbind(this.pool);
		assertThat(this.registry.getMeters()).isEmpty();
	}

	@Test
	void aPoolReplacedUnderItsKeyTakesItsMetersAndMembersThatLeftLoseTheirs() {
		this.metrics.bind(this.pool);
		ProxyPool replacement = TestPools.of(Map.of("binance/http", List.of("http://127.0.0.1:3128",
				"http://127.0.0.3:3128"))).pools().get(this.pool.key());
		this.metrics.bind(replacement);
		assertThat(proxyTags(ProxyPoolMetrics.MEMBER_AVAILABLE)).containsExactlyInAnyOrder("127.0.0.1:3128",
				"127.0.0.3:3128");
		assertThat(proxyTags(ProxyPoolMetrics.SELECTIONS)).containsOnly("127.0.0.1:3128", "127.0.0.3:3128");
		// the meters read the new members, not the old ones with the same address
		replacement.setUnavailable(replacement.members().get(0), Unavailability.DRAINED, true);
		assertThat(gauge(ProxyPoolMetrics.MEMBER_AVAILABLE, "127.0.0.1:3128")).isZero();
		assertThat(this.registry.get(ProxyPoolMetrics.POOL_AVAILABLE).gauge().value()).isOne();
		// unbinding the replaced pool late must not take the new one's meters
		this.metrics.unbind(this.pool);
		assertThat(proxyTags(ProxyPoolMetrics.MEMBER_AVAILABLE)).hasSize(2);
		this.metrics.close();
		assertThat(this.registry.getMeters()).isEmpty();
	}

	@Test
	void membersSharingAnAddressAreToldApartByTheirIndex() {
		ProxyPool shared = TestPools.of(Map.of("default/websocket",
				List.of("socks5://a:" + TestPools.CANARY + "@127.0.0.5:1080",
						"socks5://b:" + TestPools.CANARY + "@127.0.0.5:1080")))
			.pools()
			.values()
			.iterator()
			.next();
		this.metrics.bind(shared);
		assertThat(proxyTags(ProxyPoolMetrics.CONNECTIONS_ACTIVE)).containsExactlyInAnyOrder("127.0.0.5:1080#0",
				"127.0.0.5:1080#1");
	}

	/**
	 * Members parked with {@code enabled: false} read 0 on {@code member.enabled}, a drained one
	 * 1: operations.md's ProxyPoolHalfGone rule divides the available members by the enabled
	 * ones, so two of three parked is no alert, and the third drained is.
	 */
	@Test
	void theEnabledGaugeTellsMembersDisabledByConfigurationFromDrainedOnes() {
		ProxyPool pool = ProxyPools.of(List.of(new PoolSpec(new PoolKey("okx", ConnectionType.HTTP),
				PoolSpec.Origin.POOL,
				List.of(MemberSpec.of(ProxyEndpoint.parse("http://127.0.0.7:3128")),
						new MemberSpec(ProxyEndpoint.parse("http://127.0.0.8:3128"), 1, false, Map.of()),
						new MemberSpec(ProxyEndpoint.parse("http://127.0.0.9:3128"), 1, false, Map.of())),
				"round-robin", Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create)
			.pools()
			.values()
			.iterator()
			.next();
		this.metrics.bind(pool);

		assertThat(gauge(ProxyPoolMetrics.MEMBER_ENABLED, "127.0.0.7:3128")).isOne();
		assertThat(gauge(ProxyPoolMetrics.MEMBER_ENABLED, "127.0.0.8:3128")).isZero();
		assertThat(gauge(ProxyPoolMetrics.MEMBER_ENABLED, "127.0.0.9:3128")).isZero();
		assertThat(availableShareOfEnabled()).isOne();

		pool.setUnavailable(pool.members().get(0), Unavailability.DRAINED, true);
		assertThat(gauge(ProxyPoolMetrics.MEMBER_ENABLED, "127.0.0.7:3128")).as("drained, still enabled").isOne();
		assertThat(availableShareOfEnabled()).isZero();
	}

	/**
	 * A reload that disables a member and one that enables it again: its gauges follow, it
	 * keeps its series, and no series is added or left behind.
	 */
	@Test
	void aReloadThatDisablesAMemberAndEnablesItAgainMovesItsGaugesOnTheSameSeries() {
		this.pools.pools().values().forEach(this.metrics::bind);
		this.pools.addPoolsListener(this.metrics);
		List<Meter> bound = this.registry.getMeters();

		reloadWithSecondMemberEnabled(false);
		assertThat(gauge(ProxyPoolMetrics.MEMBER_ENABLED, "127.0.0.2:1080")).isZero();
		assertThat(gauge(ProxyPoolMetrics.MEMBER_AVAILABLE, "127.0.0.2:1080")).isZero();
		assertThat(gauge(ProxyPoolMetrics.MEMBER_ENABLED, "127.0.0.1:3128")).isOne();
		assertThat(this.registry.get(ProxyPoolMetrics.POOL_AVAILABLE).gauge().value()).isOne();
		assertThat(availableShareOfEnabled()).isOne();
		assertThat(this.registry.getMeters()).containsExactlyInAnyOrderElementsOf(bound);

		reloadWithSecondMemberEnabled(true);
		assertThat(gauge(ProxyPoolMetrics.MEMBER_ENABLED, "127.0.0.2:1080")).isOne();
		assertThat(gauge(ProxyPoolMetrics.MEMBER_AVAILABLE, "127.0.0.2:1080")).isOne();
		assertThat(this.registry.get(ProxyPoolMetrics.POOL_AVAILABLE).gauge().value()).isEqualTo(2);
		assertThat(this.registry.getMeters()).containsExactlyInAnyOrderElementsOf(bound);
	}

	private void reloadWithSecondMemberEnabled(boolean enabled) {
		List<MemberSpec> members = List.of(MemberSpec.of(this.pool.members().get(0).endpoint()),
				new MemberSpec(this.pool.members().get(1).endpoint(), 1, enabled, Map.of()));
		this.pools.reconcile(List.of(new PoolSpec(this.pool.key(), PoolSpec.Origin.POOL, members, "round-robin",
				Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);
	}

	/** What ProxyPoolHalfGone compares with 0.5: the available members over the enabled ones. */
	private double availableShareOfEnabled() {
		return sum(ProxyPoolMetrics.MEMBER_AVAILABLE) / sum(ProxyPoolMetrics.MEMBER_ENABLED);
	}

	private double sum(String gauge) {
		return this.registry.find(gauge).gauges().stream().mapToDouble((g) -> g.value()).sum();
	}

	/**
	 * A reload that drops a pool's key and a later one that configures it again make a new
	 * pool: its counters go on from the last one's, since a scraper reads a drop as a reset.
	 */
	@Test
	void aPoolMadeAgainForItsKeyCountsOnFromTheLastOne() {
		this.pools.pools().values().forEach(this.metrics::bind);
		this.pools.addPoolsListener(this.metrics);
		this.pool.select(triedWith(this.pool.members().get(0))).connectFailed();
		this.pool.failedOver();
		this.pool.members().forEach((member) -> this.pool.setUnavailable(member, Unavailability.UNHEALTHY, true));
		this.pool.quietConnectionCut();
		List<MemberSpec> members = this.pool.members().stream().map((member) -> MemberSpec.of(member.endpoint())).toList();

		this.pools.reconcile(List.of(), Map.of(), SelectionStrategies.builtIn()::create);
		// a connection through the closed pool still counts, on its key's series
		this.pool.quietConnectionCut();
		this.pools.reconcile(List.of(new PoolSpec(this.pool.key(), PoolSpec.Origin.POOL, members, "random",
				Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);
		ProxyPool again = this.pools.pools().get(this.pool.key());
		assertThat(again).isNotSameAs(this.pool);
		again.failedOver();

		assertThat(this.registry.get(ProxyPoolMetrics.FAILOVERS).functionCounter().count()).isEqualTo(3);
		assertThat(this.registry.get(ProxyPoolMetrics.PANIC).functionCounter().count()).isOne();
		assertThat(this.registry.get(ProxyPoolMetrics.CONNECTIONS_CUT).functionCounter().count()).isEqualTo(2);
	}

	/** A reload that changes a pool's members and strategy keeps the pool, and its counts with it. */
	@Test
	void aReloadThatChangesMembersAndStrategyKeepsThePoolsCounts() {
		this.pools.pools().values().forEach(this.metrics::bind);
		this.pools.addPoolsListener(this.metrics);
		this.pool.failedOver();

		this.pools.reconcile(List.of(new PoolSpec(this.pool.key(), PoolSpec.Origin.POOL,
				List.of(MemberSpec.of(ProxyEndpoint.parse("http://127.0.0.3:3128"))), "random", Duration.ofSeconds(30))),
				Map.of(), SelectionStrategies.builtIn()::create);

		assertThat(this.registry.get(ProxyPoolMetrics.FAILOVERS).functionCounter().count()).isOne();
	}

	@Test
	void aReloadThatOnlyChangesTheStrategyRetagsTheMembersSelections() {
		this.pools.pools().values().forEach(this.metrics::bind);
		this.pools.addPoolsListener(this.metrics);
		List<MemberSpec> sameMembers = this.pool.members()
			.stream()
			.map((member) -> new MemberSpec(member.endpoint(), member.weight(), member.enabled(), member.metadata()))
			.toList();

		this.pools.reconcile(List.of(new PoolSpec(this.pool.key(), PoolSpec.Origin.POOL, sameMembers, "random",
				Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);

		assertThat(this.pool.strategyName()).isEqualTo("random");
		assertThat(this.registry.find(ProxyPoolMetrics.SELECTIONS).meters()).hasSize(4)
			.allSatisfy((meter) -> assertThat(meter.getId().getTag("strategy")).isEqualTo("random"));
	}

	@Test
	void aReloadThatOnlyReordersMembersSharingAnAddressKeepsEachIdOnItsProxy() {
		ProxyPools shared = TestPools.of(Map.of("default/websocket",
				List.of("socks5://a:" + TestPools.CANARY + "@127.0.0.5:1080",
						"socks5://b:" + TestPools.CANARY + "@127.0.0.5:1080")));
		ProxyPool pool = shared.pools().values().iterator().next();
		shared.pools().values().forEach(this.metrics::bind);
		shared.addPoolsListener(this.metrics);
		PoolMember a = pool.members().get(0);
		List<MemberSpec> swapped = List.of(pool.members().get(1), a)
			.stream()
			.map((member) -> MemberSpec.of(member.endpoint()))
			.toList();

		shared.reconcile(List.of(new PoolSpec(pool.key(), PoolSpec.Origin.POOL, swapped, "round-robin",
				Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);
		pool.setUnavailable(a, Unavailability.UNHEALTHY, true);

		// a is pool[1] now, and keeps its id, #0, and the series that goes with it
		assertThat(pool.members().get(1)).isSameAs(a);
		assertThat(gauge(ProxyPoolMetrics.MEMBER_HEALTHY, "127.0.0.5:1080#0")).isZero();
		assertThat(gauge(ProxyPoolMetrics.MEMBER_HEALTHY, "127.0.0.5:1080#1")).isOne();
	}

	@Test
	void noTagHoldsACredential() {
		this.metrics.bind(this.pool);
		assertThat(this.registry.getMeters()).isNotEmpty()
			.flatMap((meter) -> meter.getId().getTags())
			.extracting(Tag::getValue)
			.noneMatch((value) -> value.contains(TestPools.CANARY) || value.contains("feed") || value.contains("@"));
	}

	private double gauge(String name, String proxy) {
		return this.registry.get(name).tags("proxy", proxy).gauge().value();
	}

	private List<String> proxyTags(String name) {
		return this.registry.find(name).meters().stream().map((meter) -> meter.getId().getTag("proxy")).toList();
	}

	private static TriedMembers triedWith(PoolMember member) {
		TriedMembers tried = new TriedMembers();
		tried.add(member);
		return tried;
	}

}
