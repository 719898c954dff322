package io.cryptofeed.proxy.breaker;

import java.time.Duration;
import java.util.List;

import io.cryptofeed.proxy.actuate.CircuitBreakerMetrics;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Breakers follow members through reloads: kept ones keep theirs, removed ones leave the registry. */
class MemberCircuitBreakersReloadTests {

	private static final PoolKey KEY = BreakerTestPools.KEY;

	private final ProxyPools pools = BreakerTestPools.pools(members("a", "b"));

	private final MemberCircuitBreakers breakers = BreakerTestPools.openingAfterTwoFailures(this.pools);

	@AfterEach
	void close() {
		this.breakers.close();
	}

	@Test
	void aKeptMemberKeepsItsOpenBreakerAndNewMembersGetOneRemovedOnesLoseTheirs() {
		ProxyPool pool = this.pools.pools().get(KEY);
		PoolMember a = pool.members().get(0);
		PoolMember b = pool.members().get(1);
		CircuitBreaker breakerOfA = this.breakers.breakerOf(a);
		this.breakers.failed(pool, a, Duration.ofMillis(5), new IllegalStateException("refused"));
		this.breakers.failed(pool, a, Duration.ofMillis(5), new IllegalStateException("refused"));
		assertThat(breakerOfA.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		String nameOfB = this.breakers.breakerOf(b).getName();

		BreakerTestPools.reload(this.pools, members("a", "c"));
		PoolMember c = pool.members().get(1);

		assertThat(this.breakers.breakerOf(a)).isSameAs(breakerOfA);
		assertThat(a.isSetAsideFor(Unavailability.CIRCUIT_OPEN)).isTrue();
		assertThat(this.breakers.breakerOf(b)).isNull();
		assertThat(this.breakers.registry().find(nameOfB)).isEmpty();
		assertThat(this.breakers.breakerOf(c)).isNotNull();
		assertThat(this.breakers.registry().getAllCircuitBreakers()).hasSize(2);
	}

	@Test
	void newBreakerSettingsApplyToMembersThatJoinAfterThem() {
		this.breakers.reconfigure(new BreakerSettings(50, 20, 10, Duration.ofMinutes(5), 1));
		BreakerTestPools.reload(this.pools, members("a", "b", "c"));
		ProxyPool pool = this.pools.pools().get(KEY);

		assertThat(this.breakers.breakerOf(pool.members().get(0)).getCircuitBreakerConfig().getSlidingWindowSize())
			.isEqualTo(2);
		assertThat(this.breakers.breakerOf(pool.members().get(2)).getCircuitBreakerConfig().getSlidingWindowSize())
			.isEqualTo(20);
	}

	@Test
	void namesStayUniqueWhenMembersDifferOnlyInTheirUserName() {
		BreakerTestPools.reload(this.pools, members("u1", "u2"));
		BreakerTestPools.reload(this.pools, members("u2"));
		BreakerTestPools.reload(this.pools, members("u2", "u3"));
		ProxyPool pool = this.pools.pools().get(KEY);

		CircuitBreaker second = this.breakers.breakerOf(pool.members().get(0));
		CircuitBreaker third = this.breakers.breakerOf(pool.members().get(1));
		assertThat(second).isNotSameAs(third);
		assertThat(second.getName()).doesNotContain("secret");
	}

	/**
	 * A password rotated by a reload keeps the member, so its breaker and its meters stay; the
	 * breaker, open on the old password's rejections, goes half-open for trials with the new
	 * one. A removed member's meters go with its breaker.
	 */
	@Test
	void aRotatedPasswordKeepsTheBreakerAndItsMetersHalfOpenARemovedMembersMetersGo() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		new CircuitBreakerMetrics(this.breakers, meters);
		ProxyPool pool = this.pools.pools().get(KEY);
		PoolMember a = pool.members().get(0);
		CircuitBreaker breakerOfA = this.breakers.breakerOf(a);
		String nameOfB = this.breakers.breakerOf(pool.members().get(1)).getName();
		this.breakers.failed(pool, a, Duration.ofMillis(5), new IllegalStateException("refused"));
		this.breakers.failed(pool, a, Duration.ofMillis(5), new IllegalStateException("refused"));

		BreakerTestPools.reload(this.pools, List.of(MemberSpec.of(ProxyEndpoint.parse("socks5://a:rotated@127.0.0.1:1080"))));

		assertThat(pool.members()).containsExactly(a);
		assertThat(a.endpoint().password()).isEqualTo("rotated");
		assertThat(this.breakers.breakerOf(a)).isSameAs(breakerOfA);
		assertThat(breakerOfA.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		assertThat(a.isSetAsideFor(Unavailability.CIRCUIT_OPEN)).isFalse();
		assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", breakerOfA.getName()).gauges())
			.isNotEmpty();
		assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", nameOfB).gauges()).isEmpty();
		assertThat(meters.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags().toString())
			.doesNotContain("secret", "rotated"));
	}

	/**
	 * A closed breaker forgets the old password's failures too: with them, the first success
	 * with the new one made a failure rate at the threshold, and opened it.
	 */
	@Test
	void aRotatedPasswordEmptiesAClosedBreakersWindow() {
		ProxyPool pool = this.pools.pools().get(KEY);
		PoolMember a = pool.members().get(0);
		CircuitBreaker breakerOfA = this.breakers.breakerOf(a);
		this.breakers.failed(pool, a, Duration.ofMillis(5), new IllegalStateException("407"));

		BreakerTestPools.reload(this.pools,
				List.of(MemberSpec.of(ProxyEndpoint.parse("socks5://a:rotated@127.0.0.1:1080")), member("b")));
		this.breakers.succeeded(pool, a, Duration.ofMillis(5));

		assertThat(breakerOfA.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(breakerOfA.getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(breakerOfA.getMetrics().getNumberOfSuccessfulCalls()).isOne();
	}

	/** Only a new password is news to a breaker: a new weight or metadata leaves its state and window alone. */
	@Test
	void aReloadThatChangesOnlyWeightAndMetadataLeavesTheBreakerAlone() {
		ProxyPool pool = this.pools.pools().get(KEY);
		PoolMember a = pool.members().get(0);
		PoolMember b = pool.members().get(1);
		this.breakers.failed(pool, a, Duration.ofMillis(5), new IllegalStateException("refused"));
		this.breakers.failed(pool, a, Duration.ofMillis(5), new IllegalStateException("refused"));
		this.breakers.failed(pool, b, Duration.ofMillis(5), new IllegalStateException("refused"));

		BreakerTestPools.reload(this.pools,
				List.of(new MemberSpec(member("a").endpoint(), 3, true, java.util.Map.of("region", "ap-northeast-1")),
						new MemberSpec(member("b").endpoint(), 2, true, java.util.Map.of("region", "eu-west-1"))));

		assertThat(a.weight()).isEqualTo(3);
		assertThat(this.breakers.breakerOf(a).getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(a.isSetAsideFor(Unavailability.CIRCUIT_OPEN)).isTrue();
		assertThat(this.breakers.breakerOf(b).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.breakers.breakerOf(b).getMetrics().getNumberOfFailedCalls()).isOne();
	}

	/**
	 * A member a reload disables is out by configuration, not by its connects: its breaker
	 * shows DISABLED (not an open or half-open state that would stay for good, with no traffic
	 * to end it) and holds no circuit-open mark. Enabled again, it starts closed with no
	 * outcome remembered, as its health checks start afresh.
	 */
	@Test
	void aMemberDisabledWithItsBreakerOpenShowsItDisabledAndComesBackClosedAndFresh() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		new CircuitBreakerMetrics(this.breakers, meters);
		ProxyPool pool = this.pools.pools().get(KEY);
		PoolMember a = pool.members().get(0);
		CircuitBreaker breakerOfA = this.breakers.breakerOf(a);
		this.breakers.failed(pool, a, Duration.ofMillis(5), new IllegalStateException("refused"));
		this.breakers.failed(pool, a, Duration.ofMillis(5), new IllegalStateException("refused"));
		assertThat(breakerOfA.getState()).isEqualTo(CircuitBreaker.State.OPEN);

		BreakerTestPools.reload(this.pools, List.of(disabled(member("a")), member("b")));

		assertThat(this.breakers.breakerOf(a)).isSameAs(breakerOfA);
		assertThat(breakerOfA.getState()).isEqualTo(CircuitBreaker.State.DISABLED);
		assertThat(a.isSetAsideFor(Unavailability.CIRCUIT_OPEN)).isFalse();
		assertThat(stateGauge(meters, breakerOfA, "disabled")).isEqualTo(1.0);
		assertThat(stateGauge(meters, breakerOfA, "open")).isEqualTo(0.0);
		// a session it still carries fails: no state to earn while the configuration keeps it out
		this.breakers.failed(pool, a, Duration.ofMillis(5), new IllegalStateException("reset"));
		this.breakers.failed(pool, a, Duration.ofMillis(5), new IllegalStateException("reset"));

		BreakerTestPools.reload(this.pools, members("a", "b"));

		assertThat(breakerOfA.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(breakerOfA.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(pool.candidates()).contains(a);
		this.breakers.failed(pool, a, Duration.ofMillis(5), new IllegalStateException("refused"));
		assertThat(breakerOfA.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	/** A half-open member disabled keeps none of its trial outcomes for when it is enabled again. */
	@Test
	void aMemberDisabledWhileHalfOpenComesBackWithoutItsTrialOutcomes() {
		this.breakers.close();
		MemberCircuitBreakers twoTrials = new MemberCircuitBreakers(
				MemberCircuitBreakers.registry(new BreakerSettings(50, 2, 2, Duration.ofMinutes(5), 2)), this.pools);
		try {
			ProxyPool pool = this.pools.pools().get(KEY);
			PoolMember a = pool.members().get(0);
			CircuitBreaker breakerOfA = twoTrials.breakerOf(a);
			breakerOfA.transitionToOpenState();
			twoTrials.recoverySeen(pool, a);
			twoTrials.succeeded(pool, a, Duration.ofMillis(5));
			assertThat(breakerOfA.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);

			BreakerTestPools.reload(this.pools, List.of(disabled(member("a")), member("b")));
			assertThat(breakerOfA.getState()).isEqualTo(CircuitBreaker.State.DISABLED);
			BreakerTestPools.reload(this.pools, members("a", "b"));

			assertThat(breakerOfA.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(breakerOfA.getMetrics().getNumberOfBufferedCalls()).isZero();
		}
		finally {
			twoTrials.close();
		}
	}

	/** A member configured disabled from the start, or added disabled by a reload, has a DISABLED breaker. */
	@Test
	void aMemberDisabledInConfigurationHasADisabledBreakerFromTheStart() {
		ProxyPools withDisabled = BreakerTestPools.pools(List.of(member("a"), disabled(member("b"))));
		MemberCircuitBreakers breakersAtStart = BreakerTestPools.openingAfterTwoFailures(withDisabled);
		try {
			ProxyPool pool = withDisabled.pools().get(KEY);
			assertThat(breakersAtStart.breakerOf(pool.members().get(0)).getState())
				.isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(breakersAtStart.breakerOf(pool.members().get(1)).getState())
				.isEqualTo(CircuitBreaker.State.DISABLED);

			BreakerTestPools.reload(withDisabled, List.of(member("a"), disabled(member("b")), disabled(member("c"))));

			assertThat(breakersAtStart.breakerOf(pool.members().get(2)).getState())
				.isEqualTo(CircuitBreaker.State.DISABLED);
		}
		finally {
			breakersAtStart.close();
		}
	}

	private static double stateGauge(SimpleMeterRegistry meters, CircuitBreaker breaker, String state) {
		return meters.get("resilience4j.circuitbreaker.state").tag("name", breaker.getName()).tag("state", state)
			.gauge()
			.value();
	}

	private static MemberSpec member(String user) {
		return MemberSpec.of(ProxyEndpoint.parse("socks5://" + user + ":secret@127.0.0.1:1080"));
	}

	private static MemberSpec disabled(MemberSpec member) {
		return new MemberSpec(member.endpoint(), member.weight(), false, member.metadata());
	}

	/** Members on one host and port, told apart by user name. */
	private static List<MemberSpec> members(String... users) {
		return java.util.Arrays.stream(users)
			.map((user) -> MemberSpec.of(ProxyEndpoint.parse("socks5://" + user + ":secret@127.0.0.1:1080")))
			.toList();
	}

}
