package io.cryptofeed.proxy.netty;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.Budget;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicy;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
