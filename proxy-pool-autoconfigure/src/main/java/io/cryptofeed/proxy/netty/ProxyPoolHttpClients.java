package io.cryptofeed.proxy.netty;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.NoProxyAvailableException;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.netty.channel.ChannelOption;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.AttributeKey;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Applies the pools to Reactor Netty {@link HttpClient}s: each connection goes through the
 * member chosen for it, passing over members that rest for the connection's exchange. The
 * auto-configured WebClient and WebSocket clients use this; so can an {@code HttpClient} you
 * build yourself, with {@link #withFailover} around each request for failover.
 */
public final class ProxyPoolHttpClients implements AutoCloseable {

	/** How often idle per-proxy connection pools are looked for, and how long idle they may stay. */
	static final Duration POOL_SWEEP_INTERVAL = Duration.ofSeconds(30);

	static final Duration POOL_INACTIVITY = Duration.ofSeconds(60);

	/** Marks a connection through a source's proxy whose new tunnel was reported: reuse proves nothing new. */
	private static final AttributeKey<Boolean> CHOSEN_TUNNEL_REPORTED = AttributeKey
		.valueOf(ProxyPoolHttpClients.class, "chosenTunnelReported");

	private final ProxyPools pools;

	/** Replaced on reload; read once per connection, so a connection runs on one version. */
	private volatile TransportSettings settings;

	private final ProxyOutcomes outcomes;

	private final RateLimits rateLimits;

	private final ProxySource source;

	private final ProxyAddressResolver resolver = new ProxyAddressResolver(Duration.ofMinutes(1), Clock.systemUTC());

	private final MemberConnections connections = new MemberConnections();

	/**
	 * Reactor Netty keeps a connection pool per target and proxy, and without this setting
	 * never drops one: members that come and go on reload would leave theirs behind.
	 */
	private final ConnectionProvider connectionProvider = ConnectionProvider.builder("proxy-pool")
		.disposeInactivePoolsInBackground(POOL_SWEEP_INTERVAL, POOL_INACTIVITY)
		.build();

	private final ExchangeAnswers answers = new ExchangeAnswers();

	/**
	 * @param rateLimits the exchanges' cooldowns and budgets, which selection respects
	 * @param source asked before the pools at every connect (the external proxy service), or
	 * {@code null}
	 */
	public ProxyPoolHttpClients(ProxyPools pools, TransportSettings settings, ProxyOutcomes outcomes,
			RateLimits rateLimits, ProxySource source) {
		this.pools = pools;
		this.settings = settings;
		this.outcomes = outcomes;
		this.rateLimits = rateLimits;
		this.source = source;
		pools.addAvailabilityListener(this.connections);
		pools.addPoolsListener(this.connections);
	}

	/**
	 * Takes new transport settings from a reload. Every connection made after it uses them,
	 * except the TCP connect timeout, which is set on each {@link HttpClient} by
	 * {@link #apply} and so holds for clients built afterwards.
	 */
	public void update(TransportSettings settings) {
		this.settings = settings;
	}

	/**
	 * A new client on this library's connection provider, whose per-proxy connection pools
	 * are dropped once idle: the base for {@link #apply} in the auto-configured clients.
	 */
	public HttpClient newHttpClient() {
		return HttpClient.create(this.connectionProvider);
	}

	/**
	 * The client with every connection routed through the pool for its exchange and this
	 * connection type. The exchange comes from the {@link ProxyAttributes#EXCHANGE} context
	 * key, else from the request host's {@code hosts} patterns.
	 */
	public HttpClient apply(HttpClient client, ConnectionType type) {
		// A resolver already set (Boot's runOn(...) sets one) would resolve exchange hosts here
		// even when a proxy carries the connection; without one, names go to the proxy (remote
		// DNS), and Reactor Netty resolves them itself for a connection that goes direct.
		return client.resolver(NoopAddressResolverGroup.INSTANCE)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.settings.connectTimeout().toMillis())
			.proxyWhen(new PooledProxySelector(this.pools, type, this.resolver, this::settings, this.source))
			.observe(this.connections)
			.observe(this.answers)
			.mapConnect((connect) -> tracked(connect, type));
	}

	/**
	 * Runs a request (or opens a session) made with a client from {@link #apply}, and runs it
	 * again through another member each time connecting through the chosen one fails before
	 * its tunnel is up, up to the configured attempts. The request is built anew for each
	 * attempt: Reactor Netty keeps per-request state that must not carry over between proxies.
	 * A WebSocket handshake the exchange refused with a cooldown status is opened through
	 * another member only where {@code rate-limit.retry-on-cooldown} is on.
	 */
	public <T> Mono<T> withFailover(ConnectionType type, Supplier<? extends Mono<T>> request) {
		return Mono.deferContextual((context) -> {
			String exchange = context.getOrDefault(ProxyAttributes.EXCHANGE, null);
			ConnectAttempt attempt = newAttempt(exchange, type);
			return failover(attempt, request).doFinally((signal) -> attempt.releaseAll())
				.contextWrite((c) -> c.put(ConnectAttempt.CONTEXT_KEY, attempt));
		});
	}

	<T> Mono<T> failover(ConnectAttempt attempt, Supplier<? extends Mono<T>> request) {
		return Mono.defer(request).onErrorResume((error) -> {
			if (error instanceof NoProxyAvailableException && attempt.hasFailures()) {
				return Mono.error(exhausted(attempt, error));
			}
			if (ExchangeAnswers.refusedHandshake(attempt, error)) {
				if (!attempt.retriesOnCooldown() || !attempt.mayTryAnother(this.settings.maxAttempts())) {
					return Mono.error(error);
				}
				// when no other member may take it, the exchange's refusal is the answer
				return failover(attempt, request).onErrorResume(NoProxyAvailableException.class,
						(none) -> Mono.error(error));
			}
			if (!ConnectFailures.beforeTunnel(error) || !attempt.failed(error)) {
				return Mono.error(error);
			}
			if (attempt.mayTryAnother(this.settings.maxAttempts())) {
				return failover(attempt, request);
			}
			return Mono.error(exhausted(attempt, error));
		});
	}

	/** Records which member carries the connection; starts an attempt when nothing outside did. */
	private Mono<? extends Connection> tracked(Mono<? extends Connection> connect, ConnectionType type) {
		return Mono.deferContextual((context) -> {
			ConnectAttempt outer = context.getOrDefault(ConnectAttempt.CONTEXT_KEY, null);
			if (outer != null) {
				// the outer layer records failures, since it decides whether to try another member
				return connect.doOnNext((connection) -> carried(outer, connection));
			}
			ConnectAttempt attempt = newAttempt(context.getOrDefault(ProxyAttributes.EXCHANGE, null), type);
			return connect.doOnNext((connection) -> carried(attempt, connection))
				.doOnError((error) -> {
					if (!ExchangeAnswers.refusedHandshake(attempt, error)
							&& (ConnectFailures.beforeTunnel(error) || ConnectFailures.afterTunnel(error))) {
						attempt.failed(error);
					}
				})
				.doFinally((signal) -> attempt.releaseAll())
				.contextWrite((c) -> c.put(ConnectAttempt.CONTEXT_KEY, attempt));
		});
	}

	/**
	 * Tracks the connection under its member. Only a new connection is a success for the
	 * breaker: the tunnel was just established. A reused one proves nothing new, and
	 * recording every request would make the breaker the busiest part of the path.
	 */
	private void carried(ConnectAttempt attempt, Connection connection) {
		PoolMember member = attempt.current();
		if (member != null && this.connections.inUse(member, connection)) {
			attempt.tunnelUp();
		}
		else if (member == null && attempt.carriedByChosen()
				&& connection.channel().attr(CHOSEN_TUNNEL_REPORTED).setIfAbsent(Boolean.TRUE) == null) {
			attempt.tunnelUp();
		}
	}

	/** Connections through the member that are open now, idle ones in the connection pool included. */
	public int openConnections(PoolMember member) {
		return this.connections.open(member);
	}

	ConnectAttempt newAttempt(String exchange, ConnectionType type) {
		return new ConnectAttempt(exchange, type, this.outcomes, this.rateLimits);
	}

	private static ProxyConnectFailedException exhausted(ConnectAttempt attempt, Throwable last) {
		String exchange = (attempt.exchange() != null) ? attempt.exchange()
				: (attempt.pool() != null) ? attempt.pool().key().settings() : null;
		return new ProxyConnectFailedException(exchange, attempt.type(), attempt.failures(), last);
	}

	/** Closes the connections of clients built by {@link #newHttpClient()}. */
	@Override
	public void close() {
		this.connectionProvider.dispose();
	}

	/** Members whose connections are tracked: the current ones, and removed ones with connections still open. */
	int trackedMembers() {
		return this.connections.trackedMembers();
	}

	TransportSettings settings() {
		return this.settings;
	}

	ProxyPools pools() {
		return this.pools;
	}

}
