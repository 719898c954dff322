package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cryptofeed.proxy.actuate.CooldownMetrics;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.core.ratelimit.LimitState;
import io.cryptofeed.proxy.core.ratelimit.PoolRateLimitedException;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The auto-configured WebClient through three in-JVM proxies (egress 127.0.0.41, .42, .43)
 * shared by every exchange, against a target that answers rate limits, bans and geo-blocks.
 * Time is a test clock: nothing sleeps.
 */
class CooldownsThroughPoolTests {

	private static final String FIRST = "127.0.0.41";

	private static final String SECOND = "127.0.0.42";

	private final TestClock clock = new TestClock();

	private ProxyTrio trio;

	@BeforeEach
	void start() {
		this.trio = new ProxyTrio("127.0.0.4", "cooldown-secret");
	}

	@AfterEach
	void stop() {
		this.trio.close();
	}

	@Test
	void aRetryAfterKeepsTheMemberFromThatExchangeForExactlyThatLongAndNotFromOthers() {
		run((context, client) -> {
			List<Answer> answers = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				answers.add(get(client, "binance", "/status/429?retry-after=2&peer=" + FIRST));
			}
			// the limited answer reaches the caller unchanged, Retry-After included
			assertThat(answers).filteredOn((answer) -> answer.status() == 429)
				.singleElement()
				.satisfies((answer) -> assertThat(answer.retryAfter()).isEqualTo("2"));
			this.trio.target.resetCounters();

			assertThat(whoami(client, "binance", 12)).doesNotContain(FIRST).hasSize(12);
			assertThat(whoami(client, "kraken", 6)).contains(FIRST);
			this.clock.advance(Duration.ofMillis(1_999));
			assertThat(whoami(client, "binance", 12)).doesNotContain(FIRST);
			this.clock.advance(Duration.ofMillis(1));
			assertThat(whoami(client, "binance", 6)).contains(FIRST);

			PoolMember limited = pool(context).members().get(0);
			CircuitBreaker breaker = context.getBean(MemberCircuitBreakers.class).breakerOf(limited);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
			assertThat(limited.isAvailable()).isTrue();
			assertThat(context.getBean(RateLimits.class).stateOf(limited)).containsOnlyKeys("binance");
		});
	}

	@Test
	void repeatedBansGrowTheCooldownUpToTheCapAndWhileItRunsRequestsFailFastWithoutReachingTheExchange() {
		String[] single = TransportTestSupport.pool("default.http", this.trio.first.url());
		RateLimitTestSupport.runner(this.clock)
			.withPropertyValues(single)
			.withPropertyValues("cryptofeed.proxy.default.rate-limit.cooldown=1s",
					"cryptofeed.proxy.default.rate-limit.max-cooldown=3s")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				PoolMember member = pool(context).members().get(0);
				RateLimits limits = context.getBean(RateLimits.class);
				List<Duration> lengths = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					assertThat(get(client, "binance", "/status/418").status()).isEqualTo(418);
					Duration rest = limits.stateOf(member).get("binance").cooldownRemaining();
					lengths.add(rest);
					int seen = this.trio.target.requestsByPeer().getOrDefault(FIRST, 0);
					assertThatExceptionOfType(WebClientRequestException.class)
						.isThrownBy(() -> get(client, "binance", "/whoami"))
						.havingCause()
						.isInstanceOfSatisfying(PoolRateLimitedException.class, (ex) -> {
							assertThat(ex.exchange()).isEqualTo("binance");
							assertThat(ex.retryAt()).isEqualTo(this.clock.instant().plus(rest));
							assertThat(ex.getMessage()).contains("exchange=binance", "earliest retry at");
						});
					assertThat(this.trio.target.requestsByPeer().get(FIRST)).isEqualTo(seen);
					this.clock.advance(rest);
				}
				assertThat(lengths).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
						Duration.ofSeconds(3));
				// once the exchange welcomes the member again, the next ban starts short
				assertThat(get(client, "binance", "/whoami").status()).isEqualTo(200);
				assertThat(limits.stateOf(member).get("binance").strikes()).isZero();
				assertThat(get(client, "binance", "/status/418").status()).isEqualTo(418);
				assertThat(limits.stateOf(member).get("binance").cooldownRemaining()).isEqualTo(Duration.ofSeconds(1));
			});
	}

	@Test
	void aGeoBlockTakesTheMemberOutForThatExchangeOnly() {
		run((context, client) -> {
			for (int i = 0; i < 3; i++) {
				get(client, "binance", "/status/451?peer=" + SECOND);
			}
			PoolMember blocked = pool(context).members().get(1);
			LimitState state = context.getBean(RateLimits.class).stateOf(blocked).get("binance");
			assertThat(state.lastStatus()).isEqualTo(451);
			assertThat(state.cooldownRemaining()).isEqualTo(Duration.ofHours(1));

			this.clock.advance(Duration.ofMinutes(59));
			assertThat(whoami(client, "binance", 12)).doesNotContain(SECOND).hasSize(12);
			assertThat(whoami(client, "bybit", 6)).contains(SECOND);
			assertThat(whoami(client, null, 6)).as("the default settings are an exchange of their own").contains(SECOND);
		});
	}

	/**
	 * Ids match ignoring case, '-' and '_': a 429 to a request that names its exchange by the
	 * enum constant COINBASE_PRO rests the member for exchange coinbase-pro, for that exchange's
	 * cooldown, counted under that one id; a request naming it as configured passes it over.
	 */
	@Test
	void aCooldownUnderAnEnumConstantRestsTheMemberForTheExchangeConfiguredWithADash() {
		run((context, client) -> {
			RateLimits limits = context.getBean(RateLimits.class);
			MeterRegistry registry = new SimpleMeterRegistry();
			new CooldownMetrics(limits).bindTo(registry);
			for (int i = 0; i < 3; i++) {
				get(client, Venue.COINBASE_PRO, "/status/429?peer=" + FIRST);
			}
			PoolMember limited = pool(context).members().get(0);
			assertThat(limits.stateOf(limited)).containsOnlyKeys("coinbase-pro");
			assertThat(limits.stateOf(limited).get("coinbase-pro").cooldownRemaining()).isEqualTo(Duration.ofSeconds(42));
			assertThat(registry.find("cryptofeed.proxy.cooldowns").counters()).singleElement()
				.satisfies((counter) -> assertThat(counter.getId().getTag("exchange")).isEqualTo("coinbase-pro"));
			this.trio.target.resetCounters();

			assertThat(whoami(client, "coinbase-pro", 12)).doesNotContain(FIRST).hasSize(12);
			assertThat(whoami(client, Venue.COINBASE_PRO, 12)).doesNotContain(FIRST).hasSize(12);
			assertThat(whoami(client, Venue.KRAKEN, 6)).contains(FIRST);
		}, "cryptofeed.proxy.exchanges.coinbase-pro.rate-limit.cooldown=42s");
	}

	@Test
	void withRetryOnCooldownAGetIsAnsweredThroughAnotherMember() {
		run((context, client) -> {
			for (int i = 0; i < 3; i++) {
				assertThat(get(client, "binance", "/status/429?retry-after=30&peer=" + FIRST).status()).isEqualTo(200);
			}
			// the limited member was asked once, then never again; the retry went elsewhere
			assertThat(this.trio.target.requestsByPeer()).containsEntry(FIRST, 1);
			assertThat(this.trio.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum())
				.isEqualTo(4);
		}, "cryptofeed.proxy.default.rate-limit.retry-on-cooldown=true");
	}

	@Test
	void withRetryOnCooldownAPostIsNeverSentTwice() {
		run((context, client) -> {
			List<Integer> statuses = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				statuses.add(client.post()
					.uri(this.trio.target.baseUrl() + "/status/429?peer=" + FIRST)
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
					.block(Duration.ofSeconds(10)));
			}
			assertThat(statuses).containsExactlyInAnyOrder(429, 200, 200);
			assertThat(this.trio.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum())
				.isEqualTo(3);
		}, "cryptofeed.proxy.default.rate-limit.retry-on-cooldown=true");
	}

	@Test
	void whenEveryMemberIsRefusedTheRetryGivesTheCallerTheExchangesAnswer() {
		run((context, client) -> {
			Answer answer = get(client, "binance", "/status/429?retry-after=30");
			assertThat(answer.status()).isEqualTo(429);
			assertThat(this.trio.target.requestsByPeer()).hasSize(3);
		}, "cryptofeed.proxy.default.rate-limit.retry-on-cooldown=true");
	}

	/**
	 * A caller that gives up while its request is sent again after a cooldown (the exchange
	 * answers the first member with 429, and never answers the retry) leaves no connection
	 * behind: the first answer's goes back to the connection pool, and closes once idle.
	 */
	@Test
	void aCallerGivingUpDuringTheRetryAfterACooldownLeavesNoConnectionBehind() {
		AtomicBoolean limited = new AtomicBoolean();
		OwnLoopsServer exchange = OwnLoopsServer.bind((server) -> server.route((routes) -> routes.get("/limited",
				(request, response) -> limited.compareAndSet(false, true)
						? response.status(429).header("Retry-After", "30").sendString(Mono.just("slow down"))
						: Mono.never())));
		try {
			run((context, client) -> {
				Mono<?> request = client.get()
					.uri("http://127.0.0.1:" + exchange.port() + "/limited")
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.retrieve()
					.toBodilessEntity()
					.timeout(Duration.ofMillis(500));
				assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> request.block(Duration.ofSeconds(10)))
					.withRootCauseInstanceOf(TimeoutException.class);
				assertThat(limited).isTrue();
				ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
				await().atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(pool(context).members())
						.allSatisfy((member) -> assertThat(clients.openConnections(member)).isZero()));
			}, "cryptofeed.proxy.default.rate-limit.retry-on-cooldown=true",
					"cryptofeed.proxy.connection-pool.max-idle-time=200ms");
		}
		finally {
			exchange.close();
		}
	}

	private void run(ContextCallback callback, String... extra) {
		RateLimitTestSupport.runner(this.clock)
			.withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues(extra)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				callback.accept(context, context.getBean(WebClient.Builder.class).build());
			});
	}

	private List<String> whoami(WebClient client, Object exchange, int times) {
		List<String> peers = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			peers.add(get(client, exchange, "/whoami").body());
		}
		return peers;
	}

	/** @param exchange named as a request attribute: an id, or an enum constant of the application's */
	private Answer get(WebClient client, Object exchange, String path) {
		WebClient.RequestHeadersSpec<?> request = client.get().uri(this.trio.target.baseUrl() + path);
		if (exchange != null) {
			request = request.attribute(ProxyAttributes.EXCHANGE, exchange);
		}
		return request.exchangeToMono((response) -> response.bodyToMono(String.class)
			.defaultIfEmpty("")
			.map((body) -> new Answer(response.statusCode().value(),
					response.headers().asHttpHeaders().getFirst("Retry-After"), body)))
			.block(Duration.ofSeconds(10));
	}

	private static ProxyPool pool(AssertableApplicationContext context) {
		return context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
	}

	record Answer(int status, String retryAfter, String body) {
	}

	@FunctionalInterface
	interface ContextCallback {

		void accept(AssertableApplicationContext context, WebClient client) throws Exception;

	}

}
