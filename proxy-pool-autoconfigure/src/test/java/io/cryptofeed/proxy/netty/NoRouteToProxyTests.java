package io.cryptofeed.proxy.netty;

import java.net.NoRouteToHostException;
import java.time.Clock;
import java.time.Duration;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A proxy whose machine cannot be reached ("No route to host": the host is down on its
 * subnet, or a router says so) fails the connect before any tunnel, as a refusing proxy does.
 * Netty reports it as a {@link NoRouteToHostException}, which is a {@code SocketException}
 * and no {@code ConnectException}: it was handed to the caller as it was, neither tried
 * through another member nor counted against the one that failed. Loopback never answers
 * so, so the error is given to the pools as Netty would give it.
 */
class NoRouteToProxyTests {

	private final ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP),
			PoolSpec.Origin.POOL, List.of(member("10.0.0.1"), member("10.0.0.2")), "round-robin",
			Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);

	private final RateLimits rateLimits = new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC());

	private final ProxyPoolHttpClients clients = new ProxyPoolHttpClients(this.pools, TransportSettings.DEFAULTS,
			ProxyOutcomes.NONE, this.rateLimits, null);

	@AfterEach
	void close() {
		this.clients.close();
	}

	@Test
	void aProxyWithNoRouteIsFailedOverAndCountedAgainstItsMember() {
		ConnectAttempt attempt = new ConnectAttempt(null, ConnectionType.HTTP, ProxyOutcomes.NONE, this.rateLimits,
				() -> false);
		ProxyPool pool = attempt.route(this.pools, () -> "exchange.example");
		PoolMember unreachable = attempt.select(pool).member();

		Throwable handedOn = this.clients.afterConnectError(attempt,
				new NoRouteToHostException("No route to host: /10.0.0.1:3128"));

		assertThat(handedOn).as("null: the connect is tried through another member").isNull();
		assertThat(attempt.hasFailures()).isTrue();
		assertThat(unreachable.activeLeases()).isZero();
		attempt.releaseAll();
	}

	private static MemberSpec member(String host) {
		return MemberSpec.of(new ProxyEndpoint(io.cryptofeed.proxy.core.ProxyScheme.HTTP, host, 3128, null, null));
	}

}
