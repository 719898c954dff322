package io.cryptofeed.proxy.netty;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.NoProxyAvailableException;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.core.ratelimit.Budget;
import io.cryptofeed.proxy.core.ratelimit.PoolRateLimitedException;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicy;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.PrematureCloseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The leases of one logical connection across its attempts. */
class ConnectAttemptTests {

	private final ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP),
			PoolSpec.Origin.POOL, List.of(member("a"), member("b")), "least-connections", Duration.ofSeconds(30))),
			Map.of(), SelectionStrategies.builtIn()::create);

	/** The members whose breakers heard of a failure, in order (both members share one host). */
	private final List<PoolMember> blamed = new ArrayList<>();

	private final ConnectAttempt attempt = new ConnectAttempt(null, ConnectionType.HTTP, ProxyOutcomes.NONE,
			new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()), () -> false);

	/**
	 * A proxy service's proxy carries a connection whose exchange resolves to no pool block (a
	 * setup with the service and no embedded pools): its request gets the blocks' default
	 * response timeout. It had none, so a tunnel through it that stalled once up held the
	 * request until the application gave up, if it ever did.
	 */
	@Test
	void aSourcesProxyWhereNoPoolBlockResolvesGetsTheBlocksDefaultResponseTimeout() {
		ProxyPools none = ProxyPools.of(List.of(), Map.of(), SelectionStrategies.builtIn()::create);
		ConnectAttempt attempt = new ConnectAttempt("binance", ConnectionType.HTTP, ProxyOutcomes.NONE,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()), () -> false);
		assertThat(attempt.route(none, () -> "api.binance.com")).isNull();
		attempt.use(ProxyChoice.proxy(ProxyEndpoint.parse("socks5://10.0.0.6:1080"), ProxyChoice.embedded(),
				new ProxyChoice.Feedback() {

					@Override
					public void connected(Duration elapsed) {
					}

					@Override
					public void failed(Duration elapsed, Throwable cause) {
					}

				}));

		assertThat(attempt.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void aLeaseAFailoverTakesAfterACancelReleasedEverythingGoesBackAtOnce() {
		ProxyPool pool = this.attempt.route(this.pools, () -> "exchange.example");
		Lease first = this.attempt.select(pool);
		this.attempt.failed(new ConnectException("refused"), 3);
		// the caller cancels while the failover is already on its way to the next member
		this.attempt.releaseAll();
		Lease second = this.attempt.select(pool);

		assertThat(first.isReleased()).isTrue();
		assertThat(second.isReleased()).isTrue();
		assertThat(pool.members()).extracting(PoolMember::activeLeases).containsOnly(0);
	}

	/**
	 * A reload closed the pool the connection was routed to (its exchange's block removed)
	 * while a member of it failed: the next try routes anew, to the pool that serves the
	 * exchange now, and may try each of that pool's members.
	 */
	@Test
	void aConnectionWhosePoolAReloadClosedRoutesAnewAndMayTryEachMemberThere() {
		PoolSpec defaults = new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP), PoolSpec.Origin.POOL,
				List.of(member("b"), member("c")), "round-robin", Duration.ofSeconds(30));
		PoolSpec binance = new PoolSpec(new PoolKey("binance", ConnectionType.HTTP), PoolSpec.Origin.POOL,
				List.of(member("a")), "round-robin", Duration.ofSeconds(30));
		ProxyPools pools = ProxyPools.of(List.of(defaults, binance), Map.of(), SelectionStrategies.builtIn()::create);
		ConnectAttempt attempt = new ConnectAttempt("binance", ConnectionType.HTTP, ProxyOutcomes.NONE,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()), () -> false);
		ProxyPool routed = attempt.route(pools, () -> "api.binance.com");
		attempt.select(routed);
		pools.reconcile(List.of(defaults), Map.of(), SelectionStrategies.builtIn()::create);

		assertThat(attempt.failed(new ConnectException("refused"), 3)).isTrue();
		assertThat(attempt.mayTryAnother(3)).isTrue();
		ProxyPool now = attempt.route(pools, () -> "api.binance.com");
		assertThat(now).isNotSameAs(routed).isSameAs(pools.resolve("binance", ConnectionType.HTTP).orElseThrow());
		attempt.select(now);
		attempt.failed(new ConnectException("refused"), 3);
		assertThat(attempt.mayTryAnother(3)).isTrue();
		attempt.select(now);
		attempt.failed(new ConnectException("refused"), 3);
		assertThat(attempt.mayTryAnother(3)).isFalse();
		attempt.releaseAll();
		assertThat(now.members()).extracting(PoolMember::activeLeases).containsOnly(0);
	}

	/**
	 * A connection's first selection names the reason operators look for: every member
	 * drained, not a failover that used them all up (troubleshooting tells the two apart).
	 */
	@Test
	void aFirstSelectionFromAPoolWhoseMembersAreAllDrainedSaysSo() {
		ProxyPool pool = this.attempt.route(this.pools, () -> "exchange.example");
		pool.members().forEach((member) -> pool.setUnavailable(member, Unavailability.DRAINED, true));

		assertThatExceptionOfType(NoProxyAvailableException.class).isThrownBy(() -> this.attempt.select(pool))
			.withMessageContaining("every enabled member is drained");
	}

	/** Past their bound, limits that restrict nobody are forgotten: a 429 must still rest the member for the next connects. */
	@Test
	void aCooldownAnswerReachesTheLimitsLaterConnectsReadAfterTheExchangesWereForgotten() {
		RateLimits limits = new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC());
		ConnectAttempt attempt = new ConnectAttempt("binance", ConnectionType.HTTP, ProxyOutcomes.NONE, limits, () -> false);
		ProxyPool pool = attempt.route(this.pools, () -> "exchange.example");
		PoolMember limited = attempt.select(pool).member();
		// requests that named many other exchanges meanwhile
		for (int i = 0; i < 10_000; i++) {
			limits.forExchange("named" + i);
		}

		attempt.responded(429, EmptyHttpHeaders.INSTANCE);
		attempt.releaseAll();

		assertThat(limits.remainingCooldownSeconds("binance", limited)).isPositive();
		assertThat(limits.forExchange("binance").stateOf(limited).strikes()).isOne();
	}

	@Test
	void aStalledTlsHandshakeIsBlamedOnItsMemberOnlyOnceTheExchangeAnswersThroughAnother() {
		ConnectAttempt attempt = blamingAttempt();
		ProxyPool pool = attempt.route(this.pools, () -> "exchange.example");
		PoolMember stalling = attempt.select(pool).member();
		attempt.failed(new SslHandshakeTimeoutException("handshake timed out after 3000ms"), 3);
		assertThat(this.blamed).as("the exchange may be what stalls").isEmpty();
		assertThat(stalling.failedConnects()).as("a failed connection all the same").isOne();

		attempt.select(pool);
		attempt.responded(200, EmptyHttpHeaders.INSTANCE);
		attempt.releaseAll();
		assertThat(this.blamed).containsExactly(stalling);
	}

	@Test
	void whenTheTlsHandshakeStallsThroughEveryMemberNoBreakerHearsOfIt() {
		ConnectAttempt attempt = blamingAttempt();
		ProxyPool pool = attempt.route(this.pools, () -> "exchange.example");
		for (int i = 0; i < 2; i++) {
			attempt.select(pool);
			attempt.failed(new SslHandshakeTimeoutException("handshake timed out after 3000ms"), 3);
		}
		attempt.releaseAll();
		assertThat(this.blamed).isEmpty();
		assertThat(attempt.failures()).hasSize(2).allSatisfy((failure) -> assertThat(failure)
			.contains("SslHandshakeTimeoutException"));
	}

	@Test
	void aLoneStallThatNoAttemptFollowsIsBlamedAtOnce() {
		ConnectAttempt withoutFailover = blamingAttempt();
		ProxyPool pool = withoutFailover.route(this.pools, () -> "exchange.example");
		PoolMember stalling = withoutFailover.select(pool).member();
		withoutFailover.failed(new SslHandshakeTimeoutException("handshake timed out after 3000ms"), 1);
		assertThat(this.blamed).as("nothing else would ever tell").containsExactly(stalling);
		withoutFailover.releaseAll();
		assertThat(this.blamed).hasSize(1);
	}

	@Test
	void aStallWhoseRetryNeverReachedTheExchangeIsBlamedWhenNoAttemptIsLeft() {
		ConnectAttempt attempt = blamingAttempt();
		ProxyPool pool = attempt.route(this.pools, () -> "exchange.example");
		PoolMember stalling = attempt.select(pool).member();
		attempt.failed(new SslHandshakeTimeoutException("handshake timed out after 3000ms"), 2);
		assertThat(this.blamed).isEmpty();

		PoolMember refusing = attempt.select(pool).member();
		attempt.failed(new ConnectException("refused"), 2);
		attempt.releaseAll();
		assertThat(this.blamed).containsExactly(refusing, stalling);
	}

	@Test
	void aResponseTimeoutRetriedElsewhereIsBlamedOnlyOnceTheOtherMemberIsAnswered() {
		ConnectAttempt attempt = blamingAttempt();
		ProxyPool pool = attempt.route(this.pools, () -> "exchange.example");
		PoolMember stalling = attempt.select(pool).member();
		assertThat(attempt.stalledBeforeAnswer(poolsTimeout(), 3)).as("the other member may take it")
			.isTrue();
		assertThat(this.blamed).as("the exchange may be what is slow").isEmpty();

		attempt.select(pool);
		attempt.responded(200, EmptyHttpHeaders.INSTANCE);
		attempt.releaseAll();
		assertThat(this.blamed).containsExactly(stalling);
	}

	@Test
	void whenTheRetryTimesOutTooOrGetsA5xxTheExchangeIsInTroubleAndNoBreakerHearsOfIt() {
		ConnectAttempt bothSlow = blamingAttempt();
		ProxyPool pool = bothSlow.route(this.pools, () -> "exchange.example");
		bothSlow.select(pool);
		assertThat(bothSlow.stalledBeforeAnswer(poolsTimeout(), 3)).isTrue();
		bothSlow.select(pool);
		bothSlow.releaseAll();
		assertThat(bothSlow.failures()).singleElement().asString().contains("ReadTimeoutException");

		ConnectAttempt troubled = blamingAttempt();
		troubled.route(this.pools, () -> "exchange.example");
		troubled.select(pool);
		assertThat(troubled.stalledBeforeAnswer(poolsTimeout(), 3)).isTrue();
		troubled.select(pool);
		troubled.responded(504, EmptyHttpHeaders.INSTANCE);
		troubled.releaseAll();

		assertThat(this.blamed).isEmpty();
	}

	/**
	 * A timeout of the client's own (Reactor Netty's shared one: Boot's read-timeout, a
	 * responseTimeout of the application's) is the caller's deadline: not sent again, and
	 * blamed on no member, even where nothing else would tell.
	 */
	@Test
	void aTimeoutOfTheClientsOwnIsNeitherRetriedNorBlamed() {
		ConnectAttempt retriable = blamingAttempt();
		ProxyPool pool = retriable.route(this.pools, () -> "exchange.example");
		retriable.select(pool);
		assertThat(retriable.stalledBeforeAnswer(ReadTimeoutException.INSTANCE, 3)).isFalse();
		retriable.releaseAll();

		ConnectAttempt lastAllowed = blamingAttempt();
		lastAllowed.route(this.pools, () -> "exchange.example");
		lastAllowed.select(pool);
		assertThat(lastAllowed.stalledBeforeAnswer(ReadTimeoutException.INSTANCE, 1)).isFalse();
		lastAllowed.releaseAll();

		assertThat(this.blamed).isEmpty();
		assertThat(retriable.failures()).isEmpty();
	}

	@Test
	void aResponseTimeoutNoOtherMemberCanRetryIsBlamedAtOnce() {
		ConnectAttempt lastAllowed = blamingAttempt();
		ProxyPool pool = lastAllowed.route(this.pools, () -> "exchange.example");
		PoolMember alone = lastAllowed.select(pool).member();
		assertThat(lastAllowed.stalledBeforeAnswer(poolsTimeout(), 1)).isFalse();
		lastAllowed.releaseAll();
		assertThat(this.blamed).containsExactly(alone);

		// the other member is set aside before the retry can take it: nothing else will tell
		this.blamed.clear();
		ConnectAttempt otherSetAside = blamingAttempt();
		otherSetAside.route(this.pools, () -> "exchange.example");
		PoolMember first = otherSetAside.select(pool).member();
		assertThat(otherSetAside.stalledBeforeAnswer(poolsTimeout(), 3)).isTrue();
		PoolMember other = pool.members().stream().filter((m) -> m != first).findFirst().orElseThrow();
		pool.setUnavailable(other, Unavailability.UNHEALTHY, true);
		assertThatExceptionOfType(NoProxyAvailableException.class).isThrownBy(() -> otherSetAside.select(pool));
		otherSetAside.releaseAll();
		assertThat(this.blamed).containsExactly(first);
	}

	@Test
	void aPrematureCloseIsTheTunnelsDoingAndBlamedAtOnce() {
		ConnectAttempt attempt = blamingAttempt();
		ProxyPool pool = attempt.route(this.pools, () -> "exchange.example");
		PoolMember closing = attempt.select(pool).member();
		assertThat(attempt.stalledBeforeAnswer(PrematureCloseException.TEST_EXCEPTION, 3)).isTrue();
		attempt.releaseAll();
		assertThat(this.blamed).containsExactly(closing);
	}

	@Test
	void aWebSocketHandshakeClosedBeforeItsAnswerIsThePrematureCloseOfItsTunnel() {
		ConnectAttempt attempt = blamingAttempt();
		ProxyPool pool = attempt.route(this.pools, () -> "exchange.example");
		PoolMember closing = attempt.select(pool).member();
		// as Reactor Netty reports the close of a WebSocket's connection before its answer
		assertThat(attempt.stalledBeforeAnswer(new WebSocketClientHandshakeException(
				"Connection prematurely closed BEFORE opening handshake is complete."), 3)).isTrue();
		attempt.releaseAll();
		assertThat(this.blamed).containsExactly(closing);

		ConnectAttempt overHttp2 = blamingAttempt();
		overHttp2.route(this.pools, () -> "exchange.example");
		overHttp2.select(pool);
		assertThat(overHttp2.stalledBeforeAnswer(new WebSocketClientHandshakeException(
				"Websocket is not supported by the server. Missing SETTINGS_ENABLE_CONNECT_PROTOCOL(0x8)."), 3))
			.as("the exchange's HTTP/2 offers no WebSocket: no proxy's doing")
			.isFalse();
		overHttp2.releaseAll();
		assertThat(this.blamed).containsExactly(closing);
	}

	@Test
	void anErrorThatIsNoStallBeforeTheAnswerIsNeitherRetriedNorCounted() {
		ConnectAttempt answered = blamingAttempt();
		ProxyPool pool = answered.route(this.pools, () -> "exchange.example");
		PoolMember carrying = answered.select(pool).member();
		answered.responded(200, EmptyHttpHeaders.INSTANCE);
		assertThat(answered.stalledBeforeAnswer(poolsTimeout(), 3))
			.as("the body stalled after the exchange answered: the request was served")
			.isFalse();

		ConnectAttempt refused = blamingAttempt();
		refused.route(this.pools, () -> "exchange.example");
		refused.select(pool);
		assertThat(refused.stalledBeforeAnswer(new ConnectException("refused"), 3))
			.as("a connect failure is failover's, not a stall's")
			.isFalse();

		answered.releaseAll();
		refused.releaseAll();
		assertThat(this.blamed).isEmpty();
		assertThat(answered.failures()).isEmpty();
		assertThat(refused.failures()).isEmpty();
		assertThat(carrying.failedConnects()).isZero();
	}

	/**
	 * The operator fixed the member's password while a connect with the old one was under way:
	 * the proxy's 407 to the old one says nothing of the member as configured now, and its
	 * breaker, which the reload left to try the new one, is not told. It is a failed connect all
	 * the same, and the connection goes on to another member.
	 */
	@Test
	void aConnectWithThePasswordAReloadReplacedIsBlamedOnNoBreaker() {
		ConnectAttempt attempt = blamingAttempt();
		ProxyPool pool = attempt.route(this.pools, () -> "exchange.example");
		PoolMember rotated = attempt.select(pool).member();
		rotatePassword(rotated);

		try (CapturedLog log = CapturedLog.of(ConnectAttempt.class)) {
			assertThat(attempt.failed(rejected(), 3)).isTrue();

			assertThat(log.lines()).singleElement()
				.isEqualTo("FINE proxy connect not counted: pool=default/http member=" + pool.nameOf(rotated)
						+ " reason=\"it used the password a reload replaced\" error=ConnectException: http, basic,"
						+ " /127.0.0.1:1080 => exchange.example:443, status: 407 Proxy Authentication Required");
			assertThat(pool.nameOf(rotated)).startsWith("socks5://***@127.0.0.1:1080");
		}
		assertThat(this.blamed).isEmpty();
		assertThat(rotated.failedConnects()).as("a failed connection all the same").isOne();
		assertThat(attempt.failures()).singleElement().asString().contains("407");
		assertThat(attempt.mayTryAnother(3)).as("failover goes on").isTrue();
		attempt.releaseAll();
	}

	/** A stall held back until the exchange answers is not blamed either when the password changed meanwhile. */
	@Test
	void aStallWithThePasswordAReloadReplacedIsBlamedOnNoBreakerWhenTheExchangeAnswersThroughAnother() {
		ConnectAttempt attempt = blamingAttempt();
		ProxyPool pool = attempt.route(this.pools, () -> "exchange.example");
		PoolMember rotated = attempt.select(pool).member();
		attempt.failed(new SslHandshakeTimeoutException("handshake timed out after 3000ms"), 3);
		rotatePassword(rotated);

		attempt.select(pool);
		attempt.responded(200, EmptyHttpHeaders.INSTANCE);
		attempt.releaseAll();
		assertThat(this.blamed).isEmpty();
	}

	/**
	 * A reload that changed something else of the member (its weight), or another member's
	 * password, leaves its connects under way as they were: their failures count.
	 */
	@Test
	void aConnectWithThePasswordTheMemberStillHasIsBlamedThoughAReloadCameMeanwhile() {
		ConnectAttempt attempt = blamingAttempt();
		ProxyPool pool = attempt.route(this.pools, () -> "exchange.example");
		PoolMember failing = attempt.select(pool).member();
		PoolMember other = pool.members().stream().filter((member) -> member != failing).findFirst().orElseThrow();
		this.pools.reconcile(List.of(new PoolSpec(pool.key(), PoolSpec.Origin.POOL,
				List.of(new MemberSpec(failing.endpoint(), 3, true, Map.of()),
						MemberSpec.of(withPassword(other.endpoint(), "rotated"))),
				"least-connections", Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);
		assertThat(pool.members()).containsExactlyInAnyOrder(failing, other);
		assertThat(failing.weight()).isEqualTo(3);

		attempt.failed(rejected(), 3);

		assertThat(this.blamed).containsExactly(failing);
		attempt.releaseAll();
	}

	/** A reload that keeps every member of the pool and gives this one a new password. */
	private void rotatePassword(PoolMember rotated) {
		ProxyPool pool = this.pools.pools().values().iterator().next();
		List<MemberSpec> specs = pool.members()
			.stream()
			.map((member) -> MemberSpec
				.of((member == rotated) ? withPassword(member.endpoint(), "rotated") : member.endpoint()))
			.toList();
		this.pools.reconcile(List.of(new PoolSpec(pool.key(), PoolSpec.Origin.POOL, specs, "least-connections",
				Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);
		assertThat(pool.members()).as("kept, with the new password").contains(rotated);
		assertThat(rotated.endpoint().password()).isEqualTo("rotated");
	}

	private static ProxyEndpoint withPassword(ProxyEndpoint endpoint, String password) {
		return new ProxyEndpoint(endpoint.scheme(), endpoint.host(), endpoint.port(), endpoint.username(), password);
	}

	/** As Netty's HttpProxyConnectException, a ConnectException, reads when the proxy refuses the credentials. */
	private static ConnectException rejected() {
		return new ConnectException(
				"http, basic, /127.0.0.1:1080 => exchange.example:443, status: 407 Proxy Authentication Required");
	}

	/** An attempt whose breakers' failures land in {@link #blamed}. */
	/** A response timeout of the pools', as their handler raises it for one request. */
	private static ReadTimeoutException poolsTimeout() {
		return ResponseTimedOut.readTimeout(Duration.ofSeconds(30).toNanos(), null);
	}

	private ConnectAttempt blamingAttempt() {
		ProxyOutcomes breakers = new ProxyOutcomes() {

			@Override
			public void failed(ProxyPool pool, PoolMember member, Duration elapsed, Throwable cause) {
				ConnectAttemptTests.this.blamed.add(member);
			}

		};
		return new ConnectAttempt(null, ConnectionType.HTTP, breakers,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()), () -> false);
	}

	@Test
	void aLeaseTakenAfterACancelGivesItsBudgetUseBackToo() {
		// one request per member and minute: a use the exchange never saw must not be spent
		RateLimitPolicy oneRequest = new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(30),
				Duration.ofMinutes(10), Duration.ofHours(1), false, new Budget(1, Duration.ofMinutes(1)), null);
		RateLimits limits = new RateLimits(new RateLimitPolicies(oneRequest, Map.of()), Clock.systemUTC());
		ConnectAttempt cancelled = new ConnectAttempt("binance", ConnectionType.HTTP, ProxyOutcomes.NONE, limits, () -> false);
		ProxyPool pool = cancelled.route(this.pools, () -> "exchange.example");
		cancelled.releaseAll();
		Lease late = cancelled.select(pool);

		assertThat(late.isReleased()).isTrue();
		assertThat(limits.stateOf(late.member()).get("binance").budgetTokens()).isOne();
	}

	/**
	 * Limits that restrict nobody are forgotten past their bound, also while a connection
	 * routed through them still runs: its failover must spend where later connects look, or a
	 * window holds more uses than the budget.
	 */
	@Test
	void aFailoverAfterTheExchangesWereForgottenSpendsWhereLaterConnectsLook() {
		TestClock clock = new TestClock();
		RateLimitPolicy oneRequest = new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(30),
				Duration.ofMinutes(10), Duration.ofHours(1), false, new Budget(1, Duration.ofSeconds(1)), null);
		RateLimits limits = new RateLimits(new RateLimitPolicies(oneRequest, Map.of()), clock, clock.ticker());
		ConnectAttempt slow = new ConnectAttempt("binance", ConnectionType.HTTP, ProxyOutcomes.NONE, limits, () -> false);
		ProxyPool pool = slow.route(this.pools, () -> "exchange.example");
		PoolMember stalled = slow.select(pool).member();
		// the answer does not come: by its timeout the window is over, and requests that named
		// many other exchanges made the limits of this one forgotten meanwhile
		clock.advance(Duration.ofSeconds(2));
		for (int i = 0; i < 2 * 1024; i++) {
			limits.forExchange("named" + i);
		}
		assertThat(slow.stalledBeforeAnswer(poolsTimeout(), 3)).isTrue();
		PoolMember failover = slow.select(pool).member();
		assertThat(failover).isNotSameAs(stalled);

		ConnectAttempt next = new ConnectAttempt("binance", ConnectionType.HTTP, ProxyOutcomes.NONE, limits, () -> false);
		next.route(this.pools, () -> "exchange.example");
		assertThat(next.select(pool).member()).as("the only member with a use left").isSameAs(stalled);
		ConnectAttempt last = new ConnectAttempt("binance", ConnectionType.HTTP, ProxyOutcomes.NONE, limits, () -> false);
		last.route(this.pools, () -> "exchange.example");
		assertThatExceptionOfType(PoolRateLimitedException.class).as("one use per member and second")
			.isThrownBy(() -> last.select(pool));
		slow.releaseAll();
		next.releaseAll();
	}

	@Test
	void aMemberTheExchangeRefusedGivesItsLeaseBackBeforeTheNextIsTakenWithoutFailing() {
		ProxyPool pool = this.attempt.route(this.pools, () -> "exchange.example");
		Lease refused = this.attempt.select(pool);
		this.attempt.refused();
		Lease next = this.attempt.select(pool);

		assertThat(refused.isReleased()).isTrue();
		assertThat(next.isReleased()).isFalse();
		assertThat(next.member()).isNotSameAs(refused.member());
		assertThat(this.attempt.hasFailures()).isFalse();
		this.attempt.releaseAll();
		assertThat(pool.members()).extracting(PoolMember::activeLeases).containsOnly(0);
	}

	private static MemberSpec member(String user) {
		return MemberSpec.of(ProxyEndpoint.parse("socks5://" + user + ":secret@127.0.0.1:1080"));
	}

}
