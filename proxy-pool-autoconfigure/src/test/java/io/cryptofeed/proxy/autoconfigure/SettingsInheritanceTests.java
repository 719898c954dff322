package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.Budget;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicy;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.health.HealthCheckSettings;
import io.cryptofeed.proxy.health.HealthChecker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each setting of a block reaches, as the running pools, health checker and rate limits
 * use it (docs/configuration.md#exchanges, docs/exchange-limits.md#properties): set only in
 * {@code default}, only in an exchange block with a pool of its own, in both, in an exchange
 * block without one, and for one connection type only; at start-up, after a reload that sets
 * it, and after a reload that removes it again.
 *
 * <p>Three blocks: {@code default} and the exchange {@code own} each have an http and a
 * websocket pool, the exchange {@code bare} only hosts. {@code kraken} is configured nowhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class SettingsInheritanceTests {

	private static final String DEFAULT = "cryptofeed.proxy.default";

	private static final String OWN = "cryptofeed.proxy.exchanges.own";

	private static final String BARE = "cryptofeed.proxy.exchanges.bare";

	private final Map<String, Object> reloadable = new LinkedHashMap<>();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyPoolHealthAutoConfiguration.class, ProxyPoolReloadAutoConfiguration.class))
		.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("reloadable", this.reloadable)))
		.withPropertyValues("cryptofeed.proxy.enabled=true", DEFAULT + ".http.pool[0].url=http://127.0.0.1:1",
				DEFAULT + ".websocket.pool[0].url=socks5://127.0.0.1:2", OWN + ".hosts[0]=own.example",
				OWN + ".http.pool[0].url=http://127.0.0.1:3", OWN + ".websocket.pool[0].url=socks5://127.0.0.1:4",
				BARE + ".hosts[0]=bare.example");

	/** When the properties under test are applied. */
	enum When {

		AT_START, BY_A_RELOAD, AT_START_THEN_REMOVED_BY_A_RELOAD

	}

	/**
	 * A setting's name under its block, the two values the tests write (as written and as read
	 * back) and its built-in value.
	 */
	record Sample(String name, String first, Object firstRead, String second, Object secondRead, Object builtIn) {

		String written(boolean second) {
			return second ? this.second : this.first;
		}

	}

	/** A setting that shapes a block's own pool: never inherited, and reaching nothing in a block without one. */
	enum PoolSetting {

		TIMEOUT("timeout", "7s", Duration.ofSeconds(7), "9s", Duration.ofSeconds(9), Duration.ofSeconds(30),
				(route) -> route.pool().timeout()),
		TIMEOUT_SECONDS("timeout-seconds", "7", Duration.ofSeconds(7), "9", Duration.ofSeconds(9),
				Duration.ofSeconds(30), (route) -> route.pool().timeout()),
		STRATEGY("strategy", "random", "random", "least_connections", "least-connections", "round-robin",
				(route) -> route.pool().strategyName()),
		// a boolean has no second value: in both blocks, each is off in its own right
		HEALTH_CHECK_ENABLED("health-check.enabled", "false", false, "false", false, true,
				(route) -> route.health() != null),
		HEALTH_CHECK_METHOD("health-check.method", "ping", HealthCheckSettings.Method.PING, "http",
				HealthCheckSettings.Method.HTTP, HealthCheckSettings.Method.TCP,
				(route) -> route.health().method()),
		HEALTH_CHECK_INTERVAL("health-check.interval", "20s", Duration.ofSeconds(20), "40s", Duration.ofSeconds(40),
				Duration.ofSeconds(30), (route) -> route.health().interval()),
		HEALTH_CHECK_TIMEOUT("health-check.timeout", "2s", Duration.ofSeconds(2), "3s", Duration.ofSeconds(3),
				Duration.ofSeconds(5), (route) -> route.health().timeout()),
		HEALTH_CHECK_RETRY_COUNT("health-check.retry-count", "1", 1, "5", 5, 3,
				(route) -> route.health().attempts()),
		HEALTH_CHECK_UNHEALTHY_THRESHOLD("health-check.unhealthy-threshold", "1", 1, "4", 4, 2,
				(route) -> route.health().unhealthyThreshold()),
		HEALTH_CHECK_HEALTHY_THRESHOLD("health-check.healthy-threshold", "1", 1, "4", 4, 2,
				(route) -> route.health().healthyThreshold()),
		HEALTH_CHECK_JITTER("health-check.jitter", "20%", 0.2, "30%", 0.3, 0.1, (route) -> route.health().jitter()),
		// read as whether 200 and 204 pass
		HEALTH_CHECK_EXPECTED_STATUS("health-check.expected-status", "200", List.of(true, false), "204",
				List.of(false, true), List.of(true, true), (route) -> List
					.of(route.health().expectedStatus().test(200), route.health().expectedStatus().test(204)));

		final Sample sample;

		final Function<Route, Object> reader;

		PoolSetting(String name, String first, Object firstRead, String second, Object secondRead, Object builtIn,
				Function<Route, Object> reader) {
			this.sample = new Sample(name, first, firstRead, second, secondRead, builtIn);
			this.reader = reader;
		}

		/** The properties that set it in a connection block (http method checks need a URL). */
		List<String> in(String block, boolean second) {
			List<String> properties = new ArrayList<>();
			properties.add(block + "." + this.sample.name() + "=" + this.sample.written(second));
			if (second && this == HEALTH_CHECK_METHOD) {
				properties.add(block + ".health-check.url=http://127.0.0.1:5/ping");
			}
			return properties;
		}

		Object read(Route route) {
			return this.reader.apply(route);
		}

		/**
		 * How the INFO about an exchange pool that keeps the built-in value names it, with the
		 * default block's first value (a timeout in seconds is named as the timeout it is).
		 */
		String reported() {
			String name = (this == TIMEOUT_SECONDS) ? "timeout" : this.sample.name();
			String builtIn = switch (this) {
				case TIMEOUT, TIMEOUT_SECONDS, HEALTH_CHECK_INTERVAL -> "30s";
				case HEALTH_CHECK_TIMEOUT -> "5s";
				case HEALTH_CHECK_JITTER -> "10%";
				case HEALTH_CHECK_EXPECTED_STATUS -> "200-299";
				case HEALTH_CHECK_METHOD -> "tcp";
				default -> String.valueOf(this.sample.builtIn());
			};
			String first = (this == TIMEOUT_SECONDS) ? this.sample.first() + "s" : this.sample.first();
			return name + "=" + builtIn + " (the default block sets " + first + ")";
		}

	}

	/** A rate-limit or budget value: each unset one comes from {@code default}, whatever pool carries the traffic. */
	enum LimitSetting {

		STATUSES("rate-limit.statuses", "429,418", Set.of(429, 418), "503", Set.of(503),
				RateLimitPolicy.DEFAULTS.statuses(), RateLimitPolicy::statuses),
		COOLDOWN("rate-limit.cooldown", "1m", Duration.ofMinutes(1), "2m", Duration.ofMinutes(2),
				RateLimitPolicy.DEFAULTS.cooldown(), RateLimitPolicy::cooldown),
		MAX_COOLDOWN("rate-limit.max-cooldown", "20m", Duration.ofMinutes(20), "40m", Duration.ofMinutes(40),
				RateLimitPolicy.DEFAULTS.maxCooldown(), RateLimitPolicy::maxCooldown),
		GEO_BLOCK_STATUSES("rate-limit.geo-block-statuses", "403", Set.of(403), "429", Set.of(429),
				RateLimitPolicy.DEFAULTS.geoBlockStatuses(), RateLimitPolicy::geoBlockStatuses),
		GEO_BLOCK_COOLDOWN("rate-limit.geo-block-cooldown", "2h", Duration.ofHours(2), "3h", Duration.ofHours(3),
				RateLimitPolicy.DEFAULTS.geoBlockCooldown(), RateLimitPolicy::geoBlockCooldown),
		RETRY_ON_COOLDOWN("rate-limit.retry-on-cooldown", "true", true, "true", true, false,
				RateLimitPolicy::retryOnCooldown),
		HTTP_BUDGET("http.budget", "10/1s", new Budget(10, Duration.ofSeconds(1)), "20/2s",
				new Budget(20, Duration.ofSeconds(2)), null, RateLimitPolicy::httpBudget),
		WEBSOCKET_BUDGET("websocket.budget", "300/5m", new Budget(300, Duration.ofMinutes(5)), "30/1m",
				new Budget(30, Duration.ofMinutes(1)), null, RateLimitPolicy::websocketBudget);

		final Sample sample;

		final Function<RateLimitPolicy, Object> reader;

		LimitSetting(String name, String first, Object firstRead, String second, Object secondRead, Object builtIn,
				Function<RateLimitPolicy, Object> reader) {
			this.sample = new Sample(name, first, firstRead, second, secondRead, builtIn);
			this.reader = reader;
		}

		/** The properties that set it in a settings block ({@code default} or an exchange's). */
		List<String> in(String block, boolean second) {
			String value = this.sample.written(second);
			if (!this.sample.name().endsWith(".budget")) {
				return List.of(block + "." + this.sample.name() + "=" + value);
			}
			String[] budget = value.split("/");
			String max = (this == HTTP_BUDGET) ? "max-requests" : "max-connects";
			return List.of(block + "." + this.sample.name() + "." + max + "=" + budget[0],
					block + "." + this.sample.name() + ".window=" + budget[1]);
		}

		/** The connection type whose traffic the value is read for: a budget is per type. */
		ConnectionType type() {
			return (this == WEBSOCKET_BUDGET) ? ConnectionType.WEBSOCKET : ConnectionType.HTTP;
		}

		/** The policy's value for the traffic of this connection type (a budget is per type). */
		Object read(Route route) {
			return this.reader.apply(route.policy());
		}

	}

	static Stream<Arguments> poolSettings() {
		return Arrays.stream(PoolSetting.values())
			.flatMap((setting) -> Arrays.stream(When.values()).map((when) -> Arguments.of(setting, when)));
	}

	static Stream<Arguments> poolSettingsAtStartAndByAReload() {
		return Arrays.stream(PoolSetting.values())
			.flatMap((setting) -> Stream.of(When.AT_START, When.BY_A_RELOAD).map((when) -> Arguments.of(setting, when)));
	}

	static Stream<Arguments> limitSettings() {
		return Arrays.stream(LimitSetting.values())
			.flatMap((setting) -> Arrays.stream(When.values()).map((when) -> Arguments.of(setting, when)));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("poolSettings")
	void aPoolSettingOnlyInTheDefaultBlockShapesTheDefaultPoolsAndNoExchangePoolOfItsOwn(PoolSetting setting,
			When when) {
		applied(when, setting.in(DEFAULT + ".http", false), (routes) -> {
			assertThat(setting.read(routes.http(null))).isEqualTo(setting.sample.firstRead());
			assertThat(setting.read(routes.http("bare"))).as("bare uses the default pool")
				.isEqualTo(setting.sample.firstRead());
			assertThat(setting.read(routes.http("own"))).as("not inherited").isEqualTo(setting.sample.builtIn());
			assertThat(setting.read(routes.websocket(null))).as("http only").isEqualTo(setting.sample.builtIn());
		}, everywhereBuiltIn(setting));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("poolSettings")
	void aPoolSettingInAnExchangeBlockWithItsOwnPoolShapesThatPoolAlone(PoolSetting setting, When when) {
		applied(when, setting.in(OWN + ".http", false), (routes) -> {
			assertThat(setting.read(routes.http("own"))).isEqualTo(setting.sample.firstRead());
			assertThat(setting.read(routes.http(null))).isEqualTo(setting.sample.builtIn());
			assertThat(setting.read(routes.http("bare"))).isEqualTo(setting.sample.builtIn());
			assertThat(setting.read(routes.websocket("own"))).as("http only").isEqualTo(setting.sample.builtIn());
		}, everywhereBuiltIn(setting));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("poolSettings")
	void aPoolSettingInBothBlocksShapesEachPoolWithItsBlocksValue(PoolSetting setting, When when) {
		List<String> properties = new ArrayList<>(setting.in(DEFAULT + ".http", false));
		properties.addAll(setting.in(OWN + ".http", true));
		applied(when, properties, (routes) -> {
			assertThat(setting.read(routes.http(null))).isEqualTo(setting.sample.firstRead());
			assertThat(setting.read(routes.http("bare"))).isEqualTo(setting.sample.firstRead());
			assertThat(setting.read(routes.http("own"))).isEqualTo(setting.sample.secondRead());
		}, everywhereBuiltIn(setting));
	}

	/**
	 * The exchange's own pool keeps the built-in value, silently by the documented rule: an INFO
	 * names it, the default block's value and the fix, once per block and type.
	 */
	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("poolSettingsAtStartAndByAReload")
	void aPoolSettingOnlyInTheDefaultBlockIsNamedInAnInfoForEachExchangeBlockWithAPoolOfItsOwn(PoolSetting setting,
			When when, CapturedOutput output) {
		applied(when, setting.in(DEFAULT + ".http", false), (routes) -> {
			assertThat(setting.read(routes.http("own"))).as("not inherited").isEqualTo(setting.sample.builtIn());
			assertThat(ownPoolLines(output)).containsExactly("proxy config: " + OWN + ".http has a pool of its own and"
					+ " uses " + setting.reported() + "; set it in " + OWN + ".http to use that");
			assertThat(output.getOut().lines().filter((line) -> line.contains(" has a pool of its own and uses ")))
				.allMatch((line) -> line.contains(" INFO "));
		}, null);
	}

	/** The same value in both blocks, and a value only in the exchange's, are what the operator wrote. */
	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("poolSettingsAtStartAndByAReload")
	void aPoolSettingAlikeInBothBlocksOrOnlyInTheExchangeBlockIsNamedInNoInfo(PoolSetting setting, When when,
			CapturedOutput output) {
		List<String> properties = new ArrayList<>(setting.in(DEFAULT + ".http", false));
		properties.addAll(setting.in(OWN + ".http", false));
		properties.addAll(setting.in(OWN + ".websocket", false));
		applied(when, properties, (routes) -> {
			assertThat(setting.read(routes.http("own"))).isEqualTo(setting.sample.firstRead());
			assertThat(ownPoolLines(output)).isEmpty();
		}, null);
	}

	/**
	 * Several values in one line; a block with a url (one proxy) is not told of the strategy,
	 * which one proxy makes moot; an exchange's value of its own, other than default's, is what
	 * the operator wrote and named in no line.
	 */
	@ParameterizedTest(name = "{0}")
	@EnumSource(value = When.class, names = { "AT_START", "BY_A_RELOAD" })
	void theInfoNamesEveryValueAnExchangePoolKeepsInOneLine(When when, CapturedOutput output) {
		String single = "cryptofeed.proxy.exchanges.single";
		this.reloadable.put(single + ".hosts[0]", "single.example");
		this.reloadable.put(single + ".http.url", "http://user:secret@127.0.0.1:6");
		applied(when, List.of(DEFAULT + ".http.strategy=least-connections", DEFAULT + ".http.timeout-seconds=10",
				DEFAULT + ".http.health-check.interval=20s", DEFAULT + ".http.health-check.retry-count=1",
				DEFAULT + ".websocket.strategy=random", OWN + ".websocket.strategy=weighted",
				OWN + ".http.health-check.retry-count=5"), (routes) -> {
					assertThat(ownPoolLines(output)).containsExactlyInAnyOrder("proxy config: " + OWN + ".http has a pool of its"
							+ " own and uses strategy=round-robin, timeout=30s, health-check.interval=30s (the default"
							+ " block sets least-connections, 10s, 20s); set them in " + OWN + ".http to use those",
							"proxy config: " + single + ".http has a url of its own and uses timeout=30s,"
									+ " health-check.interval=30s, health-check.retry-count=3 (the default block sets"
									+ " 10s, 20s, 1); set them in " + single + ".http to use those");
					assertThat(output).doesNotContain("secret");
				}, null);
	}

	/** The INFO lines about exchange pools that keep a built-in value, from the line's own start. */
	private static List<String> ownPoolLines(CapturedOutput output) {
		return output.getOut()
			.lines()
			.filter((line) -> line.contains(" of its own and uses "))
			.map((line) -> line.substring(line.indexOf("proxy config: ")))
			.toList();
	}

	/** The exchange's connections go through the default pool, with its settings; the WARN says so. */
	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("poolSettings")
	void aPoolSettingInAnExchangeBlockWithoutAPoolReachesNothingAndIsNamedInAWarning(PoolSetting setting, When when,
			CapturedOutput output) {
		List<String> properties = setting.in(BARE + ".http", false);
		applied(when, properties, (routes) -> {
			assertThat(routes.http("bare").pool()).isSameAs(routes.http(null).pool());
			assertThat(setting.read(routes.http("bare"))).isEqualTo(setting.sample.builtIn());
			assertThat(output).contains(BARE + ".http." + setting.sample.name() + "=")
				.contains("applies to nothing: the block has no url or pool of its own");
		}, everywhereBuiltIn(setting));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("limitSettings")
	void aLimitOnlyInTheDefaultBlockReachesEveryExchange(LimitSetting setting, When when) {
		applied(when, setting.in(DEFAULT, false), (routes) -> {
			for (String exchange : new String[] { null, "own", "bare", "kraken" }) {
				assertThat(setting.read(routes.of(exchange, setting.type()))).as(exchange).isEqualTo(setting.sample.firstRead());
			}
		}, everywhereBuiltIn(setting));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("limitSettings")
	void aLimitInAnExchangeBlockWithItsOwnPoolReachesThatExchangeAlone(LimitSetting setting, When when) {
		applied(when, setting.in(OWN, false), (routes) -> {
			assertThat(setting.read(routes.of("own", setting.type()))).isEqualTo(setting.sample.firstRead());
			for (String exchange : new String[] { null, "bare", "kraken" }) {
				assertThat(setting.read(routes.of(exchange, setting.type()))).as(exchange).isEqualTo(setting.sample.builtIn());
			}
		}, everywhereBuiltIn(setting));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("limitSettings")
	void aLimitInBothBlocksGivesTheExchangeItsOwnAndTheOthersTheDefaultBlocks(LimitSetting setting, When when) {
		List<String> properties = new ArrayList<>(setting.in(DEFAULT, false));
		properties.addAll(setting.in(OWN, true));
		applied(when, properties, (routes) -> {
			assertThat(setting.read(routes.of("own", setting.type()))).isEqualTo(setting.sample.secondRead());
			for (String exchange : new String[] { null, "bare", "kraken" }) {
				assertThat(setting.read(routes.of(exchange, setting.type()))).as(exchange)
					.isEqualTo(setting.sample.firstRead());
			}
		}, everywhereBuiltIn(setting));
	}

	/** Limits count per member and exchange: through the default pool, they are the exchange's. */
	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("limitSettings")
	void aLimitInAnExchangeBlockWithoutAPoolAppliesToItsTrafficThroughTheDefaultPool(LimitSetting setting, When when,
			CapturedOutput output) {
		applied(when, setting.in(BARE, false), (routes) -> {
			Route bare = routes.of("bare", setting.type());
			assertThat(bare.pool()).isSameAs(routes.of(null, setting.type()).pool());
			assertThat(setting.read(bare)).isEqualTo(setting.sample.firstRead());
			assertThat(setting.read(routes.of(null, setting.type()))).isEqualTo(setting.sample.builtIn());
			assertThat(setting.read(routes.of("own", setting.type()))).isEqualTo(setting.sample.builtIn());
			assertThat(output).doesNotContain("applies to nothing");
		}, everywhereBuiltIn(setting));
	}

	/** Each budget value comes from the default block apart, and the two connection types apart. */
	@ParameterizedTest(name = "{0}")
	@EnumSource(value = When.class, names = { "AT_START", "BY_A_RELOAD" })
	void budgetsAreInheritedPerConnectionTypeAndPerValue(When when) {
		applied(when, List.of(DEFAULT + ".http.budget.max-requests=10", DEFAULT + ".http.budget.window=1s",
				OWN + ".websocket.budget.max-connects=300", OWN + ".websocket.budget.window=5m",
				BARE + ".http.budget.window=2s"), (routes) -> {
					assertThat(routes.websocket(null).policy().websocketBudget()).isNull();
					assertThat(routes.http("own").policy().httpBudget()).isEqualTo(new Budget(10, Duration.ofSeconds(1)));
					assertThat(routes.websocket("own").policy().websocketBudget())
						.isEqualTo(new Budget(300, Duration.ofMinutes(5)));
					assertThat(routes.http("bare").policy().httpBudget()).isEqualTo(new Budget(10, Duration.ofSeconds(2)));
					assertThat(routes.websocket("bare").policy().websocketBudget()).isNull();
				}, null);
	}

	/**
	 * A pool is replaced as a whole: an exchange's pool takes neither the default block's members
	 * nor their weights or metadata, nor the strategy that reads the weights (the WARN says its
	 * own strategy ignores them); a block whose members are all disabled falls back to
	 * {@code default}, members and all.
	 */
	@ParameterizedTest(name = "{0}")
	@EnumSource(value = When.class, names = { "AT_START", "BY_A_RELOAD" })
	void membersAreNeverInheritedAndAPoolOfDisabledMembersFallsBackToTheDefaultOne(When when, CapturedOutput output) {
		String off = "cryptofeed.proxy.exchanges.off";
		// a list comes whole from the highest source that sets it: each pool is written here in full
		applied(when, List.of(DEFAULT + ".http.strategy=weighted", DEFAULT + ".http.pool[0].url=http://127.0.0.1:1",
				DEFAULT + ".http.pool[0].weight=3", DEFAULT + ".http.pool[0].metadata.region=eu-west",
				DEFAULT + ".http.pool[1].url=http://127.0.0.1:6", OWN + ".http.pool[0].url=http://127.0.0.1:3",
				OWN + ".http.pool[0].weight=2", OWN + ".http.pool[1].url=http://127.0.0.1:7", off + ".hosts[0]=off.example",
				off + ".http.pool[0].url=http://127.0.0.1:8", off + ".http.pool[0].enabled=false"), (routes) -> {
					ProxyPool own = routes.http("own").pool();
					assertThat(own.members()).extracting((member) -> member.endpoint().port()).containsExactly(3, 7);
					assertThat(own.members()).extracting(PoolMember::weight).containsExactly(2, 1);
					assertThat(own.members()).allSatisfy((member) -> assertThat(member.metadata()).isEmpty());
					assertThat(own.strategyName()).isEqualTo("round-robin");
					assertThat(output).contains("pool=own/http strategy=round-robin ignores the members' weights");
					ProxyPool defaults = routes.http(null).pool();
					assertThat(routes.http("bare").pool()).isSameAs(defaults);
					assertThat(routes.http("off").pool()).isSameAs(defaults);
					assertThat(defaults.members().get(0).weight()).isEqualTo(3);
					assertThat(defaults.members().get(0).metadata()).containsEntry("region", "eu-west");
				}, null);
	}

	/**
	 * The settings a block without proxies kept (and the WARN named) shape the pool a reload
	 * gives it; a reload that takes the pool away sends its connections back to the default
	 * pool, with the default block's settings.
	 */
	@Test
	void aReloadThatGivesABlockAPoolAppliesTheSettingsItKeptAndOneThatTakesItAwayFallsBack() {
		put(List.of(BARE + ".http.timeout=7s", BARE + ".http.strategy=random", BARE + ".http.health-check.interval=20s"));
		this.runner.run((context) -> {
			Routes routes = new Routes(context);
			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);
			assertThat(routes.http("bare").pool()).isSameAs(routes.http(null).pool());

			put(List.of(BARE + ".http.pool[0].url=http://127.0.0.1:9"));
			assertThat(reloader.reload()).isTrue();
			Route own = routes.http("bare");
			assertThat(own.pool().key().settings()).isEqualTo("bare");
			assertThat(own.pool().timeout()).isEqualTo(Duration.ofSeconds(7));
			assertThat(own.pool().strategyName()).isEqualTo("random");
			assertThat(own.health().interval()).isEqualTo(Duration.ofSeconds(20));

			this.reloadable.remove(BARE + ".http.pool[0].url");
			assertThat(reloader.reload()).isTrue();
			Route fallback = routes.http("bare");
			assertThat(fallback.pool()).isSameAs(routes.http(null).pool());
			assertThat(fallback.pool().timeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(fallback.health().interval()).isEqualTo(Duration.ofSeconds(30));
		});
	}

	/**
	 * Rate limits are per exchange, not per connection type, and the breaker and failover
	 * settings are global: written in a block, they are refused, naming the property.
	 */
	@ParameterizedTest
	@ValueSource(strings = { OWN + ".http.rate-limit.cooldown=1m", OWN + ".circuit-breaker.failure-rate-threshold=20",
			OWN + ".failover.max-attempts=1", DEFAULT + ".circuit-breaker.failure-rate-threshold=20",
			DEFAULT + ".http.failover.max-attempts=1" })
	void settingsThatAreNotPerBlockAreRefusedInABlock(String property) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(ProxyConfigurationValidationTests.findCause(context.getStartupFailure()).violations())
				.extracting(ConfigurationViolation::property)
				.contains(property.substring(0, property.indexOf('=')));
		});
	}

	private static Consumer<Routes> everywhereBuiltIn(PoolSetting setting) {
		return (routes) -> {
			for (String exchange : new String[] { null, "own", "bare" }) {
				for (ConnectionType type : ConnectionType.values()) {
					assertThat(setting.read(routes.of(exchange, type))).as(exchange + "/" + type)
						.isEqualTo(setting.sample.builtIn());
				}
			}
		};
	}

	private static Consumer<Routes> everywhereBuiltIn(LimitSetting setting) {
		return (routes) -> {
			for (String exchange : new String[] { null, "own", "bare", "kraken" }) {
				assertThat(setting.read(routes.of(exchange, setting.type()))).as(exchange).isEqualTo(setting.sample.builtIn());
			}
		};
	}

	/**
	 * Runs the context with the properties applied as {@code when} says, and the assertions on
	 * what it then uses; after a reload that removes them again, {@code removed}'s.
	 */
	private void applied(When when, List<String> properties, Consumer<Routes> assertions, Consumer<Routes> removed) {
		if (when != When.BY_A_RELOAD) {
			put(properties);
		}
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			Routes routes = new Routes(context);
			// limits looked up before a reload: the reload must reconfigure them, not only new ones
			routes.touchAll();
			if (when == When.AT_START) {
				assertions.accept(routes);
				return;
			}
			if (when == When.BY_A_RELOAD) {
				put(properties);
			}
			else {
				properties.forEach((property) -> this.reloadable.remove(property.substring(0, property.indexOf('='))));
			}
			assertThat(context.getBean(ProxyPoolReloader.class).reload()).as("reload applied").isTrue();
			((when == When.BY_A_RELOAD) ? assertions : removed).accept(routes);
		});
	}

	private void put(List<String> properties) {
		properties.forEach((property) -> {
			int equals = property.indexOf('=');
			this.reloadable.put(property.substring(0, equals), property.substring(equals + 1));
		});
	}

	/** What the running objects use for one exchange's connections of one type. */
	record Route(ProxyPool pool, HealthCheckSettings health, RateLimitPolicy policy) {
	}

	/** Reads the running objects of a context, as they stand at each call. */
	static final class Routes {

		private final AssertableApplicationContext context;

		Routes(AssertableApplicationContext context) {
			this.context = context;
		}

		Route http(String exchange) {
			return of(exchange, ConnectionType.HTTP);
		}

		Route websocket(String exchange) {
			return of(exchange, ConnectionType.WEBSOCKET);
		}

		/** @param exchange an exchange id, or {@code null} for a connection that names none */
		Route of(String exchange, ConnectionType type) {
			ProxyPool pool = this.context.getBean(ProxyPools.class).resolve(exchange, type).orElseThrow();
			HealthCheckSettings health = this.context.getBean(ProxyPoolReloader.class)
				.current()
				.healthChecks()
				.get(pool.key());
			// the checker checks the members of the pools these settings are given for, and no others
			HealthChecker checker = this.context.getBean(HealthChecker.class);
			assertThat(pool.members()).filteredOn(PoolMember::enabled)
				.allSatisfy((member) -> assertThat(checker.healthOf(member).isPresent())
					.as(pool.nameOf(member) + " checked")
					.isEqualTo(health != null));
			RateLimitPolicy policy = this.context.getBean(RateLimits.class).forRoute(exchange, pool.key()).policy();
			return new Route(pool, health, policy);
		}

		void touchAll() {
			for (String exchange : new String[] { null, "own", "bare", "kraken" }) {
				for (ConnectionType type : ConnectionType.values()) {
					of(exchange, type);
				}
			}
		}

	}

}
