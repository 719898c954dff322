package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.Unavailability;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import reactor.core.scheduler.Scheduler;

/**
 * Cuts the connections through a failing member (unhealthy, or its breaker open) or one a
 * reload removed or disabled (whose health nobody checks any more) that have read nothing for
 * the quiet timeout: an open WebSocket session is closed, and a request (or
 * a WebSocket opening handshake) waiting for its answer fails with
 * {@link ProxyStalledException}. A proxy that froze, or whose machine dropped off the network,
 * stalls them without closing them: a session would wait for the feed's own heartbeat or
 * TCP's keep-alive, a request for its response timeout. Cut, the session ends so that the
 * application reopens it, and an idempotent request is sent again, through another member. A
 * connection that still reads is left alone however long its member stays set aside, and none
 * is cut while its pool is in panic mode, which has nothing better to offer.
 */
final class QuietConnections {

	/** Set while a check is planned for the connection: one watch per connection, however many reports. */
	private static final AttributeKey<Boolean> WATCHED = AttributeKey.valueOf(QuietConnections.class, "watched");

	private final Supplier<Duration> timeout;

	private final Predicate<Channel> carriesSession;

	private final QuietCutLog cutLog;

	/**
	 * @param timeout read at every check, so a reload applies to connections already watched;
	 * zero cuts none
	 * @param carriesSession whether a connection carries an open WebSocket session, asked at
	 * every check: a handshake watched while it waits for its answer may turn into one
	 * @param timer ends the bursts of cuts in the log
	 */
	QuietConnections(Supplier<Duration> timeout, Predicate<Channel> carriesSession, Scheduler timer) {
		this.timeout = timeout;
		this.carriesSession = carriesSession;
		this.cutLog = new QuietCutLog(timer);
	}

	/**
	 * Whether connections through the member are watched: it fails, or nothing would notice it
	 * fail any more, since a reload removed or disabled it (which stops its health checks and
	 * its breaker).
	 */
	static boolean watches(PoolMember member) {
		return member.isFailing() || member.isRemoved() || !member.enabled();
	}

	/** The connection's member failed: watch it until it closes, or its member is back. */
	void watch(Channel connection, ProxyPool pool, PoolMember member) {
		// the watch mark is read and written on the connection's event loop only, so a check
		// that ends a watch cannot miss a report that starts the next one
		connection.eventLoop().execute(() -> {
			if (connection.attr(WATCHED).setIfAbsent(Boolean.TRUE) == null) {
				check(connection, pool, member);
			}
		});
	}

	private void check(Channel connection, ProxyPool pool, PoolMember member) {
		long timeoutNanos = this.timeout.get().toNanos();
		long quietNanos = ResponseTimeoutHandler.quietNanos(connection);
		if (!connection.isActive() || timeoutNanos == 0 || !watches(member)
				|| quietNanos < 0) {
			connection.attr(WATCHED).set(null);
			return;
		}
		// between two requests (lent out, the next not sent yet) a connection has nothing to
		// wait for: look again later, as it may be about to send one
		boolean session = this.carriesSession.test(connection);
		boolean waiting = session || ResponseTimeoutHandler.awaitsAnswer(connection);
		if (waiting && quietNanos >= timeoutNanos && !pool.isPanicking()) {
			cut(connection, pool, member, session, quietNanos, Duration.ofNanos(timeoutNanos));
			return;
		}
		long next = (!waiting || quietNanos >= timeoutNanos) ? timeoutNanos : timeoutNanos - quietNanos;
		connection.eventLoop().schedule(() -> check(connection, pool, member), next, TimeUnit.NANOSECONDS);
	}

	private void cut(Channel connection, ProxyPool pool, PoolMember member, boolean session, long quietNanos,
			Duration timeout) {
		String quiet = Durations.format(Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(quietNanos)));
		String reason = reason(member);
		this.cutLog.cut(pool, member, session, quiet, reason, timeout);
		pool.quietConnectionCut();
		if (session) {
			connection.close();
		}
		else {
			ConnectAttempt request = ResponseTimeoutHandler.waiting(connection);
			ResponseTimeoutHandler.fail(connection, new ProxyStalledException("no answer for " + quiet
					+ " through proxy " + member.endpoint() + " of pool " + pool.key()
					+ (member.isFailing() ? ", which failed ("
							: member.isRemoved() ? ", which a reload removed (" : ", which a reload disabled (")
					+ reason
					+ "): the request was cut before its response timeout"
					+ ((request != null) ? ": " + ResponseTimedOut.exchangeAndType(request) : "")));
		}
	}

	/**
	 * Why the member is watched: {@code unhealthy}, {@code circuit-open}, {@code removed},
	 * {@code disabled}, or several.
	 */
	private static String reason(PoolMember member) {
		Stream<String> failing = Stream.of(Unavailability.UNHEALTHY, Unavailability.CIRCUIT_OPEN)
			.filter(member::isSetAsideFor)
			.map(Unavailability::id);
		Stream<String> unchecked = member.isRemoved() ? Stream.of("removed")
				: !member.enabled() ? Stream.of("disabled") : Stream.empty();
		return Stream.concat(failing, unchecked).collect(Collectors.joining(","));
	}

}
