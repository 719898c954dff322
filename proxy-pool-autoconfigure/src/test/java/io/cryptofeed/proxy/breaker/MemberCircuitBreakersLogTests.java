package io.cryptofeed.proxy.breaker;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.SelectionStrategy;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What an operator reads of a breaker: the member going out and coming back, not each trial. */
class MemberCircuitBreakersLogTests {

	private static final PoolKey KEY = BreakerTestPools.KEY;

	private final ProxyPools pools = BreakerTestPools
		.pools(List.of(MemberSpec.of(ProxyEndpoint.parse("http://feed:breaker-canary@127.0.0.1:3128"))));

	private final MemberCircuitBreakers breakers = BreakerTestPools.openingAfterTwoFailures(this.pools);

	@AfterEach
	void close() {
		this.breakers.close();
	}

	/**
	 * A proxy that fails real connects goes through a trial round at every end of its open
	 * state (and at every passed {@code http} check), and the trial opens it again: that was a
	 * WARN and an INFO line per round for as long as the proxy stayed broken.
	 */
	@Test
	void outAtWarnBackAtInfoAndTheFailedTrialsBetweenAtDebug() {
		ProxyPool pool = this.pools.pools().get(KEY);
		PoolMember member = pool.members().get(0);
		try (CapturedLog log = CapturedLog.of(MemberCircuitBreakers.class)) {
			fail(pool, member);
			fail(pool, member);
			for (int trial = 0; trial < 3; trial++) {
				this.breakers.recoverySeen(pool, member);
				fail(pool, member);
				assertThat(this.breakers.breakerOf(member).getState()).isEqualTo(CircuitBreaker.State.OPEN);
			}
			this.breakers.recoverySeen(pool, member);
			this.breakers.succeeded(pool, member, Duration.ofMillis(5));
			assertThat(this.breakers.breakerOf(member).getState()).isEqualTo(CircuitBreaker.State.CLOSED);

			assertThat(log.lines()).filteredOn((line) -> !line.startsWith("FINE"))
				.containsExactly(
						"WARNING proxy breaker: pool=default/http member=http://***@127.0.0.1:3128 from=CLOSED to=OPEN",
						"INFO proxy breaker: pool=default/http member=http://***@127.0.0.1:3128 from=HALF_OPEN to=CLOSED");
			assertThat(log.lines()).filteredOn((line) -> line.startsWith("FINE"))
				.hasSize(7)
				.contains("FINE proxy breaker: pool=default/http member=http://***@127.0.0.1:3128 from=HALF_OPEN to=OPEN");
			assertThat(log.lines()).noneMatch((line) -> line.contains("breaker-canary"));
		}
	}

	/**
	 * A reload that brings a new password says, in one line, that the breaker forgot what the
	 * old one met: an operator watching the endpoint sees why it is half-open, not open.
	 */
	@Test
	void aNewPasswordIsOneInfoLineWithTheCredentialsMasked() {
		ProxyPool pool = this.pools.pools().get(KEY);
		PoolMember member = pool.members().get(0);
		fail(pool, member);
		fail(pool, member);
		try (CapturedLog log = CapturedLog.of(MemberCircuitBreakers.class)) {
			BreakerTestPools.reload(this.pools,
					List.of(MemberSpec.of(ProxyEndpoint.parse("http://feed:rotated-canary@127.0.0.1:3128"))));

			assertThat(this.breakers.breakerOf(member).getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
			assertThat(log.lines()).filteredOn((line) -> !line.startsWith("FINE"))
				.containsExactly("INFO proxy breaker: pool=default/http member=http://***@127.0.0.1:3128 from=OPEN"
						+ " to=HALF_OPEN reason=\"a reload changed its password; outcomes with the old one forgotten\"");
			assertThat(log.lines()).noneMatch((line) -> line.contains("canary"));
		}
	}

	@Test
	void membersThatDifferOnlyInTheirUserNameAreToldApart() {
		BreakerTestPools.reload(this.pools,
				List.of(MemberSpec.of(ProxyEndpoint.parse("http://feed:breaker-canary@127.0.0.1:3128")),
						MemberSpec.of(ProxyEndpoint.parse("http://other:breaker-canary@127.0.0.1:3128"))));
		ProxyPool pool = this.pools.pools().get(KEY);
		try (CapturedLog log = CapturedLog.of(MemberCircuitBreakers.class)) {
			fail(pool, pool.members().get(1));
			fail(pool, pool.members().get(1));

			assertThat(log.lines()).containsExactly(
					"WARNING proxy breaker: pool=default/http member=http://***@127.0.0.1:3128#1 from=CLOSED to=OPEN");
		}
	}

	/**
	 * An application's strategy that throws at the members an open breaker leaves (none of its
	 * primary tier left) must not keep the member in selection, nor cost the breaker's line.
	 */
	@Test
	void aStrategyThatRefusesTheMembersAnOpenBreakerLeavesKeepsNeitherTheMemberInNorTheLineOut() {
		MemberSpec primary = new MemberSpec(ProxyEndpoint.parse("http://feed:breaker-canary@127.0.0.1:3128"), 1, true,
				Map.of("tier", "primary"));
		MemberSpec backup = MemberSpec.of(ProxyEndpoint.parse("http://127.0.0.1:3129"));
		SelectionStrategy primaryOnly = (candidates) -> {
			for (PoolMember candidate : candidates) {
				if ("primary".equals(candidate.metadata().get("tier"))) {
					return (exclusion) -> candidate;
				}
			}
			throw new IllegalStateException("no primary member among " + candidates.length);
		};
		ProxyPools tiered = ProxyPools.of(List.of(BreakerTestPools.spec(List.of(primary, backup))), Map.of(),
				(name) -> primaryOnly);
		MemberCircuitBreakers tieredBreakers = BreakerTestPools.openingAfterTwoFailures(tiered);
		ProxyPool pool = tiered.pools().get(KEY);
		PoolMember primaryMember = pool.members().get(0);
		try (CapturedLog log = CapturedLog.of(MemberCircuitBreakers.class)) {
			tieredBreakers.failed(pool, primaryMember, Duration.ofMillis(5), new IllegalStateException("refused"));
			tieredBreakers.failed(pool, primaryMember, Duration.ofMillis(5), new IllegalStateException("refused"));

			assertThat(tieredBreakers.breakerOf(primaryMember).getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(pool.select().member()).isSameAs(pool.members().get(1));
			assertThat(log.lines()).containsExactly(
					"WARNING proxy breaker: pool=default/http member=http://***@127.0.0.1:3128 from=CLOSED to=OPEN");

			tieredBreakers.recoverySeen(pool, primaryMember);
			assertThat(pool.select().member()).isSameAs(primaryMember);
		}
		finally {
			tieredBreakers.close();
		}
	}

	private void fail(ProxyPool pool, PoolMember member) {
		this.breakers.failed(pool, member, Duration.ofMillis(5), new IllegalStateException("refused"));
	}

}
