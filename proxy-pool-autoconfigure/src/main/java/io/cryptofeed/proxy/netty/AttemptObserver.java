package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.HttpClientState;

/**
 * The one observer the pools add to a client: it tells each request's {@link ConnectAttempt}
 * what happened on the connection that carries it. When the request is sent, its pool's
 * timeout becomes its response timeout (a WebSocket's, for its opening handshake only) and its
 * connection is tracked under its member; when the answer arrives, the
 * connection is tracked (a new tunnel is a success for the member's breaker) and the status
 * is handed to the exchange's limits, reused keep-alive connections included; a WebSocket
 * session's leases go back when its connection closes. One observer per client and one
 * context lookup per step, because this runs for every request.
 */
final class AttemptObserver implements ConnectionObserver {

	/**
	 * Marks a connection through a source's proxy whose new tunnel was reported: reuse, or another
	 * HTTP/2 stream on it, proves nothing new.
	 */
	private static final AttributeKey<Boolean> CHOSEN_TUNNEL_REPORTED = AttributeKey.valueOf(AttemptObserver.class,
			"chosenTunnelReported");

	private final MemberConnections connections;

	/** The connection type of the client observed: which step arms the response timeout. */
	private final ConnectionType type;

	/** The settings now, read for a direct WebSocket's handshake only. */
	private final Supplier<TransportSettings> settings;

	AttemptObserver(MemberConnections connections, ConnectionType type, Supplier<TransportSettings> settings) {
		this.connections = connections;
		this.type = type;
		this.settings = settings;
	}

	@Override
	public void onStateChange(Connection connection, State newState) {
		if (newState == HttpClientState.REQUEST_SENT && this.type == ConnectionType.HTTP
				&& connection instanceof HttpClientRequest request) {
			requestSent(connection, request);
		}
		else if (newState == HttpClientState.REQUEST_PREPARED && this.type == ConnectionType.WEBSOCKET
				&& connection instanceof HttpClientRequest request) {
			// a WebSocket's opening handshake is sent outside Reactor Netty's request path: arm it now
			requestSent(connection, request);
		}
		else if (newState == HttpClientState.RESPONSE_RECEIVED && connection instanceof HttpClientResponse response) {
			ConnectAttempt attempt = response.currentContextView().getOrDefault(ConnectAttempt.CONTEXT_KEY, null);
			if (attempt != null) {
				if (attempt.type() == ConnectionType.WEBSOCKET) {
					// the session is open: it may stay quiet for as long as it likes, unless its
					// member fails (the handler stays, disarmed, to tell how long it was quiet)
					ResponseTimeoutHandler.disarm(connection.channel());
					this.connections.sessionOpened(connection.channel(), attempt.currentPool(), attempt.current());
					// its leases go back when it closes, even where the application's handler (and
					// so the session's Mono, whose end releases them too) outlives it
					connection.channel().closeFuture().addListener((closed) -> attempt.releaseAll());
				}
				carried(attempt, connection);
				attempt.responded(response.status().code(), response.responseHeaders());
			}
		}
		else if (newState == HttpClientState.RESPONSE_COMPLETED) {
			ResponseTimeoutHandler.disarm(connection.channel());
		}
		else if (newState == HttpClientState.STREAM_CONFIGURED) {
			// an HTTP/2 request is written on its stream's own channel
			AsciiTargetHost.addToStream(connection.channel());
		}
		else if (newState == State.ACQUIRED) {
			this.connections.acquired(connection.channel());
		}
		else if (newState == State.RELEASED) {
			ResponseTimeoutHandler.disarm(connection.channel());
			this.connections.released(connection.channel());
		}
	}

	/**
	 * A request through a pool gets the pool's {@code timeout} as its response timeout, from
	 * the moment it was sent (a WebSocket, for its opening handshake): no operator, and no
	 * handler added and removed per request. The connection is tracked under its member from
	 * then on, so that the member's failure finds a new tunnel's first request too. A WebSocket
	 * that goes direct gets {@code websocket-client.direct-handshake-timeout} for its handshake:
	 * nothing else would bound it, and a feed whose handshake is never answered would wait for
	 * ever. A direct HTTP request keeps its client's own response timeout (Boot's read timeout).
	 */
	private void requestSent(Connection connection, HttpClientRequest request) {
		ConnectAttempt attempt = request.currentContextView().getOrDefault(ConnectAttempt.CONTEXT_KEY, null);
		if (attempt != null && attempt.type() == this.type) {
			Duration timeout = attempt.responseTimeout();
			if (timeout == null && this.type == ConnectionType.WEBSOCKET) {
				Duration direct = this.settings.get().webSocketClient().directHandshakeTimeout();
				timeout = direct.isZero() ? null : direct;
			}
			if (timeout != null) {
				ResponseTimeoutHandler.arm(connection.channel(), timeout, attempt);
			}
			PoolMember member = attempt.requestSent(connection.channel());
			if (member != null) {
				// a new tunnel's first request may wait for an answer that never comes, too
				this.connections.requestSent(member, connection.channel());
			}
		}
	}

	/**
	 * Tracks the connection under its member. Only a new connection is a success for the
	 * breaker: the tunnel was just established. A reused one proves nothing new, and
	 * recording every request would make the breaker the busiest part of the path.
	 */
	private void carried(ConnectAttempt attempt, Connection connection) {
		PoolMember member = attempt.current();
		// a member set aside retires its connection unless its pool is in panic mode and relies
		// on it; the pool is asked only then, since this runs for every request
		if (member != null
				&& this.connections.inUse(member, connection, !member.isAvailable() && !attempt.panicking())) {
			attempt.tunnelUp();
		}
		else if (member == null && attempt.carriedByChosen()
				&& tunnelOf(connection.channel()).attr(CHOSEN_TUNNEL_REPORTED).setIfAbsent(Boolean.TRUE) == null) {
			attempt.tunnelUp();
		}
	}

	/** The connection through the proxy: an HTTP/2 stream's parent, whose streams are all new. */
	private static Channel tunnelOf(Channel channel) {
		Channel tunnel = channel.parent();
		return (tunnel != null) ? tunnel : channel;
	}

}
