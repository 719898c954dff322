package io.cryptofeed.proxy.netty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.netty.http.client.HttpClientConfig;
import reactor.netty.transport.ProxyProvider;

/**
 * Chooses the proxy for each connect, inside the connect itself (Reactor Netty's
 * {@code proxyWhen}), so it can read the {@link ConnectAttempt} from the Reactor context.
 * A {@link ProxySource}, when there is one, is asked first (never for a direct host); the
 * embedded pools decide when it says so.
 */
final class PooledProxySelector
		implements BiFunction<HttpClientConfig, ProxyProvider.TypeSpec, Mono<? extends ProxyProvider.Builder>> {

	/**
	 * Provider settings that make Reactor Netty connect directly: no address is ever proxied,
	 * and Reactor Netty resolves the target itself, since the client's resolver is a no-op
	 * (with a blocking JDK lookup: see {@link DirectHostLookups}).
	 */
	private static final InetSocketAddress NOWHERE = InetSocketAddress.createUnresolved("direct.invalid", 1);

	private final ProxyPools pools;

	private final ConnectionType type;

	private final ProxyAddressResolver resolver;

	private final Supplier<TransportSettings> settings;

	private final ProxySource source;

	private final DirectHostLookups directLookups;

	private final DirectRoutes directRoutes;

	/**
	 * @param settings the transport settings of the moment, read once per connect (reloads replace them)
	 * @param source asked before the pools, or {@code null}
	 * @param directLookups looks the targets of direct connections up off the event loop
	 * @param directRoutes counts what goes direct
	 */
	PooledProxySelector(ProxyPools pools, ConnectionType type, ProxyAddressResolver resolver,
			Supplier<TransportSettings> settings, ProxySource source, DirectHostLookups directLookups,
			DirectRoutes directRoutes) {
		this.pools = pools;
		this.type = type;
		this.resolver = resolver;
		this.settings = settings;
		this.source = source;
		this.directLookups = directLookups;
		this.directRoutes = directRoutes;
	}

	@Override
	public Mono<? extends ProxyProvider.Builder> apply(HttpClientConfig config, ProxyProvider.TypeSpec spec) {
		if (this.source == null && !this.pools.hasPoolFor(this.type)) {
			// no pool serves this type: direct, answered without reading the context
			return direct(config, spec, DirectRoutes.Reason.NO_POOL);
		}
		return new Selection(config, spec);
	}

	/**
	 * One connect's choice, made when the connect subscribes, with the attempt in its context:
	 * one object per connect where {@code deferContextual}, its lambda and the host's supplier
	 * would be three, since every request through the pools makes one.
	 */
	private final class Selection extends Mono<ProxyProvider.Builder> implements Supplier<String> {

		private final HttpClientConfig config;

		private final ProxyProvider.TypeSpec spec;

		Selection(HttpClientConfig config, ProxyProvider.TypeSpec spec) {
			this.config = config;
			this.spec = spec;
		}

		@Override
		public void subscribe(CoreSubscriber<? super ProxyProvider.Builder> actual) {
			Mono<? extends ProxyProvider.Builder> chosen;
			try {
				chosen = choose(actual.currentContext().getOrDefault(ConnectAttempt.CONTEXT_KEY, null), this);
			}
			catch (Throwable ex) {
				Operators.error(actual, Operators.onOperatorError(ex, actual.currentContext()));
				return;
			}
			chosen.subscribe(actual);
		}

		/** The connect's target host, asked for when routing needs it. */
		@Override
		public String get() {
			return host(this.config);
		}

	}

	private Mono<? extends ProxyProvider.Builder> choose(ConnectAttempt attempt, Selection selection) {
		HttpClientConfig config = selection.config;
		ProxyProvider.TypeSpec spec = selection.spec;
		if (this.source == null || attempt == null) {
			return embedded(attempt, selection);
		}
		attempt.route(this.pools, selection);
		if (attempt.toDirectHost()) {
			// a direct host is never the proxy service's to answer for
			return direct(config, spec, DirectRoutes.Reason.DIRECT_HOST);
		}
		ProxyChoice fallback = attempt.useFallback();
		Mono<ProxyChoice> choice = (fallback != null) ? Mono.just(fallback)
				: this.source.choose(attempt.routedFor(), this.type);
		return choice.defaultIfEmpty(ProxyChoice.embedded()).flatMap((chosen) -> follow(chosen, attempt, selection));
	}

	private Mono<? extends ProxyProvider.Builder> follow(ProxyChoice choice, ConnectAttempt attempt,
			Selection selection) {
		HttpClientConfig config = selection.config;
		ProxyProvider.TypeSpec spec = selection.spec;
		return switch (choice.kind()) {
			case PROXY -> {
				// the pool its exchange resolves to gives the response timeout (a WebSocket's attempt
				// is not routed before its connect, a WebClient request's is)
				attempt.route(this.pools, selection);
				attempt.use(choice);
				yield through(spec, choice.endpoint());
			}
			case EMBEDDED -> {
				attempt.leftToPools();
				yield embedded(attempt, selection);
			}
			case DIRECT -> direct(config, spec, DirectRoutes.Reason.SERVICE);
			case REFUSED -> Mono.error(choice.refusal());
		};
	}

	private Mono<? extends ProxyProvider.Builder> embedded(ConnectAttempt attempt, Selection selection) {
		HttpClientConfig config = selection.config;
		ProxyProvider.TypeSpec spec = selection.spec;
		ProxyPool pool = (attempt != null) ? attempt.route(this.pools, selection)
				: this.pools.resolveForHost(host(config), this.type).orElse(null);
		if (pool == null) {
			// direct by configuration: a direct host, or this exchange and the default have no proxy for this type
			boolean directHost = (attempt != null) ? attempt.toDirectHost()
					: this.pools.isDirectHost(host(config));
			if (!directHost && attempt != null && attempt.exchange() != null) {
				this.directRoutes.namedExchangeWithoutPool(attempt.routedFor(), this.type);
			}
			return direct(config, spec, directHost ? DirectRoutes.Reason.DIRECT_HOST : DirectRoutes.Reason.NO_POOL);
		}
		if (attempt == null) {
			throw new IllegalStateException("connect without a ConnectAttempt in its context");
		}
		InetSocketAddress next = attempt.takeNextAddress();
		if (next != null) {
			// the member's proxy refused at one of its name's addresses: the same member, at the next
			return Mono.just(ProxyProviders.builder(spec, attempt.currentEndpoint(), next,
					this.settings.get().handshakeTimeout()));
		}
		Lease lease = attempt.select(pool);
		return through(spec, lease.endpoint());
	}

	private Mono<? extends ProxyProvider.Builder> through(ProxyProvider.TypeSpec spec, ProxyEndpoint endpoint) {
		TransportSettings settings = this.settings.get();
		Duration handshakeTimeout = settings.handshakeTimeout();
		InetSocketAddress ready = this.resolver.ready(endpoint);
		if (ready != null) {
			return Mono.just(ProxyProviders.builder(spec, endpoint, ready, handshakeTimeout));
		}
		return this.resolver.resolve(endpoint, settings.connectTimeout())
			.map((address) -> ProxyProviders.builder(spec, endpoint, address, handshakeTimeout));
	}

	/** A direct connection, handed on from a worker thread when its target needs a lookup. */
	private Mono<ProxyProvider.Builder> direct(HttpClientConfig config, ProxyProvider.TypeSpec spec,
			DirectRoutes.Reason reason) {
		this.directRoutes.routed(this.type, reason);
		ProxyProvider.Builder direct = spec.type(ProxyProvider.Proxy.HTTP)
			.address(NOWHERE)
			.nonProxyHostsPredicate((a) -> true);
		String host = host(config);
		return this.directLookups.ready(host) ? Mono.just(direct) : this.directLookups.thenOnWorker(host, direct);
	}

	/**
	 * The host the request goes to, as Reactor Netty finds it: a path (or no URI) goes to the
	 * client's base URL, else to its remote address ({@code host(...)}, {@code port(...)}).
	 */
	private static String host(HttpClientConfig config) {
		String uri = config.uri();
		if (uri != null && !uri.startsWith("/")) {
			return UrlHosts.of(uri);
		}
		if (config.baseUrl() != null) {
			return UrlHosts.of(config.baseUrl());
		}
		Supplier<? extends SocketAddress> remote = config.remoteAddress();
		SocketAddress address = (remote != null) ? remote.get() : null;
		return (address instanceof InetSocketAddress inet) ? hostOf(inet) : null;
	}

	/** The host as written, an IPv6 address in brackets as in a URL, which host patterns match. */
	private static String hostOf(InetSocketAddress address) {
		String host = address.getHostString();
		return (host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host;
	}

}
