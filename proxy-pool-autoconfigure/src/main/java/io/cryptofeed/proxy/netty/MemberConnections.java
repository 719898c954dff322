package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientState;

/**
 * The open connections through each member, and the response timeout of each request through
 * a pool. When a member leaves the available set, its
 * idle pooled connections are closed at once and busy ones as soon as they are released: a
 * proxy that hangs after its tunnels are up would otherwise keep stalling the requests that
 * reuse them. Long-lived WebSocket sessions are never cut; they end on their own.
 */
final class MemberConnections implements ConnectionObserver, ProxyPool.AvailabilityListener {

	private static final AttributeKey<Boolean> IN_USE = AttributeKey.valueOf(MemberConnections.class, "inUse");

	private static final AttributeKey<Boolean> RETIRED = AttributeKey.valueOf(MemberConnections.class, "retired");

	private final Map<PoolMember, Set<Channel>> channels = new ConcurrentHashMap<>();

	/**
	 * A connection through the member is in use by a request or session.
	 * @return whether it is a new connection (its tunnel was just established), not a reused one
	 */
	boolean inUse(PoolMember member, Connection connection) {
		Channel channel = connection.channel();
		channel.attr(IN_USE).set(true);
		Set<Channel> open = this.channels.computeIfAbsent(member, (m) -> ConcurrentHashMap.newKeySet());
		boolean fresh = open.add(channel);
		if (fresh) {
			channel.closeFuture().addListener((future) -> open.remove(channel));
		}
		if (!member.isAvailable()) {
			channel.attr(RETIRED).set(true);
		}
		return fresh;
	}

	@Override
	public void onStateChange(Connection connection, State newState) {
		if (newState == HttpClientState.REQUEST_PREPARED && connection instanceof HttpClientRequest request) {
			applyResponseTimeout(request);
			return;
		}
		Channel channel = connection.channel();
		if (newState == State.ACQUIRED) {
			channel.attr(IN_USE).set(true);
		}
		else if (newState == State.RELEASED) {
			channel.attr(IN_USE).set(false);
			if (Boolean.TRUE.equals(channel.attr(RETIRED).get())) {
				channel.close();
			}
		}
	}

	/**
	 * A request through a pool gets the pool's {@code timeout} as its response timeout. Set
	 * here, where the request is prepared, because this observer runs anyway: no copy of the
	 * request, no extra operator.
	 */
	private static void applyResponseTimeout(HttpClientRequest request) {
		ConnectAttempt attempt = request.currentContextView().getOrDefault(ConnectAttempt.CONTEXT_KEY, null);
		if (attempt != null && attempt.type() == ConnectionType.HTTP) {
			Duration timeout = attempt.responseTimeout();
			if (timeout != null) {
				request.responseTimeout(timeout);
			}
		}
	}

	@Override
	public void availabilityChanged(ProxyPool pool, PoolMember member, boolean available) {
		if (available) {
			return;
		}
		for (Channel channel : this.channels.getOrDefault(member, Set.of())) {
			channel.attr(RETIRED).set(true);
			if (!Boolean.TRUE.equals(channel.attr(IN_USE).get())) {
				channel.close();
			}
		}
	}

	/** Connections through the member that are still open. */
	int open(PoolMember member) {
		return this.channels.getOrDefault(member, Set.of()).size();
	}

}
