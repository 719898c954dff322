package io.cryptofeed.proxy.netty;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

import static org.assertj.core.api.Assertions.assertThat;

/** When the leases of one logical connection go back, as the caller sees it. */
class AttemptScopeTests {

	private final ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP),
			PoolSpec.Origin.POOL, List.of(MemberSpec.of(ProxyEndpoint.parse("socks5://10.0.0.1:1080"))),
			"least-connections", Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);

	private final PoolMember member = this.pools.resolve(null, ConnectionType.HTTP).orElseThrow().members().get(0);

	/**
	 * A Mono's value is its end for most callers: block() and toFuture() return at it, before
	 * its completion. The request's leases are given back by then, so that a caller selecting
	 * again at once (least-connections) does not find the request it holds the answer of still
	 * counted.
	 */
	@Test
	void theLeasesGoBackBeforeTheCallerGetsTheValue() {
		List<Integer> leasesAtValue = new ArrayList<>();

		answering("answer").subscribe((value) -> leasesAtValue.add(this.member.activeLeases()));

		assertThat(leasesAtValue).containsExactly(0);
		assertThat(this.member.activeLeases()).isZero();
	}

	@Test
	void theLeasesGoBackBeforeTheCallerHearsOfTheEnd() {
		List<Integer> leasesAtEnd = new ArrayList<>();

		answering(null).subscribe(null, (error) -> leasesAtEnd.add(-1),
				() -> leasesAtEnd.add(this.member.activeLeases()));

		assertThat(leasesAtEnd).containsExactly(0);
	}

	/** A connection that takes a lease of the default pool's member and answers with the value, or completes empty. */
	private AttemptScope<String> answering(String value) {
		return new AttemptScope<>() {

			@Override
			ConnectAttempt open(ContextView context) {
				return new ConnectAttempt(null, ConnectionType.HTTP, ProxyOutcomes.NONE,
						new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()), () -> false);
			}

			@Override
			Mono<String> run(ConnectAttempt attempt) {
				ProxyPool pool = attempt.route(AttemptScopeTests.this.pools, () -> "api.example.com");
				assertThat(attempt.select(pool).member()).isSameAs(AttemptScopeTests.this.member);
				assertThat(AttemptScopeTests.this.member.activeLeases()).isOne();
				return Mono.justOrEmpty(value);
			}

		};
	}

}
