package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolsChange;
import io.cryptofeed.proxy.core.PoolsListener;
import io.cryptofeed.proxy.core.ProxyPool;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * The open connections through each member. When a member leaves the available set, its
 * busy pooled connections are closed as soon as they are released, and its idle ones at
 * once when it is failing (a proxy that hangs after its tunnels are up would otherwise keep
 * stalling the requests that reuse them), or after {@link #RETIRE_GRACE} when it was drained,
 * or removed or disabled by a reload. Through a failing member, or one a reload removed or
 * disabled (whose health nobody checks any more), a request waiting for its answer and an open WebSocket session are
 * cut once they are quiet (see {@link QuietConnections}); through one only drained they end
 * on their own.
 *
 * <p>Over HTTP/2 a request is a stream, a child channel of the connection that carries it:
 * the streams are tracked and cut like requests, and their connection, the tunnel, like a
 * connection that is busy while it carries a stream. It is never released to a pool, so a
 * retired one is closed when its last stream ends.
 */
final class MemberConnections implements ProxyPool.AvailabilityListener, PoolsListener {

	private static final AttributeKey<Boolean> IN_USE = AttributeKey.valueOf(MemberConnections.class, "inUse");

	private static final AttributeKey<Boolean> RETIRED = AttributeKey.valueOf(MemberConnections.class, "retired");

	private static final AttributeKey<Boolean> SESSION = AttributeKey.valueOf(MemberConnections.class, "session");

	private static final AttributeKey<Boolean> ANSWERED = AttributeKey.valueOf(MemberConnections.class, "answered");

	/** Marks an HTTP/2 connection: its streams carry the requests, and it is closed, not released, when retired. */
	private static final AttributeKey<Boolean> MULTIPLEXED = AttributeKey.valueOf(MemberConnections.class,
			"multiplexed");

	/** How long idle connections of a drained or removed member stay before they are closed. */
	static final Duration RETIRE_GRACE = Duration.ofSeconds(1);

	private final Map<PoolMember, Set<Channel>> channels = new ConcurrentHashMap<>();

	private final QuietConnections quietConnections;

	/**
	 * @param quietTimeout how long a session, or a request or opening handshake waiting for its
	 * answer, through a failing member may read nothing; zero for ever
	 */
	MemberConnections(Supplier<Duration> quietTimeout) {
		this(quietTimeout, Schedulers.parallel());
	}

	/** @param timer ends the bursts of cut connections in the log */
	MemberConnections(Supplier<Duration> quietTimeout, Scheduler timer) {
		this.quietConnections = new QuietConnections(quietTimeout,
				(channel) -> Boolean.TRUE.equals(channel.attr(SESSION).get()), timer);
	}

	/**
	 * A request (or a WebSocket opening handshake) goes out on a connection through the member:
	 * the connection is tracked from now on, a new one included, so that its member's failure
	 * finds it while it waits for its first answer.
	 */
	void requestSent(PoolMember member, Channel channel) {
		// a connection that carried an answer is tracked already: one lookup for each request it
		// carries (an HTTP/2 stream carries one, and is new every time)
		if (channel.attr(ANSWERED).get() == null) {
			channel.attr(IN_USE).set(true);
			track(member, channel);
			trackTunnelOfStream(member, channel);
		}
	}

	/**
	 * A connection through the member is in use by a request or session, which got its answer.
	 * @param retire whether the connection is closed once released instead of kept alive: its
	 * member is set aside (and its pool not in panic mode, which still relies on it)
	 * @return whether it is a new connection (its tunnel was just established), not a reused one
	 */
	boolean inUse(PoolMember member, Connection connection, boolean retire) {
		Channel channel = connection.channel();
		channel.attr(IN_USE).set(true);
		track(member, channel);
		Channel tunnel = trackTunnelOfStream(member, channel);
		if (retire) {
			channel.attr(RETIRED).set(true);
			// an HTTP/2 stream's tunnel then closes when its last stream does
			tunnel.attr(RETIRED).set(true);
		}
		// the first answer on a connection proves its tunnel new; the later ones reuse it
		Attribute<Boolean> answered = tunnel.attr(ANSWERED);
		return answered.get() == null && answered.setIfAbsent(Boolean.TRUE) == null;
	}

	/**
	 * Tracks the connection that carries an HTTP/2 stream under the member too.
	 * @return the connection through the proxy: the stream's parent, else the channel itself
	 */
	private Channel trackTunnelOfStream(PoolMember member, Channel channel) {
		Channel tunnel = channel.parent();
		if (tunnel == null) {
			return channel;
		}
		if (tunnel.attr(MULTIPLEXED).get() == null) {
			tunnel.attr(MULTIPLEXED).set(Boolean.TRUE);
			track(member, tunnel);
		}
		return tunnel;
	}

	private void track(PoolMember member, Channel channel) {
		Set<Channel> known = this.channels.get(member);
		Set<Channel> open = (known != null) ? known
				: this.channels.computeIfAbsent(member, (m) -> ConcurrentHashMap.newKeySet());
		// a tracked connection is found without the lock that adding takes
		if (!open.contains(channel) && open.add(channel)) {
			channel.closeFuture().addListener((future) -> {
				open.remove(channel);
				forgetIfGone(member);
				Channel tunnel = channel.parent();
				if (tunnel != null && Boolean.TRUE.equals(tunnel.attr(RETIRED).get())) {
					// once Netty has counted the stream out
					tunnel.eventLoop().execute(() -> closeIfNoStreams(tunnel));
				}
			});
		}
	}

	/**
	 * The connection carries an open WebSocket session from now on, until it closes. A session
	 * opened through a member that is failing already (chosen in panic mode, or set aside while
	 * its handshake was under way), or that a reload removed or disabled meanwhile, is watched from the
	 * start: no later change will report it.
	 * @param pool the member's pool, {@code null} when no member carries the session
	 * @param member the member, {@code null} when none does
	 */
	void sessionOpened(Channel channel, ProxyPool pool, PoolMember member) {
		channel.attr(SESSION).set(true);
		if (member != null && QuietConnections.watches(member)) {
			this.quietConnections.watch(channel, pool, member);
		}
	}

	/** The connection pool lent the connection out. */
	void acquired(Channel channel) {
		channel.attr(IN_USE).set(true);
	}

	/** The connection went back to its pool: closed now if its member was retired while it was busy. */
	void released(Channel channel) {
		channel.attr(IN_USE).set(false);
		if (Boolean.TRUE.equals(channel.attr(RETIRED).get())) {
			channel.close();
		}
	}

	@Override
	public void availabilityChanged(ProxyPool pool, PoolMember member, boolean available) {
		// health checks, breakers, operators and reloads report from their own threads, in no
		// common order: news that the member left may come after it is back, and then retires
		// nothing
		if (available || member.isAvailable()) {
			return;
		}
		// a failing proxy may stall whatever reuses its tunnels: close the idle ones now, and
		// cut the busy ones once quiet; a drained or removed one still works, so give requests
		// that chose it just before a moment to acquire their connection, which closing under
		// them would break. A removed or disabled one's busy ones are watched too: nothing
		// checks its health any more, so a stall through it would never be noticed otherwise
		boolean failing = member.isFailing();
		boolean unchecked = member.isRemoved() || !member.enabled();
		for (Channel channel : this.channels.getOrDefault(member, Set.of())) {
			channel.attr(RETIRED).set(true);
			if (Boolean.TRUE.equals(channel.attr(MULTIPLEXED).get())) {
				// closed once it carries no stream; its streams are tracked themselves, and a busy
				// one finishes, or is cut when quiet, like any request
				retireMultiplexed(channel, failing);
			}
			else if (failing) {
				// on the channel's event loop, which lends it out: checked here, on the caller's
				// thread, it could be lent out between the check and the close
				channel.eventLoop().execute(() -> closeIfIdleElseWatch(channel, pool, member));
			}
			else if (unchecked) {
				channel.eventLoop()
					.schedule(() -> closeIfIdleElseWatch(channel, pool, member), RETIRE_GRACE.toNanos(),
							TimeUnit.NANOSECONDS);
			}
			else {
				channel.eventLoop().schedule(() -> closeIfIdle(channel), RETIRE_GRACE.toNanos(), TimeUnit.NANOSECONDS);
			}
		}
	}

	private static void retireMultiplexed(Channel connection, boolean failing) {
		if (failing) {
			connection.eventLoop().execute(() -> closeIfNoStreams(connection));
		}
		else {
			connection.eventLoop()
				.schedule(() -> closeIfNoStreams(connection), RETIRE_GRACE.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	/** Closes an HTTP/2 connection unless a stream is still under way on it, whose end closes it. */
	private static void closeIfNoStreams(Channel connection) {
		Http2FrameCodec codec = connection.pipeline().get(Http2FrameCodec.class);
		if (codec == null || codec.connection().numActiveStreams() == 0) {
			connection.close();
		}
	}

	private static void closeIfIdle(Channel channel) {
		if (!Boolean.TRUE.equals(channel.attr(IN_USE).get())) {
			channel.close();
		}
	}

	/**
	 * A busy connection (an open session is busy until it closes) closes once released; until
	 * then, its request may wait for an answer that never comes, and a session for frames that
	 * never come.
	 */
	private void closeIfIdleElseWatch(Channel channel, ProxyPool pool, PoolMember member) {
		if (Boolean.TRUE.equals(channel.attr(IN_USE).get())) {
			this.quietConnections.watch(channel, pool, member);
		}
		else {
			channel.close();
		}
	}

	/** A member a reload removed is forgotten once its last connection has closed. */
	@Override
	public void poolsChanged(PoolsChange change) {
		change.removedMembers().forEach((removed) -> forgetIfGone(removed.member()));
	}

	private void forgetIfGone(PoolMember member) {
		if (member.isRemoved()) {
			this.channels.computeIfPresent(member, (m, open) -> open.isEmpty() ? null : open);
		}
	}

	/** Members with connections tracked, removed ones whose connections are still open included. */
	int trackedMembers() {
		return this.channels.size();
	}

	/** Connections through the member that are still open: its tunnels, not the HTTP/2 streams they carry. */
	int open(PoolMember member) {
		int open = 0;
		for (Channel channel : this.channels.getOrDefault(member, Set.of())) {
			if (channel.parent() == null) {
				open++;
			}
		}
		return open;
	}

}
