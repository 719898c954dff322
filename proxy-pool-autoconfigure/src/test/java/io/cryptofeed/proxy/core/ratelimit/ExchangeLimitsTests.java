package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.NoProxyAvailableException;
import io.cryptofeed.proxy.core.Members;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolsChange;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.SelectionStrategy;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.core.TriedMembers;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.core.strategy.RoundRobinStrategy;
import io.cryptofeed.proxy.core.strategy.WeightedRoundRobinStrategy;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Cooldowns and budgets on a pool of three, with a clock that moves only when told. */
class ExchangeLimitsTests {

	private final TestClock clock = new TestClock();

	private final ProxyPool pool = Members.pool(Members.count(3), new RoundRobinStrategy(0));

	private final List<PoolMember> members = this.pool.members();

	private final List<Cooldown> cooldowns = new ArrayList<>();

	private RateLimits limits = limits(RateLimitPolicy.DEFAULTS);

	@Test
	void retryAfterRestsTheMemberForThatExchangeOnlyThenItReturns() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember banned = this.members.get(1);
		assertThat(binance.responded(this.pool, banned, 429, "2")).isTrue();

		assertThat(select(binance, 30)).doesNotContain(banned).hasSize(30);
		assertThat(select(this.limits.forExchange("kraken"), 30)).contains(banned);
		this.clock.advance(Duration.ofMillis(1_999));
		assertThat(select(binance, 30)).doesNotContain(banned);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(select(binance, 30)).contains(banned);
	}

	/** A zero wait is no rest: a cooldown of nothing would strike and warn on every limited answer. */
	@Test
	void aRetryAfterOfZeroOrOfADatePastCountsAsNone() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember limited = this.members.get(1);
		binance.responded(this.pool, limited, 429, "0");
		binance.responded(this.pool, limited, 429, "Thu, 01 Jan 1970 00:00:00 GMT");

		assertThat(this.cooldowns).singleElement().satisfies((cooldown) -> {
			assertThat(cooldown.duration()).isEqualTo(RateLimitPolicy.DEFAULTS.cooldown());
			assertThat(cooldown.retryAfter()).isFalse();
			assertThat(cooldown.strikes()).isOne();
		});
		assertThat(select(binance, 30)).doesNotContain(limited);
	}

	@Test
	void aFailoverCountsOnceWhileAMemberRests() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		binance.responded(this.pool, this.members.get(2), 429, "60");
		TriedMembers tried = new TriedMembers();
		tried.add(this.members.get(0));

		Lease lease = binance.select(this.pool, tried);

		assertThat(lease.member()).isSameAs(this.members.get(1));
		assertThat(this.pool.failovers()).isEqualTo(1);
		lease.release();
		assertThat(binance.select(this.pool, Exclusion.NONE).release()).isTrue();
		assertThat(this.pool.failovers()).isEqualTo(1);
	}

	/**
	 * A failover that loses the race for a member's last use selects again: still one failover.
	 * The racing connect spends that use from inside the strategy, between the losing
	 * selection's pick and its spend, so the race is lost every time.
	 */
	@Test
	void aFailoverThatLosesTheRaceForALastUseCountsOnce() {
		this.limits = limits(new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1),
				Duration.ofHours(1), false, new Budget(1, Duration.ofMinutes(1)), null));
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember[] contested = new PoolMember[1];
		ProxyPool[] racedIn = new ProxyPool[1];
		SelectionStrategy racing = (candidates) -> (exclusion) -> {
			PoolMember pick = null;
			for (PoolMember candidate : candidates) {
				if (!exclusion.excludes(candidate)) {
					pick = candidate;
					break;
				}
			}
			if (pick != null && contested[0] == null) {
				contested[0] = pick;
				// another connect, no failover, takes the last use of the member picked
				Lease other = binance.select(racedIn[0], (member) -> member != contested[0]);
				assertThat(other.member()).isSameAs(pick);
			}
			return pick;
		};
		ProxyPool pool = Members.pool(Members.count(3), racing);
		racedIn[0] = pool;
		PoolMember first = pool.members().get(0);
		TriedMembers tried = new TriedMembers();
		tried.add(first);

		Lease lease = binance.select(pool, tried);

		assertThat(contested[0]).isSameAs(pool.members().get(1));
		assertThat(lease.member()).isSameAs(pool.members().get(2));
		assertThat(pool.failovers()).isEqualTo(1);
	}

	@Test
	void aCooldownIsNoProxyFailure() {
		PoolMember banned = this.members.get(0);
		this.limits.forExchange("binance").responded(this.pool, banned, 418, "600");
		assertThat(banned.isAvailable()).isTrue();
		assertThat(this.pool.availableMembers()).containsExactlyElementsOf(this.members);
		assertThat(this.pool.isPanicking()).isFalse();
	}

	@Test
	void repeatsWithoutRetryAfterDoubleTheCooldownUpToTheCap() {
		this.limits = limits(policy(Set.of(418), Duration.ofSeconds(1), Duration.ofSeconds(5)));
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember member = this.members.get(0);
		List<Duration> lengths = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			binance.responded(this.pool, member, 418, null);
			Duration rest = binance.stateOf(member).cooldownRemaining();
			lengths.add(rest);
			this.clock.advance(rest);
		}
		assertThat(lengths).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
				Duration.ofSeconds(5), Duration.ofSeconds(5));
		assertThat(this.cooldowns).extracting(Cooldown::strikes).containsExactly(1, 2, 3, 4, 5);

		// a welcome answer ends the run: the next cooldown is the first length again
		assertThat(binance.responded(this.pool, member, 200, null)).isFalse();
		binance.responded(this.pool, member, 418, null);
		assertThat(binance.stateOf(member).cooldownRemaining()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void answersDuringACooldownExtendItWithoutCountingAsRepeats() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember member = this.members.get(0);
		binance.responded(this.pool, member, 429, "2");
		binance.responded(this.pool, member, 429, "1");
		binance.responded(this.pool, member, 429, "2");
		assertThat(this.cooldowns).hasSize(1);
		assertThat(binance.stateOf(member).strikes()).isOne();
		// a ban during a rate limit is news: it makes the rest longer and is reported
		binance.responded(this.pool, member, 418, "3600");
		assertThat(this.cooldowns).extracting(Cooldown::status).containsExactly(429, 418);
		assertThat(binance.stateOf(member).cooldownRemaining()).isEqualTo(Duration.ofHours(1));
		assertThat(binance.stateOf(member).strikes()).isOne();
		// and an answer to a request sent before the cooldown does not end it
		binance.responded(this.pool, member, 200, null);
		assertThat(binance.stateOf(member).strikes()).isOne();
		assertThat(select(binance, 9)).doesNotContain(member);
	}

	@Test
	void aGeoBlockTakesTheMemberOutForThatExchangeOnlyAndForLong() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember blocked = this.members.get(2);
		binance.responded(this.pool, blocked, 451, null);
		assertThat(binance.stateOf(blocked).cooldownRemaining()).isEqualTo(Duration.ofHours(1));
		this.clock.advance(Duration.ofMinutes(59));
		assertThat(select(binance, 30)).doesNotContain(blocked);
		assertThat(select(this.limits.forExchange("bybit"), 30)).contains(blocked);
		assertThat(this.limits.stateOf(blocked)).containsOnlyKeys("binance");

		// repeats do not grow it; a longer Retry-After wins
		this.clock.advance(Duration.ofMinutes(1));
		binance.responded(this.pool, blocked, 451, "7200");
		assertThat(binance.stateOf(blocked).cooldownRemaining()).isEqualTo(Duration.ofHours(2));
	}

	@Test
	void statusesOutsideTheListChangeNothing() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		for (int status : new int[] { 200, 404, 500, 503 }) {
			assertThat(binance.responded(this.pool, this.members.get(0), status, "60")).isFalse();
		}
		assertThat(binance.stateOf(this.members.get(0))).isNull();
		this.limits = limits(policy(Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1)));
		assertThat(this.limits.forExchange("binance").responded(this.pool, this.members.get(0), 429, "60"))
			.as("an empty list turns cooldowns off")
			.isFalse();
		assertThat(this.cooldowns).isEmpty();
	}

	/**
	 * Ids match ignoring case, '-' and '_' (ExchangeIds): COINBASE_PRO, as an enum of the
	 * application's spells it, is the exchange configured as coinbase-pro, with its policy and
	 * its rests, kept under the id as configured.
	 */
	@Test
	void anExchangeSpeltAnotherWayHasTheLimitsAndPolicyOfTheExchangeAsConfigured() {
		RateLimitPolicy coinbase = policy(Set.of(429), Duration.ofSeconds(42), Duration.ofMinutes(10));
		this.limits = new RateLimits(new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("coinbase-pro", coinbase)),
				this.clock, this.clock.ticker());
		ExchangeLimits named = this.limits.forExchange("COINBASE_PRO");
		assertThat(named.exchange()).isEqualTo("coinbase-pro");
		assertThat(named.policy()).isSameAs(coinbase);
		named.responded(this.pool, this.members.get(1), 429, null);

		for (String spelling : List.of("coinbase-pro", "coinbasepro", "CoinbasePro", "coinbase_pro")) {
			assertThat(this.limits.forExchange(spelling)).as(spelling).isSameAs(named);
			assertThat(this.limits.remainingCooldownSeconds(spelling, this.members.get(1))).as(spelling)
				.isEqualTo(42.0);
			assertThat(this.limits.knows(spelling)).as(spelling).isTrue();
		}
		assertThat(this.limits.exchanges()).containsOnlyKeys("coinbase-pro");
		assertThat(this.limits.stateOf(this.members.get(1))).containsOnlyKeys("coinbase-pro");
		// an exchange without settings of its own keeps the id named, in lower case
		assertThat(this.limits.forExchange("GATE_IO").exchange()).isEqualTo("gate_io");
	}

	/**
	 * Requests named GATE_IO and gate-io while the exchange had no settings of its own (two
	 * ids then, in lower case as named); a reload then configures it as gate-io, and a later
	 * one respells it gate_io. Each time it is one exchange: the rests its members took under
	 * any spelling stay with its limits, kept under the id as configured only, with its policy.
	 */
	@Test
	void aReloadThatConfiguresOrRespellsAnExchangeKeepsItsRestsUnderTheIdAsConfigured() {
		this.limits.forExchange("GATE_IO").responded(this.pool, this.members.get(1), 429, "300");
		this.limits.forExchange("gate-io").responded(this.pool, this.members.get(2), 418, "600");
		assertThat(this.limits.exchanges()).containsOnlyKeys("gate_io", "gate-io");
		RateLimitPolicy gate = policy(Set.of(429, 418), Duration.ofSeconds(42), Duration.ofMinutes(10));

		this.limits.reconfigure(new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("gate-io", gate)));
		assertThat(this.limits.exchanges()).containsOnlyKeys("gate-io");
		ExchangeLimits configured = this.limits.forExchange("GATE_IO");
		assertThat(configured.exchange()).isEqualTo("gate-io");
		assertThat(configured.policy()).isSameAs(gate);
		assertThat(select(configured, 12)).containsOnly(this.members.get(0));
		assertThat(this.limits.remainingCooldownSeconds("gate-io", this.members.get(1))).isEqualTo(300.0);

		this.limits.reconfigure(new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("gate_io", gate)));
		assertThat(this.limits.exchanges()).containsOnlyKeys("gate_io");
		assertThat(select(this.limits.forExchange("gate_io"), 12)).containsOnly(this.members.get(0));
		assertThat(this.limits.stateOf(this.members.get(2))).containsOnlyKeys("gate_io");
	}

	@Test
	void whenEveryMemberRestsSelectionFailsFastNamingTheExchangeAndTheEarliestRetry() {
		ExchangeLimits binance = this.limits.forExchange("Binance");
		binance.responded(this.pool, this.members.get(0), 429, "30");
		binance.responded(this.pool, this.members.get(1), 429, "5");
		binance.responded(this.pool, this.members.get(2), 418, "600");
		Instant start = this.clock.instant();
		assertThatExceptionOfType(PoolRateLimitedException.class).isThrownBy(() -> binance.select(this.pool,
				Exclusion.NONE))
			.satisfies((ex) -> {
				assertThat(ex.exchange()).isEqualTo("binance");
				assertThat(ex.retryAt()).isEqualTo(start.plusSeconds(5));
				assertThat(ex.pool()).isEqualTo(this.pool.key());
			})
			.withMessageContaining("default/http")
			.withMessageContaining("exchange=binance")
			.withMessageContaining("cooling down 3")
			.withMessageContaining("earliest retry at " + start.plusSeconds(5) + " (in 5s)");
		assertThat(select(this.limits.forExchange("kraken"), 3)).hasSize(3);
	}

	/** The warning and the fail-fast say how long as configuration writes it, to the millisecond. */
	@Test
	void theCooldownWarningAndTheFailFastGiveDurationsInConfigurationUnits() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		this.clock.advance(Duration.ofMillis(987));
		try (CapturedLog log = CapturedLog.of(ExchangeLimits.class)) {
			for (PoolMember member : this.members) {
				binance.responded(this.pool, member, 429, "Mon, 02 Nov 2026 09:05:00 GMT");
			}
			assertThat(log.warnings()).filteredOn((line) -> line.contains("proxy cooldown:"))
				.hasSize(3)
				.allSatisfy((line) -> assertThat(line).contains(" cooldown=299013ms "));
		}
		this.clock.advance(Duration.ofMinutes(4));
		assertThatExceptionOfType(PoolRateLimitedException.class)
			.isThrownBy(() -> binance.select(this.pool, Exclusion.NONE))
			.withMessageEndingWith(" (in 59013ms)");
	}

	/**
	 * A steady trickle of limited answers (4% of requests in a soak) made a WARN line per
	 * cooldown: now one per member and minute, the others at DEBUG and counted in the next WARN,
	 * each run's end at the level of its start; another status is news at once.
	 */
	@Test
	void aTrickleOfLimitsWarnsOncePerMemberAndMinuteAndTheRestAtDebug() {
		ProxyPool credentialed = Members.pool(
				List.of(MemberSpec.of(ProxyEndpoint.parse("socks5://feed:canary-pw@10.0.0.9:1080")),
						MemberSpec.of(ProxyEndpoint.parse("socks5://10.0.0.10:1080"))),
				new RoundRobinStrategy(0));
		PoolMember limited = credentialed.members().get(0);
		PoolMember other = credentialed.members().get(1);
		ExchangeLimits binance = this.limits.forExchange("binance");
		Instant firstUntil = this.clock.instant().plusSeconds(1);
		try (CapturedLog log = CapturedLog.of(ExchangeLimits.class)) {
			for (int i = 0; i < 6; i++) {
				assertThat(binance.responded(credentialed, limited, 429, "1")).isTrue();
				this.clock.advance(Duration.ofSeconds(1));
				binance.responded(credentialed, limited, 200, null);
				this.clock.advance(Duration.ofSeconds(5));
			}
			assertThat(this.cooldowns).as("each is still a cooldown for the listeners").hasSize(6);
			assertThat(log.lines()).filteredOn((line) -> line.startsWith("WARNING"))
				.containsExactly("WARNING proxy cooldown: exchange=binance pool=default/http member=socks5://***@10.0.0.9:1080 "
						+ "status=429 cooldown=1s until=" + firstUntil + " strikes=1 source=retry-after "
						+ "repeats-at-debug=0");
			assertThat(log.lines()).filteredOn((line) -> line.startsWith("INFO"))
				.containsExactly("INFO proxy cooldown over: exchange=binance pool=default/http "
						+ "member=socks5://***@10.0.0.9:1080 status=200");
			assertThat(log.lines()).filteredOn((line) -> line.startsWith("FINE"))
				.hasSize(10);

			binance.responded(credentialed, other, 429, "1");
			binance.responded(credentialed, limited, 418, "1");
			assertThat(log.warnings()).as("another member, and another status, are news").hasSize(3);
			this.clock.advance(Duration.ofSeconds(30));
			binance.responded(credentialed, limited, 418, "1");
			assertThat(log.warnings()).hasSize(3);
			this.clock.advance(MemberLimit.WARN_INTERVAL);
			binance.responded(credentialed, limited, 418, "1");
			assertThat(log.warnings()).hasSize(4).last().asString().contains("status=418", "strikes=3", "repeats-at-debug=1");
			assertThat(log.lines()).noneMatch((line) -> line.contains("canary-pw"));
		}
	}

	/**
	 * A 1 s rest at WARN and its end at INFO, then within the minute a 2 s rest at DEBUG, the
	 * clock a second into it: the log says the member is back while it rests.
	 */
	private void warnedRestThenUnseenOne(ExchangeLimits binance, PoolMember member) {
		binance.responded(this.pool, member, 429, "1");
		this.clock.advance(Duration.ofSeconds(1));
		binance.responded(this.pool, member, 200, null);
		this.clock.advance(Duration.ofSeconds(5));
		binance.responded(this.pool, member, 429, "2");
		this.clock.advance(Duration.ofSeconds(1));
	}

	@Test
	void aCooldownOfAMinuteOrMoreWarnsWithinTheMinuteToo() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember member = this.members.get(0);
		try (CapturedLog log = CapturedLog.of(ExchangeLimits.class)) {
			warnedRestThenUnseenOne(binance, member);
			this.clock.advance(Duration.ofSeconds(1));
			binance.responded(this.pool, member, 200, null);
			this.clock.advance(Duration.ofSeconds(5));

			// the log said the run was over: a long rest must not pass unseen
			binance.responded(this.pool, member, 429, "60");

			assertThat(log.warnings()).hasSize(2)
				.last()
				.asString()
				.contains("status=429", "cooldown=1m", "repeats-at-debug=1");
		}
	}

	@Test
	void aShortRestTheLogDidNotShowWarnsWhenAnAnswerStretchesItToAMinuteOrMore() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember member = this.members.get(0);
		try (CapturedLog log = CapturedLog.of(ExchangeLimits.class)) {
			warnedRestThenUnseenOne(binance, member);

			// the tail of that burst stretches the unseen rest to an hour
			binance.responded(this.pool, member, 429, "3600");
			this.clock.advance(Duration.ofHours(1));
			binance.responded(this.pool, member, 200, null);

			assertThat(log.warnings()).hasSize(2).last().asString().contains("status=429", "cooldown=1h");
			assertThat(log.lines()).filteredOn((line) -> line.startsWith("INFO")).hasSize(2);
		}
	}

	@Test
	void membersAlreadyTriedAreNotCountedAsResting() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		binance.responded(this.pool, this.members.get(1), 429, "5");
		TriedMembers tried = new TriedMembers();
		tried.add(this.members.get(0));
		assertThat(binance.select(this.pool, tried).member()).isEqualTo(this.members.get(2));
		tried.add(this.members.get(2));
		assertThatExceptionOfType(PoolRateLimitedException.class).isThrownBy(() -> binance.select(this.pool, tried))
			.withMessageContaining("cooling down 1,");
	}

	/**
	 * A member set aside (unhealthy, breaker open) is no candidate however its rest runs: the
	 * error counts and dates the members selection would use, so that a caller retrying at
	 * retryAt finds one free, and not the same error again.
	 */
	@Test
	void aMemberSetAsideIsNeitherCountedNorDatedWhenTheAvailableOnesRest() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		binance.responded(this.pool, this.members.get(0), 429, "600");
		binance.responded(this.pool, this.members.get(1), 429, "300");
		binance.responded(this.pool, this.members.get(2), 429, "5");
		this.pool.setUnavailable(this.members.get(2), Unavailability.UNHEALTHY, true);

		assertThatExceptionOfType(PoolRateLimitedException.class)
			.isThrownBy(() -> binance.select(this.pool, Exclusion.NONE))
			.withMessageContaining("cooling down 2,")
			.satisfies((ex) -> assertThat(ex.retryIn()).isEqualTo(Duration.ofMinutes(5)));
		// the only candidate left untried is set aside: the pool's own error, not a rest
		TriedMembers tried = new TriedMembers();
		this.clock.advance(Duration.ofMinutes(10));
		tried.add(binance.select(this.pool, tried).member());
		tried.add(binance.select(this.pool, tried).member());
		binance.responded(this.pool, this.members.get(2), 429, "5");
		assertThatExceptionOfType(NoProxyAvailableException.class)
			.isThrownBy(() -> binance.select(this.pool, tried))
			.isNotInstanceOf(PoolRateLimitedException.class);

		// in panic mode the set-aside members are the candidates, and they count
		this.pool.setUnavailable(this.members.get(0), Unavailability.CIRCUIT_OPEN, true);
		this.pool.setUnavailable(this.members.get(1), Unavailability.UNHEALTHY, true);
		binance.responded(this.pool, this.members.get(0), 429, "60");
		binance.responded(this.pool, this.members.get(1), 429, "60");
		assertThatExceptionOfType(PoolRateLimitedException.class)
			.isThrownBy(() -> binance.select(this.pool, Exclusion.NONE))
			.withMessageContaining("cooling down 3,")
			.satisfies((ex) -> assertThat(ex.retryIn()).isEqualTo(Duration.ofSeconds(5)));
	}

	@Test
	void aBudgetSpreadsUsesOverMembersAndNoneExceedsIt() {
		Budget budget = new Budget(2, Duration.ofMinutes(5));
		this.limits = limits(new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1),
				Duration.ofHours(1), false, null, budget));
		// weights 4:1:1 would send two thirds of the connects to the first member
		ProxyPool websocket = new ProxyPool(new PoolSpec(PoolKey.ofDefault(ConnectionType.WEBSOCKET),
				PoolSpec.Origin.POOL, Members.weighted(4, 1, 1), "weighted", Duration.ofSeconds(30)),
				new WeightedRoundRobinStrategy(0));
		ExchangeLimits binance = this.limits.forExchange("binance");
		List<PoolMember> chosen = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			chosen.add(binance.select(websocket, Exclusion.NONE).member());
		}
		assertThat(websocket.members()).allSatisfy((member) -> {
			assertThat(chosen.stream().filter(member::equals)).hasSize(2);
			assertThat(binance.stateOf(member).budgetTokens()).isZero();
		});
		assertThatExceptionOfType(PoolRateLimitedException.class)
			.isThrownBy(() -> binance.select(websocket, Exclusion.NONE))
			.withMessageContaining("budget spent 3")
			.satisfies((ex) -> assertThat(ex.retryAt()).isEqualTo(this.clock.instant().plus(Duration.ofMinutes(5))));
		// another exchange has budgets of its own; an http pool has none under this policy
		assertThat(this.limits.forExchange("kraken").select(websocket, Exclusion.NONE)).isNotNull();
		assertThat(binance.select(this.pool, Exclusion.NONE)).isNotNull();

		this.clock.advance(Duration.ofMinutes(5));
		assertThat(binance.select(websocket, Exclusion.NONE)).isNotNull();
	}

	/**
	 * The wall clock may be stepped (NTP, an operator): a rest lasts as long as the exchange
	 * asked and a use leaves the budget's window one window later, however the clock moves.
	 */
	@Test
	void aStepOfTheWallClockNeitherShortensARestNorHoldsABudgetsWindowLonger() {
		this.limits = limits(new RateLimitPolicy(Set.of(418), Set.of(), Duration.ofSeconds(30),
				Duration.ofMinutes(10), Duration.ofHours(1), false, new Budget(1, Duration.ofMinutes(1)), null));
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember banned = this.members.get(1);
		binance.responded(this.pool, banned, 418, "600");

		this.clock.step(Duration.ofHours(1));
		assertThat(binance.stateOf(banned).cooldownRemaining()).isEqualTo(Duration.ofMinutes(10));
		assertThat(binance.stateOf(banned).coolingUntil()).isEqualTo(this.clock.instant().plus(Duration.ofMinutes(10)));
		assertThat(select(binance, 2)).doesNotContain(banned);
		assertThatExceptionOfType(PoolRateLimitedException.class)
			.isThrownBy(() -> binance.select(this.pool, Exclusion.NONE))
			.satisfies((ex) -> assertThat(ex.retryIn()).isEqualTo(Duration.ofMinutes(1)));

		// an hour back: the uses spent leave the window one minute on all the same
		this.clock.step(Duration.ofHours(-2));
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(select(binance, 2)).doesNotContain(banned).hasSize(2);
		this.clock.advance(Duration.ofMillis(9 * 60_000 - 1));
		assertThat(binance.stateOf(banned).cooldownRemaining()).isEqualTo(Duration.ofMillis(1));
		this.clock.advance(Duration.ofMillis(1));
		assertThat(select(binance, 3)).contains(banned);
	}

	@Test
	void aRefundedUseCanBeSpentAgain() {
		this.limits = limits(new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1),
				Duration.ofHours(1), false, new Budget(1, Duration.ofMinutes(1)), null));
		ExchangeLimits coinbase = this.limits.forExchange("coinbase");
		for (int i = 0; i < 10; i++) {
			Lease lease = coinbase.select(this.pool, Exclusion.NONE);
			coinbase.refund(lease);
		}
		for (PoolMember member : this.members) {
			assertThat(coinbase.stateOf(member).budgetTokens()).isOne();
		}
	}

	@Test
	void eachExchangeGetsItsOwnPolicyOrTheDefault() {
		RateLimitPolicy bybit = policy(Set.of(403), Duration.ofMinutes(10), Duration.ofMinutes(10));
		RateLimits limits = new RateLimits(new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("Bybit", bybit)),
				this.clock, this.clock.ticker());
		assertThat(limits.forExchange("BYBIT").policy()).isSameAs(bybit);
		assertThat(limits.forExchange("bybit")).isSameAs(limits.forExchange("ByBit"));
		assertThat(limits.forExchange("kraken").policy()).isSameAs(RateLimitPolicy.DEFAULTS);
	}

	@Test
	void stateOfShowsEveryExchangeThatLimitedTheMember() {
		PoolMember member = this.members.get(0);
		this.limits.forExchange("binance").responded(this.pool, member, 429, "2");
		this.limits.forExchange("bybit").responded(this.pool, member, 403, null);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.limits.stateOf(member)).containsOnlyKeys("binance", "bybit").satisfies((states) -> {
			assertThat(states.get("binance").cooldownRemaining()).isEqualTo(Duration.ofSeconds(1));
			assertThat(states.get("binance").lastStatus()).isEqualTo(429);
			assertThat(states.get("bybit").cooldownRemaining()).isEqualTo(Duration.ofSeconds(29));
			assertThat(states.get("bybit").budgetTokens()).isNull();
		});
		assertThat(this.limits.stateOf(this.members.get(1))).isEmpty();
		assertThat(this.limits.exchanges()).containsOnlyKeys("binance", "bybit");
	}

	@Test
	void aReloadChangesPoliciesAndKeepsRunningCooldowns() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember banned = this.members.get(2);
		binance.responded(this.pool, banned, 429, "60");
		RateLimitPolicy stricter = policy(Set.of(429, 503), Duration.ofSeconds(5), Duration.ofSeconds(50));

		this.limits.reconfigure(new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("binance", stricter)));

		assertThat(binance.policy()).isSameAs(stricter);
		assertThat(binance.stateOf(banned).cooldownRemaining()).isEqualTo(Duration.ofSeconds(60));
		assertThat(binance.responded(this.pool, this.members.get(0), 503, null)).isTrue();
	}

	@Test
	void aMemberARemovalTookIsForgottenByEveryExchange() {
		PoolMember banned = this.members.get(1);
		this.limits.forExchange("binance").responded(this.pool, banned, 429, "60");
		this.limits.forExchange("bybit").responded(this.pool, banned, 403, null);
		List<PoolMember> forgotten = new ArrayList<>();
		this.limits.addListener(new CooldownListener() {

			@Override
			public void cooledDown(Cooldown cooldown) {
			}

			@Override
			public void forgotten(PoolMember member) {
				forgotten.add(member);
			}

		});
		assertThat(this.limits.stateOf(banned)).containsOnlyKeys("binance", "bybit");

		this.limits.poolsChanged(new PoolsChange(List.of(), List.of(), List.of(),
				List.of(new PoolsChange.Member(this.pool, banned))));

		assertThat(this.limits.stateOf(banned)).isEmpty();
		assertThat(forgotten).containsExactly(banned);
	}

	@Test
	void aHugeRetryAfterRestsTheMemberForAsLongAsItCanInsteadOfFailing() {
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember banned = this.members.get(0);
		// 16 digits: readable as seconds, but more milliseconds than a long holds
		assertThat(binance.responded(this.pool, banned, 418, "9999999999999999")).isTrue();
		assertThat(binance.stateOf(banned).strikes()).isOne();
		assertThat(binance.stateOf(banned).cooldownRemaining()).isGreaterThan(Duration.ofDays(365 * 1000));
		assertThat(select(binance, 9)).doesNotContain(banned).hasSize(9);
		assertThat(select(this.limits.forExchange("kraken"), 9)).contains(banned);
	}

	@Test
	void aReloadThatRaisesOrDropsTheBudgetFreesMembersWhoseOldBudgetWasSpent() {
		RateLimitPolicy tight = new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ofHours(1), false, new Budget(1, Duration.ofMinutes(5)), null);
		this.limits = limits(tight);
		ExchangeLimits coinbase = this.limits.forExchange("coinbase");
		assertThat(select(coinbase, 3)).containsExactlyInAnyOrderElementsOf(this.members);
		assertThatExceptionOfType(PoolRateLimitedException.class)
			.isThrownBy(() -> coinbase.select(this.pool, Exclusion.NONE));

		// a larger budget: each member has uses left under it at once
		this.limits.reconfigure(new RateLimitPolicies(new RateLimitPolicy(Set.of(429), Set.of(),
				Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1), false,
				new Budget(10, Duration.ofMinutes(5)), null), Map.of()));
		assertThat(select(coinbase, 3)).containsExactlyInAnyOrderElementsOf(this.members);

		// no budget at all: only a cooldown passes a member over
		this.limits.reconfigure(new RateLimitPolicies(tight, Map.of()));
		select(coinbase, 3);
		this.limits.reconfigure(new RateLimitPolicies(policy(Set.of(429), Duration.ofSeconds(1),
				Duration.ofSeconds(1)), Map.of()));
		coinbase.responded(this.pool, this.members.get(0), 429, "60");
		assertThat(select(coinbase, 4)).doesNotContain(this.members.get(0))
			.contains(this.members.get(1), this.members.get(2));
	}

	@Test
	void aLateAnswerThroughAMemberAReloadRemovedLeavesNothingBehind() {
		this.limits = limits(new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1),
				Duration.ofHours(1), false, new Budget(5, Duration.ofMinutes(1)), null));
		ExchangeLimits binance = this.limits.forExchange("binance");
		PoolMember leaving = this.members.get(1);
		// a request through the member is in flight when the reload removes it
		Lease inFlight = binance.select(this.pool, (member) -> member != leaving);
		ProxyPools pools = new ProxyPools(List.of(this.pool), Map.of());
		PoolsChange change = pools.reconcile(List.of(new PoolSpec(this.pool.key(), PoolSpec.Origin.POOL,
				List.of(Members.count(3).get(0), Members.count(3).get(2)), "test", Duration.ofSeconds(30))), Map.of(),
				(strategy) -> null);
		assertThat(change.removedMembers()).containsExactly(new PoolsChange.Member(this.pool, leaving));
		this.limits.poolsChanged(change);
		assertThat(this.limits.stateOf(leaving)).isEmpty();

		// its answer comes back afterwards: the member is gone, nothing may keep state for it
		binance.responded(this.pool, leaving, 429, "60");
		binance.refund(inFlight);
		inFlight.release();

		assertThat(this.limits.stateOf(leaving)).isEmpty();
	}

	/** Requests may name any exchange: the limits of those that restrict nobody are not kept for good. */
	@Test
	void exchangesThatRestrictNobodyAreForgottenPastTheBound() {
		ExchangeLimits first = this.limits.forExchange("named0");
		for (int i = 1; i < 10_000; i++) {
			this.limits.forExchange("named" + i);
		}

		assertThat(this.limits.exchanges()).hasSizeLessThanOrEqualTo(RateLimits.EXCHANGES_KEPT);
		assertThat(this.limits.forExchange("named0")).isNotSameAs(first);
	}

	/**
	 * Requests may name ever new ids faster than their rests end (a symbol or a request id set
	 * as the exchange, each answered 429): past the hard bound the rests that end first go,
	 * never those of an exchange configured with settings of its own or of the default block.
	 */
	@Test
	void exchangesStillRestingAreForgottenPastTheHardBoundExceptConfiguredOnesAndTheDefaultBlock() {
		this.limits = new RateLimits(
				new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("binance", RateLimitPolicy.DEFAULTS)),
				this.clock, this.clock.ticker());
		Set<String> forgotten = new HashSet<>();
		this.limits.addListener(new CooldownListener() {

			@Override
			public void cooledDown(Cooldown cooldown) {
			}

			@Override
			public void exchangesForgotten(Set<String> exchanges) {
				forgotten.addAll(exchanges);
			}

		});
		this.limits.forExchange("binance").responded(this.pool, this.members.get(1), 429, "60");
		this.limits.forRoute(null, this.pool.key()).responded(this.pool, this.members.get(2), 429, "60");
		PoolMember limited = this.members.get(0);
		try (CapturedLog log = CapturedLog.of(RateLimits.class)) {
			for (int i = 0; i < 10_000; i++) {
				// the later an id is named, the longer it rests
				this.limits.forExchange("symbol" + i).responded(this.pool, limited, 429, String.valueOf(60 + i));
			}
			assertThat(log.warnings()).isNotEmpty()
				.allSatisfy((line) -> assertThat(line).startsWith("WARNING proxy cooldown: rests for ")
					.contains("at most " + RateLimits.EXCHANGES_AT_MOST + " exchanges"));
		}

		assertThat(this.limits.exchanges()).hasSizeLessThanOrEqualTo(RateLimits.EXCHANGES_AT_MOST);
		assertThat(this.limits.remainingCooldownSeconds("binance", this.members.get(1))).isEqualTo(60.0);
		assertThat(this.limits.remainingCooldownSeconds(PoolKey.DEFAULT, this.members.get(2))).isEqualTo(60.0);
		assertThat(forgotten).contains("symbol0").doesNotContain("binance", PoolKey.DEFAULT, "symbol9999");
		assertThat(this.limits.exchanges().keySet()).doesNotContainAnyElementsOf(forgotten);
		assertThat(this.limits.remainingCooldownSeconds("symbol9999", limited)).isEqualTo(60.0 + 9_999);
	}

	@Test
	void listenersHearWhichExchangesWereForgotten() {
		this.limits.forExchange("binance").responded(this.pool, this.members.get(1), 429, "60");
		Set<String> forgotten = new HashSet<>();
		this.limits.addListener(new CooldownListener() {

			@Override
			public void cooledDown(Cooldown cooldown) {
			}

			@Override
			public void exchangesForgotten(Set<String> exchanges) {
				assertThat(forgotten).as("each is heard of once").doesNotContainAnyElementsOf(exchanges);
				forgotten.addAll(exchanges);
			}

		});

		for (int i = 0; i < 2 * RateLimits.EXCHANGES_KEPT; i++) {
			this.limits.forExchange("named" + i);
		}

		assertThat(forgotten).isNotEmpty().contains("named0").doesNotContain("binance");
		assertThat(this.limits.exchanges().keySet()).doesNotContainAnyElementsOf(forgotten);
	}

	@Test
	void anExchangeWithAMemberRestingOrABudgetInUseIsKeptPastTheBound() {
		this.limits = limits(new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(30), Duration.ofHours(1),
				Duration.ofHours(1), false, new Budget(5, Duration.ofMinutes(1)), null));
		ExchangeLimits binance = this.limits.forExchange("binance");
		binance.responded(this.pool, this.members.get(1), 429, null);
		ExchangeLimits kraken = this.limits.forExchange("kraken");
		kraken.select(this.pool, Exclusion.NONE).release();
		ExchangeLimits bybit = this.limits.forExchange("bybit");
		bybit.responded(this.pool, this.members.get(2), 200, null);

		for (int i = 0; i < 2 * RateLimits.EXCHANGES_KEPT; i++) {
			this.limits.forExchange("named" + i);
		}

		assertThat(this.limits.forExchange("binance")).isSameAs(binance);
		assertThat(this.limits.remainingCooldownSeconds("BINANCE", this.members.get(1))).isEqualTo(30.0);
		assertThat(this.limits.forExchange("kraken")).isSameAs(kraken);
		assertThat(this.limits.forExchange("bybit")).isNotSameAs(bybit);
		// once the rest is over and the use left the window, they restrict nobody either
		this.clock.advance(Duration.ofMinutes(1));
		for (int i = 0; i < 2 * RateLimits.EXCHANGES_KEPT; i++) {
			this.limits.forExchange("other" + i);
		}
		assertThat(this.limits.exchanges()).doesNotContainKeys("binance", "kraken");
		assertThat(this.limits.remainingCooldownSeconds("binance", this.members.get(1))).isZero();
	}

	private RateLimits limits(RateLimitPolicy defaults) {
		RateLimits limits = new RateLimits(new RateLimitPolicies(defaults, Map.of()), this.clock, this.clock.ticker());
		limits.addListener(this.cooldowns::add);
		return limits;
	}

	private static RateLimitPolicy policy(Set<Integer> statuses, Duration cooldown, Duration max) {
		return new RateLimitPolicy(statuses, Set.of(), cooldown, max, Duration.ofHours(1), false, null, null);
	}

	private List<PoolMember> select(ExchangeLimits limits, int times) {
		List<PoolMember> chosen = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			Lease lease = limits.select(this.pool, Exclusion.NONE);
			chosen.add(lease.member());
			lease.release();
		}
		return chosen;
	}

}
