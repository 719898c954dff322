package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.Members;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.SelectionStrategy;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A proxy an exchange told off, removed by a reload and configured again by a later one: the
 * exchange still limits its address, so the new member rests as the removed one would have.
 */
class LimitsAcrossReloadsTests {

	private static final PoolKey BINANCE_HTTP = new PoolKey("binance", ConnectionType.HTTP);

	private final TestClock clock = new TestClock();

	private final RateLimits limits = new RateLimits(RateLimitPolicies.DEFAULTS, this.clock, this.clock.ticker());

	private final ProxyPools pools = ProxyPools.of(List.of(spec(BINANCE_HTTP, 0, 1, 2)), Map.of(),
			SelectionStrategies.builtIn()::create);

	{
		this.pools.addPoolsListener(this.limits);
	}

	@Test
	void aProxyBannedThenRemovedAndConfiguredAgainRestsUntilItsBanEndsThenServes() {
		ProxyPool pool = pool();
		PoolMember banned = pool.members().get(1);
		this.limits.forExchange("binance").responded(pool, banned, 418, "3600");

		reload(spec(BINANCE_HTTP, 0, 2));
		this.clock.advance(Duration.ofMinutes(10));
		reload(spec(BINANCE_HTTP, 0, 1, 2));

		PoolMember again = pool.members().get(1);
		assertThat(again).isNotSameAs(banned);
		assertThat(select("binance", 30)).doesNotContain(again).hasSize(30);
		assertThat(select("kraken", 30)).as("banned by binance only").contains(again);
		assertThat(this.limits.stateOf(again)).containsOnlyKeys("binance").satisfies((states) -> {
			assertThat(states.get("binance").cooldownRemaining()).isEqualTo(Duration.ofMinutes(50));
			assertThat(states.get("binance").lastStatus()).isEqualTo(418);
			assertThat(states.get("binance").strikes()).isOne();
		});
		assertThat(this.limits.remainingCooldownSeconds("binance", again)).isEqualTo(3000.0);

		this.clock.advance(Duration.ofMinutes(50).minusMillis(1));
		assertThat(select("binance", 30)).doesNotContain(again);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(select("binance", 30)).contains(again);
	}

	/**
	 * A request sent through a member before a reload removed it is answered after: the
	 * exchange's ban still falls on the proxy's address, and a member configured again for it
	 * must rest, however late the answer came.
	 */
	@Test
	void aBanAnsweredThroughAMemberAfterAReloadRemovedItRestsTheProxyConfiguredAgain() {
		ProxyPool pool = pool();
		PoolMember removed = pool.members().get(1);
		PoolMember limitedBefore = pool.members().get(2);
		this.limits.forExchange("binance").responded(pool, limitedBefore, 429, "60");
		reload(spec(BINANCE_HTTP, 0));

		assertThat(this.limits.forExchange("binance").responded(pool, removed, 418, "3600")).isTrue();
		assertThat(this.limits.forExchange("binance").responded(pool, limitedBefore, 418, "3600")).isTrue();
		this.clock.advance(Duration.ofMinutes(10));
		reload(spec(BINANCE_HTTP, 0, 1, 2));

		PoolMember again = pool.members().get(1);
		PoolMember limitedAgain = pool.members().get(2);
		assertThat(select("binance", 30)).doesNotContain(again, limitedAgain).hasSize(30);
		assertThat(this.limits.remainingCooldownSeconds("binance", again)).isEqualTo(3000.0);
		assertThat(this.limits.remainingCooldownSeconds("binance", limitedAgain)).isEqualTo(3000.0);
		assertThat(this.limits.stateOf(again).get("binance").lastStatus()).isEqualTo(418);
		assertThat(select("kraken", 30)).as("banned by binance only").contains(again, limitedAgain);
	}

	/**
	 * A ban answered through a removed member rests only the proxy, for when a reload configures
	 * it again: while no member selection reads rests, the exchange's selections stay on the
	 * path that passes the caller's exclusion straight to the pool.
	 */
	@Test
	void aBanAnsweredThroughARemovedMemberLeavesTheExchangesSelectionOnItsFastPath() {
		List<Exclusion> seen = new ArrayList<>();
		SelectionStrategy watching = (candidates) -> (exclusion) -> {
			seen.add(exclusion);
			return candidates[0];
		};
		ProxyPools pools = ProxyPools.of(List.of(spec(BINANCE_HTTP, 0, 1, 2)), Map.of(), (name) -> watching);
		pools.addPoolsListener(this.limits);
		ProxyPool pool = pools.pools().get(BINANCE_HTTP);
		PoolMember removed = pool.members().get(1);
		pools.reconcile(List.of(spec(BINANCE_HTTP, 0, 2)), Map.of(), (name) -> watching);

		this.limits.forExchange("binance").responded(pool, removed, 418, "3600");
		this.limits.forExchange("binance").select(pool, Exclusion.NONE).release();

		assertThat(seen).containsExactly(Exclusion.NONE);
	}

	/**
	 * The same, answered only once a later reload configured the proxy again: the member that
	 * stands for the proxy now rests, the answer having come from its address.
	 */
	@Test
	void aBanAnsweredThroughARemovedMemberRestsTheMemberConfiguredAgainForItsProxy() {
		ProxyPool pool = pool();
		PoolMember removed = pool.members().get(1);
		reload(spec(BINANCE_HTTP, 0, 2));
		reload(spec(BINANCE_HTTP, 0, 1, 2));
		PoolMember again = pool.members().get(1);

		assertThat(this.limits.forExchange("binance").responded(pool, removed, 418, "3600")).isTrue();

		assertThat(select("binance", 30)).doesNotContain(again).hasSize(30);
		assertThat(this.limits.remainingCooldownSeconds("binance", again)).isEqualTo(3600.0);
		assertThat(select("kraken", 30)).as("banned by binance only").contains(again);
	}

	@Test
	void aProxyOfAPoolRemovedWhileItRestedRestsWhenThePoolIsConfiguredAgain() {
		ProxyPool pool = pool();
		PoolMember geoBlocked = pool.members().get(2);
		this.limits.forExchange("binance").responded(pool, geoBlocked, 451, null);

		reload();
		this.clock.advance(Duration.ofMinutes(10));
		reload(spec(BINANCE_HTTP, 0, 1, 2));

		assertThat(pool()).isNotSameAs(pool);
		PoolMember again = pool().members().get(2);
		assertThat(select("binance", 30)).doesNotContain(again).hasSize(30);
		assertThat(this.limits.remainingCooldownSeconds("binance", again)).isEqualTo(3000.0);
		this.clock.advance(Duration.ofMinutes(50));
		assertThat(select("binance", 30)).contains(again);
	}

	/**
	 * A proxy removed while it rested for an exchange requests named GATE_IO, configured again
	 * after a reload gave the exchange settings as gate-io: its rest is that exchange's, under
	 * the id as configured, where selection for it looks.
	 */
	@Test
	void aProxyConfiguredAgainRestsForTheExchangeAReloadConfiguredMeanwhileUnderAnotherSpelling() {
		PoolMember limited = pool().members().get(1);
		this.limits.forExchange("GATE_IO").responded(pool(), limited, 418, "600");

		reload(spec(BINANCE_HTTP, 0, 2));
		this.limits.reconfigure(
				new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("gate-io", RateLimitPolicy.DEFAULTS)));
		reload(spec(BINANCE_HTTP, 0, 1, 2));

		PoolMember again = pool().members().get(1);
		// as routing hands it on: the id as configured
		assertThat(select("gate-io", 30)).doesNotContain(again).hasSize(30);
		assertThat(this.limits.stateOf(again)).containsOnlyKeys("gate-io");
	}

	/** A proxy the configured pool left out when it came back is added back by a reload after that. */
	@Test
	void aProxyLeftOutWhenItsPoolCameBackRestsWhenAddedBackLater() {
		PoolMember banned = pool().members().get(0);
		this.limits.forExchange("binance").responded(pool(), banned, 418, "600");

		reload();
		reload(spec(BINANCE_HTTP, 1, 2));
		reload(spec(BINANCE_HTTP, 0, 1, 2));

		assertThat(this.limits.remainingCooldownSeconds("binance", pool().members().get(0))).isEqualTo(600.0);
	}

	@Test
	void aProxyConfiguredAgainAfterItsCooldownEndedIsSelectedAtOnceWithNothingCarried() {
		PoolMember limited = pool().members().get(1);
		this.limits.forExchange("binance").responded(pool(), limited, 429, "60");

		reload(spec(BINANCE_HTTP, 0, 2));
		this.clock.advance(Duration.ofSeconds(60));
		reload(spec(BINANCE_HTTP, 0, 1, 2));

		PoolMember again = pool().members().get(1);
		assertThat(select("binance", 3)).contains(again);
		assertThat(this.limits.stateOf(again)).isEmpty();
	}

	/** The strikes that make the next cooldown longer come along with the cooldown. */
	@Test
	void aProxyConfiguredAgainWhileItRestedKeepsItsStrikes() {
		policy(new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(10), Duration.ofHours(1),
				Duration.ofHours(1), false, null, null));
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember limited = pool().members().get(1);
		binance.responded(pool(), limited, 429, null);
		this.clock.advance(Duration.ofSeconds(10));
		binance.responded(pool(), limited, 429, null);

		reload(spec(BINANCE_HTTP, 0, 2));
		reload(spec(BINANCE_HTTP, 0, 1, 2));
		this.clock.advance(Duration.ofSeconds(20));
		binance.responded(pool(), pool().members().get(1), 429, null);

		assertThat(binance.stateOf(pool().members().get(1)).strikes()).isEqualTo(3);
		assertThat(binance.stateOf(pool().members().get(1)).cooldownRemaining()).isEqualTo(Duration.ofSeconds(40));
	}

	/** The exchange counts the uses its address spent, whichever member spent them. */
	@Test
	void aProxyConfiguredAgainKeepsTheUsesItsBudgetSpentWithinTheWindow() {
		policy(new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1),
				Duration.ofHours(1), false, new Budget(1, Duration.ofMinutes(5)), null));
		ExchangeLimits coinbase = this.limits.forExchange("coinbase");
		PoolMember spent = pool().members().get(0);
		Lease lease = coinbase.select(pool(), (member) -> member != spent);
		assertThat(lease.member()).isSameAs(spent);
		lease.release();

		reload(spec(BINANCE_HTTP, 1, 2));
		reload(spec(BINANCE_HTTP, 0, 1, 2));

		PoolMember again = pool().members().get(0);
		assertThat(this.limits.stateOf(again).get("coinbase").budgetTokens()).isZero();
		assertThatExceptionOfType(PoolRateLimitedException.class)
			.isThrownBy(() -> coinbase.select(pool(), (member) -> member != again));
		this.clock.advance(Duration.ofMinutes(5));
		assertThat(coinbase.select(pool(), (member) -> member != again).member()).isSameAs(again);
	}

	/**
	 * A selection that read the pool before a reload removed the member it chose spends that
	 * member's budget after the reload: the use reached the proxy's address, and counts for the
	 * member a later reload configures for it.
	 */
	@Test
	void aUseSpentThroughAMemberAfterAReloadRemovedItCountsForTheProxyConfiguredAgain() {
		policy(new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1),
				Duration.ofHours(1), false, new Budget(1, Duration.ofMinutes(5)), null));
		AtomicReference<PoolMember> readBefore = new AtomicReference<>();
		SelectionStrategy stale = (candidates) -> {
			readBefore.compareAndSet(null, candidates[0]);
			return (exclusion) -> readBefore.get();
		};
		ProxyPools pools = ProxyPools.of(List.of(spec(BINANCE_HTTP, 0, 1, 2)), Map.of(), (name) -> stale);
		pools.addPoolsListener(this.limits);
		ProxyPool pool = pools.pools().get(BINANCE_HTTP);
		pools.reconcile(List.of(spec(BINANCE_HTTP, 1, 2)), Map.of(), (name) -> stale);

		Lease lease = this.limits.forExchange("coinbase").select(pool, Exclusion.NONE);
		assertThat(lease.member()).isSameAs(readBefore.get()).matches(PoolMember::isRemoved);
		lease.release();
		pools.reconcile(List.of(spec(BINANCE_HTTP, 0, 1, 2)), Map.of(), (name) -> stale);

		PoolMember again = pool.members().get(0);
		assertThat(this.limits.stateOf(again)).containsKey("coinbase");
		assertThat(this.limits.stateOf(again).get("coinbase").budgetTokens()).isZero();
	}

	/** The same rule as a reload's for keeping a member: another user name, or another pool, is another proxy. */
	@Test
	void onlyTheSameProxyInTheSamePoolTakesTheCooldownOver() {
		PoolMember banned = pool().members().get(1);
		this.limits.forExchange("binance").responded(pool(), banned, 418, "600");

		reload(spec(BINANCE_HTTP, 0, 2), spec(PoolKey.ofDefault(ConnectionType.HTTP), 1));
		PoolMember otherPool = this.pools.pools().get(PoolKey.ofDefault(ConnectionType.HTTP)).members().get(0);
		assertThat(this.limits.stateOf(otherPool)).isEmpty();

		ProxyEndpoint sameAddress = Members.endpoint(1);
		reload(new PoolSpec(BINANCE_HTTP, PoolSpec.Origin.POOL,
				List.of(MemberSpec.of(new ProxyEndpoint(sameAddress.scheme(), sameAddress.host(), sameAddress.port(),
						"other", "secret"))),
				"round-robin", Duration.ofSeconds(30)));
		assertThat(this.limits.stateOf(pool().members().get(0))).isEmpty();
	}

	/**
	 * The routing switches before the pools' listeners hear of the reload: a member that
	 * took the rest over only when told would be selectable in between.
	 */
	@Test
	void noSelectionSeesTheMemberConfiguredAgainBeforeItTookTheCooldownOver() {
		PoolMember banned = pool().members().get(1);
		this.limits.forExchange("binance").responded(pool(), banned, 418, "600");
		reload(spec(BINANCE_HTTP, 0, 2));
		List<PoolMember> selectedMeanwhile = new ArrayList<>();
		ProxyPools pools = ProxyPools.of(List.of(spec(BINANCE_HTTP, 0, 2)), Map.of(),
				SelectionStrategies.builtIn()::create);
		// a listener heard before the limits: selections under way on other threads meanwhile
		pools.addPoolsListener((change) -> selectedMeanwhile.addAll(select(pools, "binance", 30)));
		pools.addPoolsListener(this.limits);
		pools.reconcile(List.of(spec(BINANCE_HTTP, 0, 1, 2)), Map.of(), SelectionStrategies.builtIn()::create);

		assertThat(selectedMeanwhile).hasSize(30).doesNotContain(pools.pools().get(BINANCE_HTTP).members().get(1));
	}

	@Test
	void aProxyRemovedForGoodIsForgottenAtTheFirstReloadAfterItsRestEnded() {
		this.limits.forExchange("binance").responded(pool(), pool().members().get(1), 429, "60");
		this.limits.forExchange("bybit").responded(pool(), pool().members().get(2), 403, null);

		reload(spec(BINANCE_HTTP, 0));
		assertThat(this.limits.retiredProxies()).isEqualTo(2);
		this.clock.advance(Duration.ofSeconds(30));
		reload(spec(BINANCE_HTTP, 0));
		assertThat(this.limits.retiredProxies()).as("the bybit rest of 30s ended").isOne();
		this.clock.advance(Duration.ofSeconds(30));
		reload(spec(BINANCE_HTTP, 0));
		assertThat(this.limits.retiredProxies()).isZero();
	}

	@Test
	void aProxyRemovedAfterItsRestEndedLeavesNothingBehind() {
		this.limits.forExchange("binance").responded(pool(), pool().members().get(1), 429, "1");
		this.clock.advance(Duration.ofSeconds(1));

		reload(spec(BINANCE_HTTP, 0));

		assertThat(this.limits.retiredProxies()).isZero();
	}

	/** Proxies may come and go by the thousand (an external service's list): what is kept of them is bounded. */
	@Test
	void atMostTheBoundOfRemovedProxiesIsKeptTheLastRemovedAmongThem() {
		int removed = RateLimits.RETIRED_PROXIES_KEPT + 10;
		for (int i = 0; i < removed; i++) {
			int proxy = 100 + i;
			reload(spec(BINANCE_HTTP, 0, proxy));
			this.limits.forExchange("binance").responded(pool(), pool().members().get(1), 418, "3600");
			reload(spec(BINANCE_HTTP, 0));
		}
		assertThat(this.limits.retiredProxies()).isEqualTo(RateLimits.RETIRED_PROXIES_KEPT);

		reload(spec(BINANCE_HTTP, 0, 100, 100 + removed - 1));
		assertThat(this.limits.stateOf(pool().members().get(1))).as("the longest gone is forgotten").isEmpty();
		assertThat(this.limits.stateOf(pool().members().get(2))).containsOnlyKeys("binance");
	}

	/**
	 * A request naming a new exchange, once the bound of kept exchanges is reached, forgets
	 * those restricting nobody, as the exchange a banned proxy configured again takes its rest
	 * back into does until the rest is in: the sweep must not drop it in between.
	 */
	@Test
	void aSweepForANewExchangeWhileABannedProxyTakesItsRestBackLeavesItResting() throws InterruptedException {
		RateLimits limits = new RateLimits(RateLimitPolicies.DEFAULTS, this.clock, this.clock.ticker(), 1);
		ProxyPools pools = ProxyPools.of(List.of(spec(BINANCE_HTTP, 0, 1, 2)), Map.of(),
				SelectionStrategies.builtIn()::create);
		pools.addPoolsListener(limits);
		limits.forExchange("binance").responded(pools.pools().get(BINANCE_HTTP),
				pools.pools().get(BINANCE_HTTP).members().get(1), 418, "3600");
		pools.reconcile(List.of(spec(BINANCE_HTTP, 0, 2)), Map.of(), SelectionStrategies.builtIn()::create);
		Thread sweep = new Thread(() -> limits.forExchange("kraken"), "new-exchange-request");
		limits.takingOver = () -> {
			limits.takingOver = () -> {
			};
			sweep.start();
			// it sweeps now, or waits its turn
			await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> Set.of(Thread.State.TERMINATED, Thread.State.BLOCKED, Thread.State.WAITING)
					.contains(sweep.getState()));
		};

		pools.reconcile(List.of(spec(BINANCE_HTTP, 0, 1, 2)), Map.of(), SelectionStrategies.builtIn()::create);
		sweep.join(10_000);

		assertThat(sweep.isAlive()).isFalse();
		PoolMember again = pools.pools().get(BINANCE_HTTP).members().get(1);
		assertThat(limits.remainingCooldownSeconds("binance", again)).isEqualTo(3600.0);
		assertThat(limits.knows("kraken")).isTrue();
		ExchangeLimits binance = limits.forExchange("binance");
		for (int i = 0; i < 30; i++) {
			Lease lease = binance.select(pools.pools().get(BINANCE_HTTP), Exclusion.NONE);
			assertThat(lease.member()).isNotSameAs(again);
			lease.release();
		}
	}

	/** An application's cooldown listener that throws costs the listeners after it nothing of the reload. */
	@Test
	void aCooldownListenerThatThrowsLeavesTheOthersToHearTheWholeReload() {
		ProxyPool pool = pool();
		PoolMember banned = pool.members().get(1);
		this.limits.forExchange("binance").responded(pool, banned, 418, "3600");
		List<String> heard = new ArrayList<>();
		this.limits.addListener(new CooldownListener() {

			@Override
			public void cooledDown(Cooldown cooldown) {
			}

			@Override
			public void forgotten(PoolMember member) {
				throw new IllegalStateException("the application's listener");
			}

			@Override
			public void resumed(ProxyPool pool, PoolMember member, String exchange) {
				throw new IllegalStateException("the application's listener");
			}

			@Override
			public void reloaded() {
				throw new IllegalStateException("the application's listener");
			}

		});
		this.limits.addListener(new CooldownListener() {

			@Override
			public void cooledDown(Cooldown cooldown) {
			}

			@Override
			public void forgotten(PoolMember member) {
				heard.add("forgotten");
			}

			@Override
			public void resumed(ProxyPool pool, PoolMember member, String exchange) {
				heard.add("resumed " + exchange);
			}

			@Override
			public void reloaded() {
				heard.add("reloaded");
			}

		});

		reload(spec(BINANCE_HTTP, 0, 2));
		reload(spec(BINANCE_HTTP, 0, 1, 2));

		assertThat(heard).containsExactly("forgotten", "reloaded", "reloaded", "resumed binance");
		assertThat(select("binance", 30)).doesNotContain(pool.members().get(1)).hasSize(30);
	}

	private ProxyPool pool() {
		return this.pools.pools().get(BINANCE_HTTP);
	}

	private void reload(PoolSpec... specs) {
		this.pools.reconcile(List.of(specs), Map.of(), SelectionStrategies.builtIn()::create);
	}

	private List<PoolMember> select(String exchange, int times) {
		return select(this.pools, exchange, times);
	}

	private List<PoolMember> select(ProxyPools pools, String exchange, int times) {
		ExchangeLimits limits = this.limits.forExchange(exchange);
		ProxyPool pool = pools.pools().get(BINANCE_HTTP);
		List<PoolMember> chosen = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			Lease lease = limits.select(pool, Exclusion.NONE);
			chosen.add(lease.member());
			lease.release();
		}
		return chosen;
	}

	private void policy(RateLimitPolicy defaults) {
		this.limits.reconfigure(new RateLimitPolicies(defaults, Map.of()));
	}

	private static PoolSpec spec(PoolKey key, int... proxies) {
		List<MemberSpec> members = new ArrayList<>();
		for (int proxy : proxies) {
			members.add(MemberSpec.of(Members.endpoint(proxy)));
		}
		return new PoolSpec(key, PoolSpec.Origin.POOL, members, "round-robin", Duration.ofSeconds(30));
	}

}
