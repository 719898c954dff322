package io.cryptofeed.proxy.breaker;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resilience4j changes a breaker's state before it publishes the transition, without a lock:
 * two threads' transitions can reach the pool in the other order.
 */
class MemberCircuitBreakersRaceTests {

	private final ProxyPools pools = BreakerTestPools.pools(List.of(member("a"), member("b")));

	private final MemberCircuitBreakers breakers = BreakerTestPools.openingAfterTwoFailures(this.pools);

	@AfterEach
	void close() {
		this.breakers.close();
	}

	/**
	 * A connect failure opens the breaker on an event loop; before its transition reaches the
	 * pool, a passed health check half-opens it and brings the member back. The late "open"
	 * must not set the member aside again: half-open, it would never be selected, so no trial
	 * would ever close the breaker.
	 */
	@Test
	void aLateOpenTransitionDoesNotSetAsideAMemberWhoseBreakerIsHalfOpenByNow() throws Exception {
		ProxyPool pool = this.pools.resolve(null, ConnectionType.HTTP).orElseThrow();
		PoolMember member = pool.members().get(0);
		CircuitBreaker breaker = this.breakers.breakerOf(member);
		CountDownLatch opened = new CountDownLatch(1);
		CountDownLatch halfOpened = new CountDownLatch(1);
		// registered after ours, a generic consumer still runs first: it holds the "open" event
		breaker.getEventPublisher().onEvent((event) -> {
			if (event instanceof CircuitBreakerOnStateTransitionEvent transition
					&& transition.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
				opened.countDown();
				await(halfOpened);
			}
		});
		Thread eventLoop = new Thread(() -> {
			this.breakers.failed(pool, member, Duration.ofMillis(1), new ConnectException("refused"));
			this.breakers.failed(pool, member, Duration.ofMillis(1), new ConnectException("refused"));
		});
		eventLoop.start();
		assertThat(opened.await(5, TimeUnit.SECONDS)).isTrue();

		this.breakers.recoverySeen(pool, member);
		halfOpened.countDown();
		eventLoop.join(5_000);

		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		assertThat(member.isAvailable()).as("half-open: back in selection for its trials").isTrue();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static MemberSpec member(String user) {
		return MemberSpec.of(ProxyEndpoint.parse("socks5://" + user + ":secret@127.0.0.1:1080"));
	}

}
