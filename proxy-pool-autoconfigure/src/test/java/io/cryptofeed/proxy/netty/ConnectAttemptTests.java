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
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.core.ratelimit.Budget;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicy;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.netty.handler.codec.http.EmptyHttpHeaders;
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

	private final ConnectAttempt attempt = new ConnectAttempt(null, ConnectionType.HTTP, ProxyOutcomes.NONE,
			new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()));

	@Test
	void aLeaseAFailoverTakesAfterACancelReleasedEverythingGoesBackAtOnce() {
		ProxyPool pool = this.attempt.route(this.pools, () -> "exchange.example");
		Lease first = this.attempt.select(pool);
		this.attempt.failed(new ConnectException("refused"));
		// the caller cancels while the failover is already on its way to the next member
		this.attempt.releaseAll();
		Lease second = this.attempt.select(pool);

		assertThat(first.isReleased()).isTrue();
		assertThat(second.isReleased()).isTrue();
		assertThat(pool.members()).extracting(PoolMember::activeLeases).containsOnly(0);
	}

	@Test
	void aStalledTlsHandshakeIsBlamedOnItsMemberOnlyOnceTheExchangeAnswersThroughAnother() {
		List<String> blamed = new ArrayList<>();
		ProxyOutcomes breakers = new ProxyOutcomes() {

			@Override
			public void failed(ProxyPool pool, PoolMember member, Duration elapsed, Throwable cause) {
				blamed.add(member.endpoint().host());
			}

		};
		ConnectAttempt stalledThenAnswered = new ConnectAttempt(null, ConnectionType.HTTP, breakers,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()));
		ProxyPool pool = stalledThenAnswered.route(this.pools, () -> "exchange.example");
		PoolMember stalling = stalledThenAnswered.select(pool).member();
		stalledThenAnswered.failed(new SslHandshakeTimeoutException("handshake timed out after 3000ms"));
		assertThat(blamed).as("the exchange may be what stalls").isEmpty();
		assertThat(stalling.failedConnects()).as("a failed connection all the same").isOne();

		stalledThenAnswered.select(pool);
		stalledThenAnswered.responded(200, EmptyHttpHeaders.INSTANCE);
		assertThat(blamed).containsExactly(stalling.endpoint().host());
		stalledThenAnswered.releaseAll();

		// every member stalls: the exchange does, and no breaker hears of it
		ConnectAttempt allStalled = new ConnectAttempt(null, ConnectionType.HTTP, breakers,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()));
		allStalled.route(this.pools, () -> "exchange.example");
		for (int i = 0; i < 2; i++) {
			allStalled.select(pool);
			allStalled.failed(new SslHandshakeTimeoutException("handshake timed out after 3000ms"));
		}
		allStalled.releaseAll();
		assertThat(blamed).hasSize(1);
		assertThat(allStalled.failures()).hasSize(2).allSatisfy((failure) -> assertThat(failure)
			.contains("SslHandshakeTimeoutException"));
	}

	@Test
	void aResponseTimeoutIsHeldBackUntilAnotherMemberAnswersAndBlamedAtOnceWhenNoneCanRetryIt() {
		List<String> blamed = new ArrayList<>();
		ProxyOutcomes breakers = new ProxyOutcomes() {

			@Override
			public void failed(ProxyPool pool, PoolMember member, Duration elapsed, Throwable cause) {
				blamed.add(member.endpoint().host());
			}

		};
		ConnectAttempt retried = new ConnectAttempt(null, ConnectionType.HTTP, breakers,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()));
		ProxyPool pool = retried.route(this.pools, () -> "exchange.example");
		PoolMember stalling = retried.select(pool).member();
		assertThat(retried.stalledBeforeAnswer(ReadTimeoutException.INSTANCE, 3)).as("the other member may take it")
			.isTrue();
		assertThat(blamed).as("the exchange may be what is slow").isEmpty();
		retried.select(pool);
		retried.responded(200, EmptyHttpHeaders.INSTANCE);
		assertThat(blamed).containsExactly(stalling.endpoint().host());
		retried.releaseAll();

		// the retry times out too: the exchange is slow, and no breaker hears of it
		blamed.clear();
		ConnectAttempt bothSlow = new ConnectAttempt(null, ConnectionType.HTTP, breakers,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()));
		bothSlow.route(this.pools, () -> "exchange.example");
		bothSlow.select(pool);
		assertThat(bothSlow.stalledBeforeAnswer(ReadTimeoutException.INSTANCE, 3)).isTrue();
		bothSlow.select(pool);
		bothSlow.releaseAll();
		assertThat(blamed).isEmpty();
		assertThat(bothSlow.failures()).singleElement().asString().contains("ReadTimeoutException");

		// no member left to retry it: nothing else would ever tell, so the member hears of it now
		ConnectAttempt last = new ConnectAttempt(null, ConnectionType.HTTP, breakers,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()));
		last.route(this.pools, () -> "exchange.example");
		PoolMember alone = last.select(pool).member();
		assertThat(last.stalledBeforeAnswer(ReadTimeoutException.INSTANCE, 1)).isFalse();
		last.releaseAll();
		assertThat(blamed).containsExactly(alone.endpoint().host());

		// the other member is set aside before the retry can take it: nothing else will tell
		blamed.clear();
		ConnectAttempt noRetry = new ConnectAttempt(null, ConnectionType.HTTP, breakers,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()));
		noRetry.route(this.pools, () -> "exchange.example");
		PoolMember first = noRetry.select(pool).member();
		assertThat(noRetry.stalledBeforeAnswer(ReadTimeoutException.INSTANCE, 3)).isTrue();
		PoolMember other = pool.members().stream().filter((m) -> m != first).findFirst().orElseThrow();
		pool.setUnavailable(other, Unavailability.UNHEALTHY, true);
		assertThatExceptionOfType(NoProxyAvailableException.class).isThrownBy(() -> noRetry.select(pool));
		pool.setUnavailable(other, Unavailability.UNHEALTHY, false);
		noRetry.releaseAll();
		assertThat(blamed).containsExactly(first.endpoint().host());

		// the other member's answer is a 5xx: the exchange is in trouble, not the first proxy
		blamed.clear();
		ConnectAttempt troubled = new ConnectAttempt(null, ConnectionType.HTTP, breakers,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()));
		troubled.route(this.pools, () -> "exchange.example");
		troubled.select(pool);
		assertThat(troubled.stalledBeforeAnswer(ReadTimeoutException.INSTANCE, 3)).isTrue();
		troubled.select(pool);
		troubled.responded(504, EmptyHttpHeaders.INSTANCE);
		troubled.releaseAll();
		assertThat(blamed).isEmpty();

		// a premature close is the tunnel's doing, not the exchange's slowness: blamed at once
		blamed.clear();
		ConnectAttempt closed = new ConnectAttempt(null, ConnectionType.HTTP, breakers,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()));
		closed.route(this.pools, () -> "exchange.example");
		PoolMember closing = closed.select(pool).member();
		assertThat(closed.stalledBeforeAnswer(PrematureCloseException.TEST_EXCEPTION, 3)).isTrue();
		closed.releaseAll();
		assertThat(blamed).containsExactly(closing.endpoint().host());
	}

	@Test
	void aLeaseTakenAfterACancelGivesItsBudgetUseBackToo() {
		// one request per member and minute: a use the exchange never saw must not be spent
		RateLimitPolicy oneRequest = new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(30),
				Duration.ofMinutes(10), Duration.ofHours(1), false, new Budget(1, Duration.ofMinutes(1)), null);
		RateLimits limits = new RateLimits(new RateLimitPolicies(oneRequest, Map.of()), Clock.systemUTC());
		ConnectAttempt cancelled = new ConnectAttempt("binance", ConnectionType.HTTP, ProxyOutcomes.NONE, limits);
		ProxyPool pool = cancelled.route(this.pools, () -> "exchange.example");
		cancelled.releaseAll();
		Lease late = cancelled.select(pool);

		assertThat(late.isReleased()).isTrue();
		assertThat(limits.stateOf(late.member()).get("binance").budgetTokens()).isOne();
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
