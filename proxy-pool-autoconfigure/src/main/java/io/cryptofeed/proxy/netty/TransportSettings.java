package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.Objects;

import io.cryptofeed.proxy.core.Durations;

/**
 * How connections through pools are made.
 *
 * @param connectTimeout bound on the TCP connect to a proxy
 * @param handshakeTimeout bound on the proxy handshake (CONNECT or SOCKS), which is what
 * catches a hung proxy: it accepts TCP at once and never answers
 * @param tlsHandshakeTimeout time added to {@code handshakeTimeout} for the TLS handshake
 * through a proxy's tunnel (Netty's TLS timer runs from the TCP connect): what catches a proxy
 * that answers its handshake and then stalls
 * @param maxAttempts members tried for one connection, never more than the pool's enabled members
 * @param retryIdempotent whether a GET, HEAD or OPTIONS whose tunnel stalled after it was up is
 * sent once more through another member
 * @param quietTimeout how long an open WebSocket session, or a request or opening handshake
 * waiting for its answer, through a member that failed may read nothing before it is cut, so that the
 * application reconnects (an idempotent request is sent again) through another member; zero
 * leaves them to their own timeouts
 * @param connectionPool the keep-alive connections of the auto-configured clients
 * @param webSocketClient the sessions of a {@link ProxyPoolWebSocketClient} without a
 * WebSocket spec of its own
 * @param proxyTls the TLS spoken to {@code https} members, read as each connection to one is
 * initialized
 * @throws IllegalArgumentException for a value the configuration would refuse too, since a
 * bean that builds its own copy skips the configuration's checks
 */
public record TransportSettings(Duration connectTimeout, Duration handshakeTimeout, Duration tlsHandshakeTimeout,
		int maxAttempts, boolean retryIdempotent, Duration quietTimeout, ConnectionPoolSettings connectionPool,
		WebSocketClientSettings webSocketClient, ProxyTls proxyTls) {

	public static final TransportSettings DEFAULTS = new TransportSettings(Duration.ofSeconds(1),
			Duration.ofSeconds(1), Duration.ofSeconds(2), 3, true, Duration.ofSeconds(10),
			ConnectionPoolSettings.DEFAULTS, WebSocketClientSettings.DEFAULTS, ProxyTls.systemDefault());

	public TransportSettings {
		wholeMilliseconds("connectTimeout", connectTimeout);
		wholeMilliseconds("handshakeTimeout", handshakeTimeout);
		wholeMilliseconds("tlsHandshakeTimeout", tlsHandshakeTimeout);
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, but was " + maxAttempts);
		}
		Objects.requireNonNull(quietTimeout, "quietTimeout");
		if (quietTimeout.isNegative()) {
			throw new IllegalArgumentException(
					"quietTimeout must not be negative (0 turns it off), but was " + Durations.format(quietTimeout));
		}
		if (!quietTimeout.isZero()) {
			wholeMilliseconds("quietTimeout", quietTimeout);
		}
		Objects.requireNonNull(connectionPool, "connectionPool");
		Objects.requireNonNull(webSocketClient, "webSocketClient");
		Objects.requireNonNull(proxyTls, "proxyTls");
	}

	/** A timer's duration, as the configuration takes it (see {@link Durations#timerProblem}). */
	private static void wholeMilliseconds(String name, Duration value) {
		Objects.requireNonNull(value, name);
		String problem = Durations.timerProblem(value);
		if (problem != null) {
			throw new IllegalArgumentException(name + " " + problem + ", but was " + Durations.format(value));
		}
	}

	// copies with one setting changed, for a bean that replaces the pooled clients: it starts
	// from the CompiledProxyConfiguration bean's transport() and changes what it must

	public TransportSettings withConnectTimeout(Duration connectTimeout) {
		return new TransportSettings(connectTimeout, this.handshakeTimeout, this.tlsHandshakeTimeout, this.maxAttempts,
				this.retryIdempotent, this.quietTimeout, this.connectionPool, this.webSocketClient, this.proxyTls);
	}

	public TransportSettings withHandshakeTimeout(Duration handshakeTimeout) {
		return new TransportSettings(this.connectTimeout, handshakeTimeout, this.tlsHandshakeTimeout, this.maxAttempts,
				this.retryIdempotent, this.quietTimeout, this.connectionPool, this.webSocketClient, this.proxyTls);
	}

	public TransportSettings withTlsHandshakeTimeout(Duration tlsHandshakeTimeout) {
		return new TransportSettings(this.connectTimeout, this.handshakeTimeout, tlsHandshakeTimeout, this.maxAttempts,
				this.retryIdempotent, this.quietTimeout, this.connectionPool, this.webSocketClient, this.proxyTls);
	}

	public TransportSettings withMaxAttempts(int maxAttempts) {
		return new TransportSettings(this.connectTimeout, this.handshakeTimeout, this.tlsHandshakeTimeout, maxAttempts,
				this.retryIdempotent, this.quietTimeout, this.connectionPool, this.webSocketClient, this.proxyTls);
	}

	public TransportSettings withRetryIdempotent(boolean retryIdempotent) {
		return new TransportSettings(this.connectTimeout, this.handshakeTimeout, this.tlsHandshakeTimeout,
				this.maxAttempts, retryIdempotent, this.quietTimeout, this.connectionPool, this.webSocketClient,
				this.proxyTls);
	}

	public TransportSettings withQuietTimeout(Duration quietTimeout) {
		return new TransportSettings(this.connectTimeout, this.handshakeTimeout, this.tlsHandshakeTimeout,
				this.maxAttempts, this.retryIdempotent, quietTimeout, this.connectionPool, this.webSocketClient,
				this.proxyTls);
	}

	public TransportSettings withConnectionPool(ConnectionPoolSettings connectionPool) {
		return new TransportSettings(this.connectTimeout, this.handshakeTimeout, this.tlsHandshakeTimeout,
				this.maxAttempts, this.retryIdempotent, this.quietTimeout, connectionPool, this.webSocketClient,
				this.proxyTls);
	}

	public TransportSettings withWebSocketClient(WebSocketClientSettings webSocketClient) {
		return new TransportSettings(this.connectTimeout, this.handshakeTimeout, this.tlsHandshakeTimeout,
				this.maxAttempts, this.retryIdempotent, this.quietTimeout, this.connectionPool, webSocketClient,
				this.proxyTls);
	}

	public TransportSettings withProxyTls(ProxyTls proxyTls) {
		return new TransportSettings(this.connectTimeout, this.handshakeTimeout, this.tlsHandshakeTimeout,
				this.maxAttempts, this.retryIdempotent, this.quietTimeout, this.connectionPool, this.webSocketClient,
				proxyTls);
	}

	/**
	 * The sessions of a {@link ProxyPoolWebSocketClient} without a WebSocket spec of its own,
	 * read as each session opens, so that a reload applies to the next one; the bound on a
	 * direct session's opening handshake holds for every WebSocket client from
	 * {@link ProxyPoolHttpClients#apply}.
	 *
	 * @param maxFramePayloadLength the largest frame, and message, in bytes, a session accepts
	 * @param compress whether a session offers permessage-deflate compression
	 * @param directHandshakeTimeout how long the opening handshake of a session that goes
	 * without a proxy may wait for the exchange's answer (through a proxy, its pool's
	 * {@code timeout} bounds it); zero for ever
	 */
	public record WebSocketClientSettings(int maxFramePayloadLength, boolean compress,
			Duration directHandshakeTimeout) {

		/**
		 * Reactor Netty's own frame limit and compression (64 KB frames, none), and for a direct
		 * handshake the 30 s a pool's {@code timeout} gives one through a proxy.
		 */
		public static final WebSocketClientSettings DEFAULTS = new WebSocketClientSettings(65536, false,
				Duration.ofSeconds(30));

		public WebSocketClientSettings {
			if (maxFramePayloadLength < 1) {
				throw new IllegalArgumentException(
						"maxFramePayloadLength must be at least 1, but was " + maxFramePayloadLength);
			}
			Objects.requireNonNull(directHandshakeTimeout, "directHandshakeTimeout");
			if (directHandshakeTimeout.isNegative()) {
				throw new IllegalArgumentException("directHandshakeTimeout must not be negative (0 turns it off), but was "
						+ Durations.format(directHandshakeTimeout));
			}
			// checked here, not by the outer record's helper: calling it would initialize that
			// record, whose defaults need these before they are built
			String problem = directHandshakeTimeout.isZero() ? null : Durations.timerProblem(directHandshakeTimeout);
			if (problem != null) {
				throw new IllegalArgumentException(
						"directHandshakeTimeout " + problem + ", but was " + Durations.format(directHandshakeTimeout));
			}
		}

		/** The frame limit and compression given, and the default bound on a direct handshake. */
		public WebSocketClientSettings(int maxFramePayloadLength, boolean compress) {
			this(maxFramePayloadLength, compress, DEFAULTS.directHandshakeTimeout());
		}

	}

	/**
	 * The keep-alive connections of the auto-configured clients, per member and target.
	 * Fixed when the clients are built: a reload cannot change the pools that hold live
	 * connections.
	 *
	 * @param maxConnections connections open at once through one member to one target; more
	 * requests wait for one to be free
	 * @param maxIdleTime how long an idle connection may wait for its next request before it
	 * is closed, so that a tunnel a proxy, load balancer or exchange dropped in silence is not
	 * lent out again
	 */
	public record ConnectionPoolSettings(int maxConnections, Duration maxIdleTime) {

		/**
		 * As many connections as {@code HttpClient.create()} allows (500; a connection
		 * provider builder's own default, twice the cores, would queue a busy feed's requests),
		 * and an idle time below the 60 s after which common proxies and load balancers drop
		 * idle connections.
		 */
		public static final ConnectionPoolSettings DEFAULTS = new ConnectionPoolSettings(500, Duration.ofSeconds(30));

		public ConnectionPoolSettings {
			if (maxConnections < 1) {
				throw new IllegalArgumentException("maxConnections must be at least 1, but was " + maxConnections);
			}
			Objects.requireNonNull(maxIdleTime, "maxIdleTime");
			if (maxIdleTime.isZero() || maxIdleTime.isNegative()) {
				throw new IllegalArgumentException(
						"maxIdleTime must be positive, but was " + Durations.format(maxIdleTime));
			}
		}

	}

}
