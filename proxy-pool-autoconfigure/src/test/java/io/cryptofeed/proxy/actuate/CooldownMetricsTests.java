package io.cryptofeed.proxy.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolTransportAutoConfiguration;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.core.ratelimit.Cooldown;
import io.cryptofeed.proxy.core.ratelimit.CooldownListener;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicy;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.RoundRobinStrategy;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class CooldownMetricsTests {

	private final TestClock clock = new TestClock();

	private final RateLimits limits = new RateLimits(RateLimitPolicies.DEFAULTS, this.clock, this.clock.ticker());

	private final ProxyPool pool = new ProxyPool(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP),
			PoolSpec.Origin.POOL,
			List.of(MemberSpec.of(ProxyEndpoint.parse("socks5://feed:canary-pass@10.0.0.1:1080")),
					MemberSpec.of(ProxyEndpoint.parse("socks5://desk:other-pass@10.0.0.1:1080"))),
			"round-robin", Duration.ofSeconds(30)), new RoundRobinStrategy(0));

	private final MeterRegistry registry = new SimpleMeterRegistry();

	/** Past their bound, the limits of an exchange resting nobody are made anew: its gauge must follow. */
	@Test
	void theGaugeFollowsAnExchangeWhoseLimitsWereForgottenAndMadeAnew() {
		new CooldownMetrics(this.limits).bindTo(this.registry);
		PoolMember member = this.pool.members().get(0);
		this.limits.forExchange("binance").responded(this.pool, member, 429, "2");
		this.clock.advance(Duration.ofSeconds(2));
		// more exchanges named than RateLimits keeps
		for (int i = 0; i < 10_000; i++) {
			this.limits.forExchange("named" + i);
		}

		this.limits.forExchange("binance").responded(this.pool, member, 429, "5");

		assertThat(this.registry.get("cryptofeed.proxy.cooldown.remaining").tags("exchange", "binance").gauge().value())
			.isEqualTo(5.0);
	}

	/**
	 * Requests that name ever new exchange ids, each answered 429 (a symbol set as the exchange),
	 * do not add series without end while the rests run: the meters go with the rests forgotten.
	 */
	@Test
	void idsNamedFasterThanTheirRestsEndAddNoSeriesWithoutEnd() {
		new CooldownMetrics(this.limits).bindTo(this.registry);
		PoolMember member = this.pool.members().get(0);
		int named = 10_000;
		for (int i = 0; i < named; i++) {
			this.limits.forExchange("symbol" + i).responded(this.pool, member, 429, "60");
		}

		int kept = this.limits.exchanges().size();
		assertThat(kept).isLessThan(named / 2);
		// a counter and a gauge per exchange kept
		assertThat(this.registry.getMeters()).hasSize(2 * kept);
		assertThat(this.registry.find("cryptofeed.proxy.cooldowns").tag("exchange", "symbol" + (named - 1)).counter())
			.isNotNull();
	}

	/**
	 * A member limited again reads the gauge it has. Registering that gauge anew made Micrometer
	 * log "This Gauge has been already registered" at WARN from the sample app's second 429 on.
	 */
	@Test
	void aMembersNextCooldownKeepsItsGaugeWithoutRegisteringItAgain() {
		Logger micrometer = (Logger) LoggerFactory.getLogger(MeterRegistry.class);
		ListAppender<ILoggingEvent> logged = new ListAppender<>();
		logged.start();
		Level level = micrometer.getLevel();
		// Micrometer warns once per JVM, then logs the same at DEBUG
		micrometer.setLevel(Level.DEBUG);
		micrometer.addAppender(logged);
		try {
			new CooldownMetrics(this.limits).bindTo(this.registry);
			PoolMember member = this.pool.members().get(0);
			this.limits.forExchange("binance").responded(this.pool, member, 429, "2");
			this.clock.advance(Duration.ofSeconds(3));
			this.limits.forExchange("binance").responded(this.pool, member, 429, "4");

			assertThat(this.registry.get("cryptofeed.proxy.cooldown.remaining").tags("member", "0").gauge().value())
				.isEqualTo(4.0);
			assertThat(this.registry.get("cryptofeed.proxy.cooldowns").counter().count()).isEqualTo(2);
		}
		finally {
			micrometer.detachAppender(logged);
			micrometer.setLevel(level);
		}
		assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
			.noneMatch((message) -> message.contains("already registered"));
	}

	/**
	 * A reload that configures an exchange requests named another way (GATE_IO, kept as
	 * gate_io) moves its rests to the id as configured: the meters of the spelling kept before
	 * go, a rest still running is gauged under the id as configured, and so is a member's next
	 * cooldown counted.
	 */
	@Test
	void theMetersOfASpellingAReloadFoldsIntoTheConfiguredIdGo() {
		new CooldownMetrics(this.limits).bindTo(this.registry);
		PoolMember member = this.pool.members().get(0);
		this.limits.forExchange("GATE_IO").responded(this.pool, member, 429, "30");
		assertThat(remaining("gate_io", "0")).isEqualTo(30.0);

		this.limits.reconfigure(new RateLimitPolicies(RateLimitPolicy.DEFAULTS,
				Map.of("gate-io", RateLimitPolicy.DEFAULTS)));
		assertThat(this.registry.find("cryptofeed.proxy.cooldowns").tag("exchange", "gate_io").counters()).isEmpty();
		assertThat(this.registry.find("cryptofeed.proxy.cooldown.remaining").tag("exchange", "gate_io").gauges())
			.isEmpty();
		assertThat(remaining("gate-io", "0")).isEqualTo(30.0);
		this.clock.advance(Duration.ofSeconds(30));
		this.limits.forExchange("GATE_IO").responded(this.pool, member, 429, "5");
		assertThat(remaining("gate-io", "0")).isEqualTo(5.0);
		assertThat(this.registry.get("cryptofeed.proxy.cooldowns").tags("exchange", "gate-io").counter().count())
			.isEqualTo(1);
	}

	/** Requests may name any exchange: its counters go with it when RateLimits forgets it. */
	@Test
	void theCountersOfAnExchangeGoWhenItIsForgotten() {
		Set<String> kept = restForManyExchangesThenBinance();
		assertThat(this.registry.find("cryptofeed.proxy.cooldowns").counters())
			.as("one counter per exchange kept, none for those forgotten")
			.hasSizeLessThanOrEqualTo(kept.size())
			.allSatisfy((counter) -> assertThat(kept).contains(counter.getId().getTag("exchange")));
		assertThat(this.registry.find("cryptofeed.proxy.cooldowns").tag("exchange", "named0").counters()).isEmpty();
		assertThat(this.registry.get("cryptofeed.proxy.cooldowns").tags("exchange", "binance").counter().count())
			.isEqualTo(1);
	}

	/** A member kept across reloads may rest for many exchanges over time: its gauges go with them. */
	@Test
	void theGaugesOfAnExchangeGoWhenItIsForgottenThoughTheMemberStays() {
		Set<String> kept = restForManyExchangesThenBinance();
		assertThat(this.registry.find("cryptofeed.proxy.cooldown.remaining").gauges())
			.as("one gauge per exchange kept, none for those forgotten")
			.hasSizeLessThanOrEqualTo(kept.size())
			.allSatisfy((gauge) -> assertThat(kept).contains(gauge.getId().getTag("exchange")));
		assertThat(this.registry.find("cryptofeed.proxy.cooldown.remaining").tag("exchange", "named0").gauges())
			.isEmpty();
		assertThat(remaining("binance", "0")).isEqualTo(60.0);
	}

	/** A request may name a forgotten exchange again, and its member cool down, before the metrics hear of the forgetting. */
	@Test
	void aCounterOfAnExchangeMadeAnewBeforeTheMetricsHeardItWasForgottenStays() {
		PoolMember member = this.pool.members().get(0);
		this.limits.addListener(new CooldownListener() {

			@Override
			public void cooledDown(Cooldown cooldown) {
			}

			@Override
			public void exchangesForgotten(Set<String> exchanges) {
				if (exchanges.contains("binance")) {
					CooldownMetricsTests.this.limits.forExchange("binance").responded(CooldownMetricsTests.this.pool,
							member, 429, "60");
				}
			}

		});
		new CooldownMetrics(this.limits).bindTo(this.registry);
		this.limits.forExchange("binance").responded(this.pool, member, 429, "2");
		this.clock.advance(Duration.ofSeconds(2));

		for (int i = 0; i < 10_000; i++) {
			this.limits.forExchange("named" + i);
		}

		assertThat(this.registry.get("cryptofeed.proxy.cooldowns").tags("exchange", "binance").counter().count())
			.as("both cooldowns").isEqualTo(2);
		assertThat(remaining("binance", "0")).isEqualTo(60.0);
	}

	@Test
	void countsCooldownsByExchangeAndStatusAndGaugesTheRestOfEachMember() {
		new CooldownMetrics(this.limits).bindTo(this.registry);
		this.limits.forExchange("binance").responded(this.pool, this.pool.members().get(0), 429, "2");
		this.limits.forExchange("binance").responded(this.pool, this.pool.members().get(0), 429, "2");
		this.limits.forExchange("binance").responded(this.pool, this.pool.members().get(1), 418, "60");
		this.limits.forExchange("bybit").responded(this.pool, this.pool.members().get(0), 403, null);

		assertThat(this.registry.get("cryptofeed.proxy.cooldowns").tags("exchange", "binance", "status", "429")
			.counter()
			.count()).as("the tail of one burst is one cooldown").isEqualTo(1);
		assertThat(this.registry.get("cryptofeed.proxy.cooldowns").tags("exchange", "binance", "status", "418")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.registry.get("cryptofeed.proxy.cooldowns").tags("exchange", "bybit").counter().count())
			.isEqualTo(1);

		Gauge first = this.registry.get("cryptofeed.proxy.cooldown.remaining")
			.tags("exchange", "binance", "pool", "default/http", "member", "0", "proxy", "10.0.0.1:1080")
			.gauge();
		Gauge second = this.registry.get("cryptofeed.proxy.cooldown.remaining")
			.tags("exchange", "binance", "member", "1")
			.gauge();
		assertThat(first.value()).isEqualTo(2.0);
		assertThat(second.value()).isEqualTo(60.0);
		this.clock.advance(Duration.ofMillis(1_500));
		assertThat(first.value()).isEqualTo(0.5);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(first.value()).isZero();
		assertThat(this.registry.get("cryptofeed.proxy.cooldown.remaining").tags("exchange", "bybit").gauge().value())
			.isEqualTo(27.5);
	}

	@Test
	void aReloadThatReordersMembersSharingAnAddressMovesTheirGaugesWithThem() {
		ProxyPools pools = ProxyPools.of(List.of(sharedSpec("alice", "bob")), Map.of(),
				SelectionStrategies.builtIn()::create);
		pools.addPoolsListener(this.limits);
		ProxyPool shared = pools.pools().values().iterator().next();
		PoolMember alice = shared.members().get(0);
		PoolMember bob = shared.members().get(1);
		new CooldownMetrics(this.limits).bindTo(this.registry);
		this.limits.forExchange("binance").responded(shared, alice, 429, "2");
		this.limits.forExchange("binance").responded(shared, bob, 418, "60");

		pools.reconcile(List.of(sharedSpec("bob", "alice")), Map.of(), SelectionStrategies.builtIn()::create);

		assertThat(shared.members()).containsExactly(bob, alice);
		assertThat(remaining("binance", "0")).as("member 0 is bob now, resting 60 s").isEqualTo(60.0);
		assertThat(remaining("binance", "1")).as("member 1 is alice now, resting 2 s").isEqualTo(2.0);
		assertThat(this.registry.get("cryptofeed.proxy.cooldown.remaining").gauges()).as("one gauge per member")
			.hasSize(2);
	}

	/** The exchange still bans the address: the member a reload made for it anew gauges the rest it took over. */
	@Test
	void aProxyConfiguredAgainGaugesTheCooldownItTookOver() {
		ProxyPools pools = ProxyPools.of(List.of(sharedSpec("alice", "bob")), Map.of(),
				SelectionStrategies.builtIn()::create);
		pools.addPoolsListener(this.limits);
		ProxyPool shared = pools.pools().values().iterator().next();
		new CooldownMetrics(this.limits).bindTo(this.registry);
		this.limits.forExchange("binance").responded(shared, shared.members().get(1), 418, "600");

		pools.reconcile(List.of(sharedSpec("alice")), Map.of(), SelectionStrategies.builtIn()::create);
		assertThat(this.registry.find("cryptofeed.proxy.cooldown.remaining").gauges()).as("bob's gauge went").isEmpty();
		this.clock.advance(Duration.ofSeconds(60));
		pools.reconcile(List.of(sharedSpec("alice", "bob")), Map.of(), SelectionStrategies.builtIn()::create);

		assertThat(remaining("binance", "1")).isEqualTo(540.0);
		this.clock.advance(Duration.ofSeconds(40));
		assertThat(remaining("binance", "1")).isEqualTo(500.0);
	}

	/**
	 * A ban answered through a removed member once a later reload configured its proxy again:
	 * the member standing for the proxy now rests, and its gauge shows it.
	 */
	@Test
	void aBanAnsweredThroughARemovedMemberIsGaugedAtTheMemberStandingForItsProxyNow() {
		ProxyPools pools = ProxyPools.of(List.of(sharedSpec("alice", "bob")), Map.of(),
				SelectionStrategies.builtIn()::create);
		pools.addPoolsListener(this.limits);
		ProxyPool shared = pools.pools().values().iterator().next();
		PoolMember removed = shared.members().get(1);
		new CooldownMetrics(this.limits).bindTo(this.registry);
		pools.reconcile(List.of(sharedSpec("alice")), Map.of(), SelectionStrategies.builtIn()::create);
		pools.reconcile(List.of(sharedSpec("alice", "bob")), Map.of(), SelectionStrategies.builtIn()::create);

		this.limits.forExchange("binance").responded(shared, removed, 418, "600");

		assertThat(remaining("binance", "1")).isEqualTo(600.0);
		assertThat(this.registry.get("cryptofeed.proxy.cooldown.remaining").gauges()).hasSize(1);
	}

	/**
	 * The proxy configured again takes the place another member moved to when it went: that
	 * one's gauge moves on first, so each gauge reads its own member.
	 */
	@Test
	void aProxyConfiguredAgainWhereAnotherMemberStandsNowGaugesItsOwnRest() {
		ProxyPools pools = ProxyPools.of(List.of(sharedSpec("alice", "bob")), Map.of(),
				SelectionStrategies.builtIn()::create);
		pools.addPoolsListener(this.limits);
		ProxyPool shared = pools.pools().values().iterator().next();
		PoolMember bob = shared.members().get(1);
		new CooldownMetrics(this.limits).bindTo(this.registry);
		this.limits.forExchange("binance").responded(shared, shared.members().get(0), 418, "600");
		this.limits.forExchange("binance").responded(shared, bob, 429, "300");

		pools.reconcile(List.of(sharedSpec("bob")), Map.of(), SelectionStrategies.builtIn()::create);
		assertThat(remaining("binance", "0")).as("bob moved to 0").isEqualTo(300.0);
		pools.reconcile(List.of(sharedSpec("alice", "bob")), Map.of(), SelectionStrategies.builtIn()::create);

		assertThat(shared.members().get(1)).isSameAs(bob);
		assertThat(remaining("binance", "0")).as("alice, again at 0").isEqualTo(600.0);
		assertThat(remaining("binance", "1")).as("bob, moved on to 1").isEqualTo(300.0);
		assertThat(this.registry.get("cryptofeed.proxy.cooldown.remaining").gauges()).as("one gauge per member")
			.hasSize(2);
	}

	private double remaining(String exchange, String member) {
		return this.registry.get("cryptofeed.proxy.cooldown.remaining")
			.tags("exchange", exchange, "member", member, "proxy", "10.0.0.1:1080")
			.gauge()
			.value();
	}

	private static PoolSpec sharedSpec(String... users) {
		List<MemberSpec> members = new ArrayList<>();
		for (String user : users) {
			members.add(MemberSpec.of(ProxyEndpoint.parse("socks5://" + user + ":canary-pass@10.0.0.1:1080")));
		}
		return new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP), PoolSpec.Origin.POOL, members, "round-robin",
				Duration.ofSeconds(30));
	}

	@Test
	void noTagHoldsACredential() {
		new CooldownMetrics(this.limits).bindTo(this.registry);
		this.limits.forExchange("binance").responded(this.pool, this.pool.members().get(0), 451, null);
		assertThat(this.registry.getMeters()).isNotEmpty()
			.flatMap((meter) -> meter.getId().getTags())
			.allSatisfy((tag) -> assertThat(tag.getValue()).doesNotContain("canary", "feed", "pass", "@"));
	}

	@Test
	void theBinderIsAutoConfiguredWhenMicrometerIsPresent() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
					ProxyPoolTransportAutoConfiguration.class))
			.withPropertyValues("cryptofeed.proxy.enabled=true",
					"cryptofeed.proxy.default.http.url=http://127.0.0.1:3128");
		runner.run((context) -> assertThat(context).hasSingleBean(CooldownMetrics.class).hasSingleBean(RateLimits.class));
		runner.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).doesNotHaveBean(CooldownMetrics.class)
				.hasSingleBean(RateLimits.class));
	}


	/**
	 * One member rests a second for each of 5 000 exchange ids, one after the other, then a
	 * minute for binance: the exchanges kept are those RateLimits did not forget meanwhile.
	 */
	private Set<String> restForManyExchangesThenBinance() {
		new CooldownMetrics(this.limits).bindTo(this.registry);
		PoolMember member = this.pool.members().get(0);
		for (int i = 0; i < 5_000; i++) {
			this.limits.forExchange("named" + i).responded(this.pool, member, 429, "1");
			this.clock.advance(Duration.ofSeconds(1));
		}
		this.limits.forExchange("binance").responded(this.pool, member, 418, "60");
		return this.limits.exchanges().keySet();
	}

}
