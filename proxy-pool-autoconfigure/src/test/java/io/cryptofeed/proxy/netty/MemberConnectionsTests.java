package io.cryptofeed.proxy.netty;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.Connection;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The open connections of members, on embedded channels whose event loop the test runs. */
class MemberConnectionsTests {

	private final ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP),
			PoolSpec.Origin.POOL, List.of(member("a"), member("b")), "round-robin", Duration.ofSeconds(30))),
			Map.of(), SelectionStrategies.builtIn()::create);

	private final ProxyPool pool = this.pools.resolve(null, ConnectionType.HTTP).orElseThrow();

	private final PoolMember member = this.pool.members().get(0);

	private final PoolMember other = this.pool.members().get(1);

	private Duration quietTimeout = Duration.ofSeconds(1);

	/** Ends the bursts of cuts in the log. */
	private final VirtualTimeScheduler timer = VirtualTimeScheduler.create();

	private final MemberConnections connections = new MemberConnections(() -> this.quietTimeout, this.timer);

	/** The connection of the test, whose clock {@link #advance(long)} moves. */
	private EmbeddedChannel connection;

	/**
	 * The member fails (on a health check or breaker thread) while the connection's event loop
	 * is already lending its idle connection to a request: the connection is busy from then on,
	 * and is closed when the request gives it back, not under the request.
	 */
	@Test
	void anIdleConnectionTheEventLoopIsLendingOutWhenItsMemberFailsIsClosedOnlyWhenReleased() {
		EmbeddedChannel channel = idleConnectionThrough(this.member);
		// the event loop's next task lends the idle connection out
		channel.eventLoop().execute(() -> this.connections.acquired(channel));

		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		channel.runPendingTasks();
		assertThat(channel.isOpen()).isTrue();

		this.connections.released(channel);
		channel.runPendingTasks();
		assertThat(channel.isOpen()).isFalse();
		assertThat(this.connections.open(this.member)).isZero();
	}

	@Test
	void anIdleConnectionOfAFailingMemberIsClosed() {
		EmbeddedChannel channel = idleConnectionThrough(this.member);

		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		channel.runPendingTasks();
		assertThat(channel.isOpen()).isFalse();
		assertThat(this.connections.open(this.member)).isZero();
	}

	/**
	 * A report that the member left reaches the listener only once the member is back (an
	 * operator drained it and undrained it at once, say, from two threads): the late report
	 * retires nothing, so the member's connection carries its next request and stays open.
	 */
	@Test
	void aLateReportThatTheMemberLeftRetiresNothingOnceItIsBack() {
		EmbeddedChannel channel = idleConnectionThrough(this.member);
		assertThat(this.member.isAvailable()).isTrue();

		this.connections.availabilityChanged(this.pool, this.member, false);
		channel.runPendingTasks();
		this.connections.acquired(channel);
		this.connections.released(channel);
		channel.runPendingTasks();

		assertThat(channel.isOpen()).isTrue();
		assertThat(this.connections.open(this.member)).isOne();
	}

	@Test
	void aSessionOfAFailingMemberIsClosedOnceItHasReadNothingForTheQuietTimeout() {
		EmbeddedChannel session = sessionThrough(this.member);
		advance(400);

		try (CapturedLog log = CapturedLog.of(QuietCutLog.class)) {
			this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
			advance(599);
			assertThat(session.isOpen()).isTrue();

			advance(1);
			assertThat(session.isOpen()).isFalse();
			assertThat(this.connections.open(this.member)).isZero();
			assertThat(this.pool.quietConnectionsCut()).isOne();
			assertThat(log.lines()).containsExactly("WARNING proxy session closed: pool=default/http "
					+ "member=socks5://***@127.0.0.1:1080#0 quiet-for=1s reason=unhealthy");
		}
	}

	/**
	 * A proxy froze with several streams on it: one WARN for the first cut, the rest at DEBUG,
	 * and once a quiet timeout has passed one WARN that counts them. Another member's cut within
	 * that time is a burst of its own.
	 */
	@Test
	void theCutsThroughOneMemberWithinAQuietTimeoutAreLoggedAsOneBurst() {
		EmbeddedChannel first = sessionThrough(this.member);
		EmbeddedChannel second = sessionThrough(this.member);
		EmbeddedChannel request = requestThrough(this.member);
		EmbeddedChannel otherSession = sessionThrough(this.other);

		try (CapturedLog log = CapturedLog.of(QuietCutLog.class)) {
			this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
			advance(1_000, first, second, request);
			// back, so that the other member failing puts the pool in no panic mode
			this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, false);
			this.pool.setUnavailable(this.other, Unavailability.CIRCUIT_OPEN, true);
			advance(1_000, otherSession);
			assertThat(List.of(first, second, request, otherSession)).noneMatch(EmbeddedChannel::isOpen);
			assertThat(log.lines()).containsExactly(
					"WARNING proxy session closed: pool=default/http member=socks5://***@127.0.0.1:1080#0 "
							+ "quiet-for=1s reason=unhealthy",
					"FINE proxy session closed: pool=default/http member=socks5://***@127.0.0.1:1080#0 "
							+ "quiet-for=1s reason=unhealthy",
					"FINE proxy request cut: pool=default/http member=socks5://***@127.0.0.1:1080#0 "
							+ "quiet-for=1s reason=unhealthy",
					"WARNING proxy session closed: pool=default/http member=socks5://***@127.0.0.1:1080#1 "
							+ "quiet-for=1s reason=circuit-open");

			// each burst ends a quiet timeout after its first cut
			this.timer.advanceTimeBy(Duration.ofMillis(999));
			assertThat(log.lines()).hasSize(4);
			this.timer.advanceTimeBy(Duration.ofMillis(1));
			assertThat(log.lines()).hasSize(5)
				.last()
				.isEqualTo("WARNING proxy connections cut: pool=default/http member=socks5://***@127.0.0.1:1080#0 "
						+ "sessions=2 requests=1 within=1s repeats-at-debug=2");
			assertThat(this.pool.quietConnectionsCut()).isEqualTo(4);
		}
	}

	/** The count comes only after a burst of several cuts: a lone cut said all there was to say. */
	@Test
	void aCutAfterTheBurstEndedIsAWarningOfItsOwn() {
		EmbeddedChannel first = sessionThrough(this.member);
		EmbeddedChannel later = sessionThrough(this.member);

		try (CapturedLog log = CapturedLog.of(QuietCutLog.class)) {
			this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
			advance(500, first, later);
			later.writeInbound(Unpooled.wrappedBuffer(new byte[] { 1 }));
			advance(500, first, later);
			assertThat(first.isOpen()).isFalse();
			assertThat(later.isOpen()).isTrue();
			// the first cut's burst is over
			this.timer.advanceTimeBy(Duration.ofSeconds(1));

			advance(500, later);
			assertThat(later.isOpen()).isFalse();
			assertThat(log.lines()).hasSize(2).allMatch((line) -> line.startsWith("WARNING proxy session closed:"));
			this.timer.advanceTimeBy(Duration.ofSeconds(1));
			assertThat(log.lines()).hasSize(2);
		}
	}

	@Test
	void aSessionOfAFailingMemberThatKeepsReadingStaysOpenAndIsClosedOnceItStops() {
		EmbeddedChannel session = sessionThrough(this.member);

		this.pool.setUnavailable(this.member, Unavailability.CIRCUIT_OPEN, true);
		for (int i = 0; i < 10; i++) {
			advance(500);
			session.writeInbound(Unpooled.wrappedBuffer(new byte[] { 1 }));
		}
		assertThat(session.isOpen()).isTrue();

		advance(999);
		assertThat(session.isOpen()).isTrue();
		advance(1);
		assertThat(session.isOpen()).isFalse();
	}

	@Test
	void aSessionIsLeftOpenWhenItsMemberIsBackBeforeTheSessionWasQuietForTheTimeout() {
		EmbeddedChannel session = sessionThrough(this.member);

		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		advance(500);
		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, false);
		advance(5_000);

		assertThat(session.isOpen()).isTrue();
	}

	/**
	 * Chosen in panic mode, set aside while its handshake was under way, or removed by a reload
	 * meanwhile (no tracked connection was there to retire): no later change reports it.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "failed", "removed" })
	void aSessionOpenedThroughAMemberAlreadySetAsideIsWatchedFromTheStart(String how) {
		if (how.equals("failed")) {
			this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		}
		else {
			removeFirstMemberByReload();
		}
		EmbeddedChannel session = sessionThrough(this.member);

		advance(999);
		assertThat(session.isOpen()).isTrue();
		advance(1);
		assertThat(session.isOpen()).isFalse();
	}

	/** Nothing checks a removed member's health any more: a stall through it would go unnoticed. */
	@Test
	void aSessionOfAMemberAReloadRemovedIsClosedOnceQuietAfterTheGrace() {
		EmbeddedChannel session = sessionThrough(this.member);

		try (CapturedLog log = CapturedLog.of(QuietCutLog.class)) {
			removeFirstMemberByReload();
			assertThat(this.member.isRemoved()).isTrue();
			advance(MemberConnections.RETIRE_GRACE.toMillis() - 1);
			assertThat(session.isOpen()).isTrue();

			advance(1);
			// the grace's end starts the watch, whose first check is a task of its own
			advance(0);
			assertThat(session.isOpen()).isFalse();
			assertThat(log.lines()).containsExactly("WARNING proxy session closed: pool=default/http "
					+ "member=socks5://***@127.0.0.1:1080#0 quiet-for=1s reason=removed");
		}
	}

	/**
	 * A member a reload disables is no longer health-checked either, nor watched by its breaker:
	 * a stall through it would go unnoticed, as through a removed one.
	 */
	@Test
	void aSessionOfAMemberAReloadDisabledIsClosedOnceQuietAfterTheGrace() {
		EmbeddedChannel session = sessionThrough(this.member);

		try (CapturedLog log = CapturedLog.of(QuietCutLog.class)) {
			disableFirstMemberByReload(false);
			assertThat(this.member.enabled()).isFalse();
			advance(MemberConnections.RETIRE_GRACE.toMillis() - 1);
			assertThat(session.isOpen()).isTrue();

			advance(1);
			advance(0);
			assertThat(session.isOpen()).isFalse();
			assertThat(log.lines()).containsExactly("WARNING proxy session closed: pool=default/http "
					+ "member=socks5://***@127.0.0.1:1080#0 quiet-for=1s reason=disabled");
		}
	}

	/** Drained first, it was out already: the reload that disables it still starts the watch. */
	@Test
	void aSessionOfADrainedMemberThatAReloadThenDisablesIsClosedOnceQuiet() {
		EmbeddedChannel session = sessionThrough(this.member);
		this.pool.setUnavailable(this.member, Unavailability.DRAINED, true);
		advance(MemberConnections.RETIRE_GRACE.toMillis());

		disableFirstMemberByReload(false);
		advance(MemberConnections.RETIRE_GRACE.toMillis());
		advance(0);

		assertThat(session.isOpen()).isFalse();
	}

	/** Enabled again, the member is checked again: its session is left to the checks. */
	@Test
	void aSessionOfAMemberEnabledAgainBeforeItWasQuietForTheTimeoutStaysOpen() {
		EmbeddedChannel session = sessionThrough(this.member);

		disableFirstMemberByReload(false);
		advance(MemberConnections.RETIRE_GRACE.toMillis() + 500);
		disableFirstMemberByReload(true);
		advance(5_000);

		assertThat(session.isOpen()).isTrue();
	}

	/** Its handshake was under way when the reload disabled it: no later change reports it. */
	@Test
	void aSessionOpenedThroughAMemberAlreadyDisabledIsWatchedFromTheStart() {
		disableFirstMemberByReload(false);
		EmbeddedChannel session = sessionThrough(this.member);

		advance(999);
		assertThat(session.isOpen()).isTrue();
		advance(1);
		assertThat(session.isOpen()).isFalse();
	}

	@Test
	void aSessionOfAMemberAReloadRemovedThatKeepsReadingStaysOpen() {
		EmbeddedChannel session = sessionThrough(this.member);

		removeFirstMemberByReload();
		for (int i = 0; i < 10; i++) {
			advance(500);
			session.writeInbound(Unpooled.wrappedBuffer(new byte[] { 1 }));
		}

		assertThat(session.isOpen()).isTrue();
	}

	@Test
	void aSessionOfADrainedMemberIsNeverClosed() {
		EmbeddedChannel session = sessionThrough(this.member);

		this.pool.setUnavailable(this.member, Unavailability.DRAINED, true);
		advance(5_000);

		assertThat(session.isOpen()).isTrue();
	}

	@Test
	void aSessionOfADrainedMemberThatThenFailsIsClosedOnceQuiet() {
		EmbeddedChannel session = sessionThrough(this.member);

		this.pool.setUnavailable(this.member, Unavailability.DRAINED, true);
		advance(5_000);
		assertThat(session.isOpen()).isTrue();

		this.pool.setUnavailable(this.member, Unavailability.CIRCUIT_OPEN, true);
		advance(0);
		assertThat(session.isOpen()).isFalse();
	}

	@Test
	void noSessionIsClosedWhileItsPoolIsInPanicModeButOnceThePanicIsOver() {
		EmbeddedChannel session = sessionThrough(this.member);

		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		this.pool.setUnavailable(this.other, Unavailability.UNHEALTHY, true);
		session.runPendingTasks();
		assertThat(this.pool.isPanicking()).isTrue();
		advance(5_000);
		assertThat(session.isOpen()).isTrue();

		this.pool.setUnavailable(this.other, Unavailability.UNHEALTHY, false);
		advance(1_000);
		assertThat(session.isOpen()).isFalse();
	}

	@Test
	void aQuietTimeoutChangedByAReloadAppliesToSessionsAlreadyWatched() {
		EmbeddedChannel session = sessionThrough(this.member);

		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		advance(500);
		this.quietTimeout = Duration.ofSeconds(3);
		advance(2_499);
		assertThat(session.isOpen()).isTrue();

		advance(1);
		assertThat(session.isOpen()).isFalse();
	}

	@Test
	void aZeroQuietTimeoutKeepsSessionsOfFailingMembersOpen() {
		this.quietTimeout = Duration.ZERO;
		EmbeddedChannel session = sessionThrough(this.member);

		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		advance(5_000);

		assertThat(session.isOpen()).isTrue();
	}

	@Test
	void aRequestWaitingForItsAnswerThroughAFailingMemberFailsOnceItHasReadNothingForTheQuietTimeout() {
		EmbeddedChannel request = requestThrough(this.member);
		advance(400);

		try (CapturedLog log = CapturedLog.of(QuietCutLog.class)) {
			this.pool.setUnavailable(this.member, Unavailability.CIRCUIT_OPEN, true);
			advance(599);
			assertThat(request.isOpen()).isTrue();

			advance(1);
			assertThat(request.isOpen()).isFalse();
			assertThatExceptionOfType(ProxyStalledException.class).isThrownBy(request::checkException)
				.withMessage("no answer for 1s through proxy socks5://***@127.0.0.1:1080 of pool default/http, "
						+ "which failed (circuit-open): the request was cut before its response timeout");
			assertThat(this.pool.quietConnectionsCut()).isOne();
			assertThat(log.lines()).containsExactly("WARNING proxy request cut: pool=default/http "
					+ "member=socks5://***@127.0.0.1:1080#0 quiet-for=1s reason=circuit-open");
		}
	}

	/** The cut request's error names its exchange and type too, as a response timeout's does. */
	@Test
	void aCutRequestsErrorNamesItsExchangeAndType() {
		EmbeddedChannel request = requestThrough(this.member);
		ResponseTimeoutHandler.arm(request, Duration.ofSeconds(30), new ConnectAttempt("binance", ConnectionType.HTTP,
				ProxyOutcomes.NONE, new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()), () -> false));
		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		advance(1000);

		assertThatExceptionOfType(ProxyStalledException.class).isThrownBy(request::checkException)
			.withMessage("no answer for 1s through proxy socks5://***@127.0.0.1:1080 of pool default/http, "
					+ "which failed (unhealthy): the request was cut before its response timeout: "
					+ "exchange=binance type=http");
	}

	/** A tunnel established just before its proxy froze: its first request never gets an answer. */
	@Test
	void aNewTunnelsFirstRequestIsCutOnceQuietToo() {
		this.pools.addAvailabilityListener(this.connections);
		EmbeddedChannel request = new EmbeddedChannel();
		request.freezeTime();
		this.connection = request;
		ResponseTimeoutHandler.arm(request, Duration.ofSeconds(30), null);
		this.connections.requestSent(this.member, request);
		assertThat(this.connections.open(this.member)).isOne();

		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		advance(999);
		assertThat(request.isOpen()).isTrue();
		advance(1);
		assertThat(request.isOpen()).isFalse();
		assertThatExceptionOfType(ProxyStalledException.class).isThrownBy(request::checkException);
		assertThat(this.connections.open(this.member)).isZero();
	}

	/**
	 * A WebSocket opening handshake watched while it waited for its answer, which then came: the
	 * session is closed once quiet, as any session, and fails nothing.
	 */
	@Test
	void aHandshakeAnsweredWhileWatchedBecomesASessionClosedOnceQuiet() {
		this.pools.addAvailabilityListener(this.connections);
		EmbeddedChannel handshake = new EmbeddedChannel();
		handshake.freezeTime();
		this.connection = handshake;
		ResponseTimeoutHandler.arm(handshake, Duration.ofSeconds(30), null);
		this.connections.requestSent(this.member, handshake);
		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		advance(500);

		try (CapturedLog log = CapturedLog.of(QuietCutLog.class)) {
			// the 101 answer, as the observer handles it
			handshake.writeInbound(Unpooled.wrappedBuffer(new byte[] { 1 }));
			ResponseTimeoutHandler.disarm(handshake);
			this.connections.inUse(this.member, Connection.from(handshake), true);
			this.connections.sessionOpened(handshake, this.pool, this.member);
			advance(999);
			assertThat(handshake.isOpen()).isTrue();

			advance(1);
			assertThat(handshake.isOpen()).isFalse();
			handshake.checkException();
			assertThat(log.lines()).singleElement().asString().startsWith("WARNING proxy session closed:");
		}
	}

	/** The breaker hears of a new tunnel once, on its first answer, whenever tracking began. */
	@Test
	void onlyTheFirstAnswerOnAConnectionReportsANewTunnel() {
		EmbeddedChannel tracked = new EmbeddedChannel();
		this.connections.requestSent(this.member, tracked);
		assertThat(this.connections.inUse(this.member, Connection.from(tracked), false)).isTrue();
		this.connections.requestSent(this.member, tracked);
		assertThat(this.connections.inUse(this.member, Connection.from(tracked), false)).isFalse();

		EmbeddedChannel untracked = new EmbeddedChannel();
		assertThat(this.connections.inUse(this.member, Connection.from(untracked), false)).isTrue();
		assertThat(this.connections.inUse(this.member, Connection.from(untracked), false)).isFalse();
		assertThat(this.connections.open(this.member)).isEqualTo(2);
	}

	@Test
	void aRequestWhoseAnswerKeepsComingIsNotCutUntilItStops() {
		EmbeddedChannel request = requestThrough(this.member);

		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		for (int i = 0; i < 10; i++) {
			advance(500);
			request.writeInbound(Unpooled.wrappedBuffer(new byte[] { 1 }));
		}
		assertThat(request.isOpen()).isTrue();

		advance(1_000);
		assertThat(request.isOpen()).isFalse();
	}

	@Test
	void aRequestAnsweredInTimeIsNotCutAndItsConnectionClosesWhenReleased() {
		EmbeddedChannel request = requestThrough(this.member);

		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		advance(500);
		ResponseTimeoutHandler.disarm(request);
		advance(5_000);
		assertThat(request.isOpen()).isTrue();

		this.connections.released(request);
		assertThat(request.isOpen()).isFalse();
		assertThat(this.pool.quietConnectionsCut()).isZero();
	}

	/** Lent out just before its member failed, the connection sends its request only later. */
	@Test
	void aRequestSentLaterOnABusyConnectionOfAFailingMemberIsCutOnceQuiet() {
		EmbeddedChannel request = requestThrough(this.member);
		ResponseTimeoutHandler.disarm(request);

		this.pool.setUnavailable(this.member, Unavailability.UNHEALTHY, true);
		advance(2_500);
		ResponseTimeoutHandler.arm(request, Duration.ofSeconds(30), null);
		advance(999);
		assertThat(request.isOpen()).isTrue();

		advance(1);
		assertThat(request.isOpen()).isFalse();
		assertThatExceptionOfType(ProxyStalledException.class).isThrownBy(request::checkException);
	}

	@Test
	void noRequestIsCutThroughADrainedMemberOrWithAZeroQuietTimeout() {
		EmbeddedChannel drained = requestThrough(this.member);
		this.pool.setUnavailable(this.member, Unavailability.DRAINED, true);
		advance(5_000);
		assertThat(drained.isOpen()).isTrue();

		this.quietTimeout = Duration.ZERO;
		EmbeddedChannel failing = requestThrough(this.other);
		this.pool.setUnavailable(this.other, Unavailability.UNHEALTHY, true);
		advance(5_000);
		assertThat(failing.isOpen()).isTrue();
		assertThat(this.pool.quietConnectionsCut()).isZero();
	}

	/** A reload that keeps only the second member ("b"). */
	private void removeFirstMemberByReload() {
		this.pools.reconcile(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP), PoolSpec.Origin.POOL,
				List.of(member("b")), "round-robin", Duration.ofSeconds(30))), Map.of(),
				SelectionStrategies.builtIn()::create);
	}

	/** A reload that sets the first member's enabled flag. */
	private void disableFirstMemberByReload(boolean enabled) {
		MemberSpec first = member("a");
		this.pools.reconcile(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP), PoolSpec.Origin.POOL,
				List.of(new MemberSpec(first.endpoint(), 1, enabled, Map.of()), member("b")), "round-robin",
				Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);
	}

	/** A pooled connection through the member that carried a request and is idle now. */
	private EmbeddedChannel idleConnectionThrough(PoolMember member) {
		this.pools.addAvailabilityListener(this.connections);
		EmbeddedChannel channel = new EmbeddedChannel();
		this.connections.inUse(member, Connection.from(channel), false);
		this.connections.released(channel);
		return channel;
	}

	/**
	 * A pooled connection through the member, lent out to a request that was sent and waits
	 * for its answer, on a channel whose clock stands still until the test moves it.
	 */
	private EmbeddedChannel requestThrough(PoolMember member) {
		this.pools.addAvailabilityListener(this.connections);
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.freezeTime();
		this.connections.inUse(member, Connection.from(channel), false);
		ResponseTimeoutHandler.arm(channel, Duration.ofSeconds(30), null);
		this.connection = channel;
		return channel;
	}

	/**
	 * A WebSocket session through the member, open as the observer leaves it: its opening
	 * handshake's timeout disarmed, on a channel whose clock stands still until the test moves it.
	 */
	private EmbeddedChannel sessionThrough(PoolMember member) {
		this.pools.addAvailabilityListener(this.connections);
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.freezeTime();
		this.connections.inUse(member, Connection.from(channel), false);
		ResponseTimeoutHandler.arm(channel, Duration.ofSeconds(30), null);
		ResponseTimeoutHandler.disarm(channel);
		this.connections.sessionOpened(channel, this.pool, member);
		this.connection = channel;
		return channel;
	}

	/** Moves the clocks of these connections on, one after the other, and runs what falls due. */
	private static void advance(long millis, EmbeddedChannel... channels) {
		for (EmbeddedChannel channel : channels) {
			channel.runPendingTasks();
			channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
			channel.runPendingTasks();
		}
	}

	/** Moves the connection's clock on and runs what falls due. */
	private void advance(long millis) {
		this.connection.runPendingTasks();
		this.connection.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
		this.connection.runPendingTasks();
	}

	private static MemberSpec member(String user) {
		return MemberSpec.of(ProxyEndpoint.parse("socks5://" + user + ":secret@127.0.0.1:1080"));
	}

}
