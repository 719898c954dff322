package io.cryptofeed.proxy.netty;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.NoProxyAvailableException;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.AttributeKey;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientConfig;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Applies the pools to Reactor Netty {@link HttpClient}s: each connection goes through the
 * member chosen for it, passing over members that rest for the connection's exchange. The
 * auto-configured WebClient, RestClient and WebSocket clients use this; so can an
 * {@code HttpClient} you build yourself, with {@link #withFailover} around each request for
 * failover.
 */
public final class ProxyPoolHttpClients implements AutoCloseable {

	private static final System.Logger log = System.getLogger(ProxyPoolHttpClients.class.getName());

	/** How often idle per-proxy connection pools are looked for, and how long idle they may stay. */
	static final Duration POOL_SWEEP_INTERVAL = Duration.ofSeconds(30);

	static final Duration POOL_INACTIVITY = Duration.ofSeconds(60);

	private final ProxyPools pools;

	/** Replaced on reload; read once per connection, so a connection runs on one version. */
	private volatile TransportSettings settings;

	private final ProxyOutcomes outcomes;

	private final RateLimits rateLimits;

	private final ProxySource source;

	private final ProxyAddressResolver resolver = new ProxyAddressResolver(Duration.ofMinutes(1), System::nanoTime);

	private final MemberConnections connections = new MemberConnections(() -> this.settings.quietTimeout());

	private final DirectHostLookups directLookups = new DirectHostLookups(System::nanoTime);

	private final DirectRoutes directRoutes = new DirectRoutes();

	/** Target hosts of redirects not followed, warned about once each. */
	private final FirstSightings redirectWarnings = new FirstSightings();

	/** Marks a client {@link #apply} built, with its pools and connection type, so that applying them again can tell. */
	private static final AttributeKey<Applied> APPLIED = AttributeKey.valueOf(ProxyPoolHttpClients.class, "applied");

	/**
	 * The observer and channel set-up of every client {@link #apply} builds, one of each per
	 * connection type: Reactor Netty keys its connection pools by them (by their hash codes),
	 * so clients built one after another (each {@code RestClient.Builder} makes its own) share
	 * their tunnels instead of each opening its own and leaving it idle when it is dropped.
	 */
	private final Map<ConnectionType, AttemptObserver> observers = new EnumMap<>(ConnectionType.class);

	private final ChannelPipelineConfigurer channelInit = this::initChannel;

	/** The connection types {@link #apply} built a client for, so that start-up can tell an unpooled one. */
	private final Set<ConnectionType> appliedTypes = ConcurrentHashMap.newKeySet();

	/** What the connection provider was built with: the settings the clients started with. */
	private final TransportSettings.ConnectionPoolSettings connectionPoolSettings;

	/** Built once; a reload keeps it, since its pools hold live connections (see {@link #connectionProvider}). */
	private final ConnectionProvider connectionProvider;

	/** Set as the application stops: a connect that fails then is tried through no other member. */
	private volatile boolean stopping;

	/** The flag as every connect's attempt reads it: made once, not per request. */
	private final BooleanSupplier stoppingFlag = () -> this.stopping;

	/**
	 * How the auto-configuration builds the bean, and how a bean of yours that replaces it
	 * would: start from the {@code CompiledProxyConfiguration} bean's {@code transport()}.
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
		this.connectionPoolSettings = settings.connectionPool();
		this.connectionProvider = connectionProvider(this.connectionPoolSettings);
		for (ConnectionType type : ConnectionType.values()) {
			this.observers.put(type, new AttemptObserver(this.connections, type, this::settings));
		}
		pools.addAvailabilityListener(this.connections);
		pools.addPoolsListener(this.connections);
		pools.addPoolsListener(this.resolver::forget);
	}

	/**
	 * Reactor Netty keeps a connection pool per target and proxy, and without the background
	 * disposal never drops one: members that come and go on reload would leave theirs behind.
	 * Last in, first out: the connection a response just freed carries the next request, on
	 * the event loop that freed it, and surplus tunnels stay idle instead of each member's
	 * being kept warm in turn (a pool of three: about 5% more requests per second than first
	 * in, first out; see docs/benchmarks.md). Because surplus tunnels then idle for long, the
	 * idle time is bounded: a connection idle for longer is never lent out again, and is
	 * closed in the background at most twice that long after its last use. Reactor Netty's
	 * own eviction checks (closed, not persistent, idle too long) stay: a predicate of one's
	 * own would cost an object per acquire and release, so a context's stop and start is
	 * handled by {@link #stopping} instead.
	 */
	private static ConnectionProvider connectionProvider(TransportSettings.ConnectionPoolSettings settings) {
		return ConnectionProvider.builder("proxy-pool")
			.maxConnections(settings.maxConnections())
			.maxIdleTime(settings.maxIdleTime())
			.evictInBackground(settings.maxIdleTime())
			.lifo()
			.disposeInactivePoolsInBackground(POOL_SWEEP_INTERVAL, POOL_INACTIVITY)
			.build();
	}

	/**
	 * Takes new transport settings from a reload. Every connection made after it uses them,
	 * except a direct connection's TCP connect timeout, which is set on each
	 * {@link HttpClient} by {@link #apply} (where it has none of its own) and so holds for
	 * clients built afterwards, and the connection pool settings, which hold until the
	 * application restarts. Public for the reload (package {@code autoconfigure}), not for
	 * applications: change the properties and reload instead.
	 */
	public void update(TransportSettings settings) {
		TransportSettings.ConnectionPoolSettings running = this.connectionPoolSettings;
		TransportSettings.ConnectionPoolSettings configured = settings.connectionPool();
		if (!configured.equals(running)) {
			log.log(System.Logger.Level.WARNING,
					() -> "proxy config reload: connection-pool settings apply at the next start: running max-connections="
							+ running.maxConnections() + " max-idle-time=" + Durations.format(running.maxIdleTime())
							+ ", configured max-connections=" + configured.maxConnections() + " max-idle-time="
							+ Durations.format(configured.maxIdleTime()));
		}
		this.settings = settings;
	}

	/**
	 * Whether the application is stopping: from then on a connect that fails before its tunnel
	 * is up (its event loops close what is open) ends with a {@link ConnectStoppedException}
	 * that blames no member, and no request is tried through another member, so that no
	 * connection through a proxy is opened as the application goes away. When it is cleared
	 * again (a stopped context starts), the connections from before the stop are dropped. Public
	 * for the auto-configuration, which sets it before Boot's Reactor Netty resources stop and
	 * clears it after they start, not for applications.
	 */
	public void stopping(boolean stopping) {
		boolean startedAgain = this.stopping && !stopping;
		this.stopping = stopping;
		if (startedAgain) {
			dropConnectionsFromBeforeTheStop();
		}
	}

	/**
	 * The provider outlives a context's stop, whose disposed event loops could leave a tunnel
	 * idle here that a request after the start would be lent and fail on at once ("event
	 * executor terminated"). Its pools are dropped instead: their idle connections close, busy
	 * ones close as they are released, and the next request opens a new pool. The clients
	 * built before the stop keep the provider, which makes pools anew as asked.
	 */
	private void dropConnectionsFromBeforeTheStop() {
		// clears the provider's pools as it is subscribed, before the first request of the start
		this.connectionProvider.disposeLater().onErrorComplete().subscribe();
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
	 * key, else from the request host's {@code hosts} patterns. A client that already goes
	 * through these pools for this type is returned as it is.
	 * @throws IllegalArgumentException if the client already goes through the pools for the
	 * other connection type (or through another instance's)
	 */
	public HttpClient apply(HttpClient client, ConnectionType type) {
		Applied applied = new Applied(this, type);
		Object before = client.configuration().attributes().get(APPLIED);
		if (applied.equals(before)) {
			// applied again (a customizer of the application's on Boot's client, say): once is
			// enough, and a second selector would choose each connect's member twice
			return client;
		}
		if (before != null) {
			throw new IllegalArgumentException("proxy pools: this HttpClient already goes through the pools for "
					+ ((Applied) before).type() + "; apply them once, to a client without them, for each connection type");
		}
		this.appliedTypes.add(type);
		// A resolver already set (Boot's runOn(...) sets one) would resolve exchange hosts here
		// even when a proxy carries the connection; without one, names go to the proxy (remote
		// DNS), and Reactor Netty resolves them itself for a connection that goes direct, after
		// DirectHostLookups has looked them up off the event loop.
		return keepingRoutesOnRedirects(withConnectTimeout(client)).attr(APPLIED, applied)
			.resolver(NoopAddressResolverGroup.INSTANCE)
			.proxyWhen(new PooledProxySelector(this.pools, type, this.resolver, this::settings, this.source,
					this.directLookups, this.directRoutes))
			.observe(this.observers.get(type))
			.doOnChannelInit(this.channelInit)
			.mapConnect((connect) -> new OwnAttempt(connect, type));
	}

	/** What every connection of a client from {@link #apply} gets on its channel, with the settings now. */
	private void initChannel(ConnectionObserver observer, Channel channel, SocketAddress remote) {
		TransportSettings settings = this.settings;
		settings.proxyTls().secure(channel);
		boundProxyConnect(channel, settings);
		boundTlsHandshake(channel, settings);
		MaskedProxyHandshakeLog.replaceIn(channel);
		AsciiTargetHost.addIfNeeded(channel, remote);
	}

	/**
	 * A client that follows redirects (Boot's {@code spring.http.clients.redirects}, set before
	 * the pools' customizer runs, or the application's) follows only those that keep the
	 * route of the request redirected (see {@link RouteKeepingRedirects}).
	 */
	private HttpClient keepingRoutesOnRedirects(HttpClient client) {
		HttpClientConfig config = client.configuration();
		BiPredicate<HttpClientRequest, HttpClientResponse> follows = config.followRedirectPredicate();
		if (follows == null || follows instanceof RouteKeepingRedirects) {
			return client;
		}
		RouteKeepingRedirects guarded = new RouteKeepingRedirects(follows, this.pools, this.redirectWarnings);
		return (config.redirectRequestBiConsumer() != null)
				? client.followRedirect(guarded, config.redirectRequestBiConsumer())
				: client.followRedirect(guarded, config.redirectRequestConsumer());
	}

	/**
	 * A client without a connect timeout of its own gets the pools' for its direct connections
	 * too; one it has (Boot's {@code spring.http.clients.connect-timeout}, set before the
	 * pools' customizer runs, or the application's) stays for them. Connects to a proxy get
	 * the pools' either way (see {@link #boundProxyConnect}).
	 */
	private HttpClient withConnectTimeout(HttpClient client) {
		if (client.configuration().options().containsKey(ChannelOption.CONNECT_TIMEOUT_MILLIS)) {
			return client;
		}
		return client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.settings.connectTimeout().toMillis());
	}

	/**
	 * The TCP connect to a proxy is bounded by {@code connect-timeout}, whatever connect
	 * timeout the client has of its own, so that a proxy that drops the connect costs no
	 * longer, and a reload applies to the next connection. Netty reads the option when the
	 * connect starts, after this.
	 */
	private static void boundProxyConnect(Channel channel, TransportSettings settings) {
		if (channel.pipeline().get(NettyPipeline.ProxyHandler) != null) {
			channel.config().setConnectTimeoutMillis((int) settings.connectTimeout().toMillis());
		}
	}

	/**
	 * A TLS handshake through a proxy is bounded by the pools' timeouts instead of Reactor
	 * Netty's 10 s: a proxy that answers its handshake and then stalls would otherwise hold
	 * every new https or wss connection through it that long. Netty starts the timer at the
	 * TCP connect, so it runs while the proxy's handshake does too: it gets
	 * {@code handshake-timeout} plus {@code tls-handshake-timeout}. A shorter timeout of the
	 * client's own TLS settings stays; a direct connection keeps them whole.
	 */
	private static void boundTlsHandshake(Channel channel, TransportSettings settings) {
		if (channel.pipeline().get(NettyPipeline.ProxyHandler) != null
				&& channel.pipeline().get(NettyPipeline.SslHandler) instanceof SslHandler tls) {
			long bound = settings.handshakeTimeout().toMillis() + settings.tlsHandshakeTimeout().toMillis();
			long own = tls.getHandshakeTimeoutMillis();
			if (own <= 0 || own > bound) {
				tls.setHandshakeTimeoutMillis(bound);
			}
		}
	}

	/**
	 * Runs a request (or opens a session) made with a client from {@link #apply}, and runs it
	 * again through another member each time connecting through the chosen one fails before
	 * its tunnel is up, up to the configured attempts. The request is built anew for each
	 * attempt: Reactor Netty keeps per-request state that must not carry over between proxies.
	 * A WebSocket handshake the exchange refused with a cooldown status is opened through
	 * another member only where {@code rate-limit.retry-on-cooldown} is on; one that stalled
	 * (no answer within the pool's {@code timeout}) once more where
	 * {@code failover.retry-idempotent} is on.
	 */
	public <T> Mono<T> withFailover(ConnectionType type, Supplier<? extends Mono<T>> request) {
		return new AttemptScope<T>() {

			@Override
			ConnectAttempt open(ContextView context) {
				return newAttempt(NamedExchange.in(context), type);
			}

			@Override
			Mono<T> run(ConnectAttempt attempt) {
				return failover(attempt, request, (error) -> (type == ConnectionType.WEBSOCKET)
						? afterStalledHandshake(attempt, request, error) : Mono.error(error));
			}

		};
	}

	/**
	 * Opens a WebSocket once more through another member when its opening handshake stalled
	 * after the tunnel was up ({@code failover.retry-idempotent}): the handshake is a GET, and
	 * no session existed yet. A session that was open is never reopened behind its handler.
	 */
	private <T> Mono<T> afterStalledHandshake(ConnectAttempt attempt, Supplier<? extends Mono<T>> request,
			Throwable error) {
		if (!this.settings.retryIdempotent()) {
			return Mono.error(error);
		}
		Throwable handedOn = afterStall(attempt, error);
		return (handedOn != null) ? Mono.error(handedOn)
				: failover(attempt, request, (again) -> Mono.error(afterStalledAgain(attempt, again)));
	}

	/**
	 * The request, run again through another member while connecting fails before the tunnel
	 * is up and members are left to try.
	 * @param otherwise what becomes of an error that is not failed over (the error itself, or
	 * the caller's next resort)
	 */
	<T> Mono<T> failover(ConnectAttempt attempt, Supplier<? extends Mono<T>> request,
			Function<Throwable, Mono<T>> otherwise) {
		return firstTry(attempt, request, (error) -> afterTry(attempt, request, otherwise, error));
	}

	/**
	 * The first try of a {@link #failover} whose caller handles its error itself, handing it to
	 * {@link #afterTry}: a caller that has one object per request for the request and its error
	 * (the WebClient filter's) makes no lambda for it.
	 */
	<T> Mono<T> firstTry(ConnectAttempt attempt, Supplier<? extends Mono<T>> request,
			Function<Throwable, ? extends Mono<? extends T>> onError) {
		// subscribed as soon as it is made, wherever this is called: the try's connect follows
		attempt.openTry();
		return request.get().onErrorResume(onError);
	}

	/** What becomes of a try's error in a {@link #failover}: another try, or the caller's next resort. */
	<T> Mono<T> afterTry(ConnectAttempt attempt, Supplier<? extends Mono<T>> request,
			Function<Throwable, Mono<T>> otherwise, Throwable error) {
		if (ExchangeAnswers.refusedHandshake(attempt, error)) {
			if (!attempt.retriesOnCooldown() || !attempt.mayTryAnother(this.settings.maxAttempts())) {
				return otherwise.apply(error);
			}
			attempt.refused();
			// when no other member may take it, or the ones that did could not connect, the
			// exchange's refusal is the answer (a later refusal is handed on as the latest)
			return failover(attempt, request, (next) -> otherwise
				.apply((next instanceof NoProxyAvailableException || next instanceof ProxyConnectFailedException)
						? error : next));
		}
		Throwable handedOn = afterConnectError(attempt, error);
		return (handedOn != null) ? otherwise.apply(handedOn) : failover(attempt, request, otherwise);
	}

	/**
	 * Decides after a failed try whether another member is to carry the request; shared by
	 * {@link #failover} and the blocking clients' {@link ProxyPoolRequestInterceptor}.
	 * @return {@code null} to try another member; else what the caller is to get: the error
	 * itself, or the exhausted failover naming every member tried
	 */
	Throwable afterConnectError(ConnectAttempt attempt, Throwable error) {
		if (ConnectFailures.poolExhausted(error)) {
			// the application's own limit, before any proxy saw the request: no member to blame
			return attempt.connectionsExhausted(error);
		}
		int maxAttempts = this.settings.maxAttempts();
		// WebClient hands the selection's error on wrapped in a WebClientRequestException
		NoProxyAvailableException noneLeft = ConnectFailures.noMemberLeft(error);
		if (noneLeft != null && attempt.hasFailures()) {
			// a request sent once more after a stall, with every other member set aside: the
			// stall is all that went wrong, and reads as itself, as in a pool of one member
			Throwable stall = attempt.loneStallResent();
			return (stall != null) ? stall : exhausted(attempt, noneLeft);
		}
		if (refusedWhileStopped(attempt, error)) {
			return attempt.stoppedConnect(error);
		}
		// once the exchange answered, an error (even a ConnectException from the application's
		// handler or filter) is no connect failure: the request was sent, or the session opened
		if (!ConnectFailures.beforeTunnel(error) || attempt.answered()) {
			return error;
		}
		if (this.stopping) {
			// most likely the stop closed it: the member is not to blame, and no other is tried
			return attempt.stoppedConnect(error);
		}
		if (attempt.retryAtNextAddress(error, this.resolver)) {
			// the same member, at its proxy name's next address: not failed yet
			return null;
		}
		if (!attempt.failed(error, maxAttempts)) {
			// a direct connection: nothing to fail over to; one a failed proxy led to names it too
			return attempt.directFailedAfterProxy(error) ? exhausted(attempt, error) : error;
		}
		return attempt.mayTryAnother(maxAttempts) ? null : exhausted(attempt, error);
	}

	/**
	 * The connect was begun between a context's stop and its next start, on event loops the stop
	 * shut down, which refused it: the application is stopped, and no member failed.
	 */
	private boolean refusedWhileStopped(ConnectAttempt attempt, Throwable error) {
		return this.stopping && ConnectFailures.loopsShutDown(error) && !attempt.answered();
	}

	/**
	 * Decides after an error of a request that may be sent once more (a GET, HEAD or OPTIONS,
	 * or a WebSocket opening handshake, with {@code failover.retry-idempotent}) whether another
	 * member is to carry it, because its tunnel stalled or closed before the exchange answered;
	 * shared by the WebClient filter, the blocking clients' interceptor and the WebSocket client.
	 * @return {@code null} to send it once more; else what the caller is to get: the error
	 * itself, or, when the stall ended a request that other members had failed before, the
	 * exhausted failover naming each, as when the last of them had failed to connect
	 */
	Throwable afterStall(ConnectAttempt attempt, Throwable error) {
		if (this.stopping || error instanceof ProxyConnectFailedException
				|| error instanceof ConnectStoppedException) {
			return error;
		}
		int failedBefore = attempt.failureCount();
		if (attempt.stalledBeforeAnswer(error, this.settings.maxAttempts())) {
			return null;
		}
		boolean counted = attempt.failureCount() > failedBefore;
		return (counted && failedBefore > 0) ? exhausted(attempt, error) : error;
	}

	/**
	 * What the caller gets when the request sent once more after a stall failed too; shared as
	 * {@link #afterStall} is. When its tunnel stalled as well and a member failed to connect
	 * along the way, the exhausted failover naming each member tried, as when the first stall
	 * had no member left to take it. Two stalls and nothing else mean the exchange stalls: the
	 * error itself, which names no proxy.
	 */
	Throwable afterStalledAgain(ConnectAttempt attempt, Throwable error) {
		// the first stall is one failure: any other is a member that failed to connect
		if (error instanceof ProxyConnectFailedException || attempt.failureCount() < 2 || attempt.answered()
				|| !ConnectFailures.afterTunnel(error) || !attempt.failed(error, this.settings.maxAttempts())) {
			return error;
		}
		return exhausted(attempt, error);
	}

	/**
	 * A connect of a client from {@link #apply} used on its own, without {@link #withFailover}:
	 * it gets an attempt of its own, whose failures count against the member. Where a try of
	 * the attempt in the context waits for its connect (the usual case) the connect passes
	 * through untouched; a blocking request's attempt waits for it on the caller's thread
	 * ({@link CallerAttempt}). A second connect within one try (a filter of the application's
	 * sends the request again) gets an attempt of its own too, for the same exchange, as a
	 * blocking request's interceptor that sends it again does: it is no failover, so it passes
	 * over none of the members the try went through. Its leases go back as
	 * {@link OwnConnectLeases} tells: a WebSocket session's when it closes.
	 */
	private final class OwnAttempt extends MonoOperator<Connection, Connection> {

		private final ConnectionType type;

		OwnAttempt(Mono<? extends Connection> connect, ConnectionType type) {
			super(connect);
			this.type = type;
		}

		@Override
		public void subscribe(CoreSubscriber<? super Connection> actual) {
			Context context = actual.currentContext();
			ConnectAttempt outer = context.getOrDefault(ConnectAttempt.CONTEXT_KEY, null);
			if (outer != null && outer.takeTry()) {
				// the outer layer records failures, since it decides whether to try another member
				this.source.subscribe(actual);
				return;
			}
			ConnectAttempt callers = (outer == null) ? CallerAttempt.current() : null;
			if (callers != null && callers.takeTry()) {
				// a blocking request's: its interceptor is the outer layer
				this.source.contextWrite((c) -> c.put(ConnectAttempt.CONTEXT_KEY, callers)).subscribe(actual);
				return;
			}
			ConnectAttempt named = (outer != null) ? outer : callers;
			ConnectAttempt attempt = newAttempt((named != null) ? named.exchange() : NamedExchange.in(context),
					this.type);
			this.source.doOnError((error) -> {
				// while the application stops, its event loops are what closes a connect
				if (!ProxyPoolHttpClients.this.stopping && !ExchangeAnswers.refusedHandshake(attempt, error)
						&& (ConnectFailures.beforeTunnel(error) || ConnectFailures.afterTunnel(error))) {
					// nothing retries this connect: a stall through the member is blamed at once
					attempt.failed(error, 1);
				}
			}).onErrorMap((error) -> ownConnectError(attempt, error)).subscribe(new OwnConnectLeases(actual, attempt));
		}

		/** What a connect of its own hands on: the pools' error where it is theirs, else the error itself. */
		private Throwable ownConnectError(ConnectAttempt attempt, Throwable error) {
			if (ConnectFailures.poolExhausted(error)) {
				return attempt.connectionsExhausted(error);
			}
			if (refusedWhileStopped(attempt, error)) {
				return attempt.stoppedConnect(error);
			}
			return error;
		}

	}

	/** What {@link #apply} marks a client with. */
	private record Applied(ProxyPoolHttpClients clients, ConnectionType type) {
	}

	/**
	 * Connections through the member that are open now, idle ones in the connection pool
	 * included; over HTTP/2, its tunnels, however many streams each carries.
	 */
	public int openConnections(PoolMember member) {
		return this.connections.open(member);
	}

	/**
	 * Whether a client for this connection type was built by {@link #apply} since start-up.
	 * Public for the start-up check of WebSocket clients (package {@code autoconfigure}), not
	 * for applications.
	 */
	public boolean applied(ConnectionType type) {
		return this.appliedTypes.contains(type);
	}

	/** What the clients sent without a proxy since start-up, by type and reason. */
	public DirectRoutes directRoutes() {
		return this.directRoutes;
	}

	ConnectAttempt newAttempt(String exchange, ConnectionType type) {
		return new ConnectAttempt(exchange, type, this.outcomes, this.rateLimits, this.stoppingFlag);
	}

	private static ProxyConnectFailedException exhausted(ConnectAttempt attempt, Throwable last) {
		return new ProxyConnectFailedException(attempt.routedExchange(), attempt.type(), attempt.failures(), last);
	}

	/** Closes the connections of clients built by {@link #newHttpClient()}. */
	@Override
	public void close() {
		// a connection whose event loop has already stopped (the application's resources went
		// first) cannot be closed any more, and nothing is left to do for it
		this.connectionProvider.disposeLater().onErrorComplete().subscribe();
	}

	/** Members whose connections are tracked: the current ones, and removed ones with connections still open. */
	int trackedMembers() {
		return this.connections.trackedMembers();
	}

	TransportSettings settings() {
		return this.settings;
	}

	/** Looks proxy names up with this from now on: for tests that give a name several addresses. */
	void lookUpProxiesWith(ProxyAddressResolver.Lookup lookup) {
		this.resolver.lookUpWith(lookup);
	}

	ProxyPools pools() {
		return this.pools;
	}

}
