package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.Unavailability;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Closes the open WebSocket sessions through a failing member (unhealthy, or its breaker
 * open) once they have read nothing for the quiet-session timeout. A proxy that froze, or
 * whose machine dropped off the network, stalls its sessions without closing them, and the
 * feed would wait for its own heartbeat or TCP's keep-alive; closed, the application
 * reconnects through another member. A session that still reads is left alone however long
 * its member stays set aside, and none is closed while its pool is in panic mode, which has
 * nothing better to offer.
 */
final class QuietSessions {

	private static final System.Logger log = System.getLogger(QuietSessions.class.getName());

	/** Set while a check is planned for the session: one watch per session, however many reports. */
	private static final AttributeKey<Boolean> WATCHED = AttributeKey.valueOf(QuietSessions.class, "watched");

	private final Supplier<Duration> timeout;

	/** @param timeout read at every check, so a reload applies to sessions already watched; zero closes none */
	QuietSessions(Supplier<Duration> timeout) {
		this.timeout = timeout;
	}

	/** The session's member failed: watch the session until it closes, reads, or its member is back. */
	void watch(Channel session, ProxyPool pool, PoolMember member) {
		// the watch mark is read and written on the session's event loop only, so a check that
		// ends a watch cannot miss a report that starts the next one
		session.eventLoop().execute(() -> {
			if (session.attr(WATCHED).setIfAbsent(Boolean.TRUE) == null) {
				check(session, pool, member);
			}
		});
	}

	private void check(Channel session, ProxyPool pool, PoolMember member) {
		long timeoutNanos = this.timeout.get().toNanos();
		long quietNanos = ResponseTimeoutHandler.quietNanos(session);
		if (!session.isActive() || timeoutNanos == 0 || !member.isFailing() || quietNanos < 0) {
			session.attr(WATCHED).set(null);
			return;
		}
		if (quietNanos >= timeoutNanos && !pool.isPanicking()) {
			String quietMillis = String.valueOf(TimeUnit.NANOSECONDS.toMillis(quietNanos));
			log.log(System.Logger.Level.WARNING, "proxy session closed: pool={0} member={1} quiet-for={2}ms reason={3}",
					pool.key(), member.endpoint(), quietMillis, reason(member));
			pool.quietSessionClosed();
			session.close();
			return;
		}
		long next = (quietNanos >= timeoutNanos) ? timeoutNanos : timeoutNanos - quietNanos;
		session.eventLoop().schedule(() -> check(session, pool, member), next, TimeUnit.NANOSECONDS);
	}

	/** Why the member fails: {@code unhealthy}, {@code circuit-open} or both. */
	private static String reason(PoolMember member) {
		return Stream.of(Unavailability.UNHEALTHY, Unavailability.CIRCUIT_OPEN)
			.filter(member::isSetAsideFor)
			.map(Unavailability::id)
			.collect(Collectors.joining(","));
	}

}
