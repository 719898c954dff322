package io.cryptofeed.proxy.health.probe;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.netty.ProxyProviders;
import io.cryptofeed.proxy.netty.ProxyTls;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.resolver.NoopAddressResolverGroup;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * Sends {@code GET url} through the proxy, the way application traffic goes, and passes when
 * the response status is one of the expected ones.
 *
 * <p>Proves the whole path: the proxy process, its credentials, its egress and the target.
 * A failure therefore does not always mean the proxy is broken (the target may be down), so
 * choose a target that is always up. Each check opens a new connection through the proxy
 * (no connection pool, no keep-alive) and closes it once the status line and headers have
 * arrived; the body is not read, so a large or streaming body does not slow the check. Redirects
 * are not followed: a 3xx is judged like any other status. The URL's host is resolved by the
 * proxy, never here, as for the application's connections. A proxy host name with several
 * addresses is tried at the next one when the TCP connect to one is refused, as the pools'
 * connects are. Name lookup of the proxy, connects, proxy handshake, TLS and response together
 * are bounded by the timeout.
 */
final class HttpThroughProxyProbe implements HealthProbe {

	/**
	 * The URL without user info, query or fragment: what Reactor Netty is given, as it logs
	 * the URI of each request at DEBUG, and what messages show.
	 */
	private final URI shown;

	/** The URL's raw query, which may hold a key, or {@code null}. */
	private final String query;

	private final IntPredicate expectedStatus;

	private final HttpClient client;

	private final Scheduler timer;

	private final ProxyTls tls;

	private final ProxyNameLookup names;

	HttpThroughProxyProbe(URI url, IntPredicate expectedStatus, ProxyTls tls) {
		this(url, expectedStatus, HttpClient.newConnection(), Schedulers.parallel(), tls);
	}

	/**
	 * Uses the given client as the base of every check, with keep-alive switched off, the
	 * timer for timeouts, and the TLS for {@code https} members.
	 */
	HttpThroughProxyProbe(URI url, IntPredicate expectedStatus, HttpClient client, Scheduler timer, ProxyTls tls) {
		this(url, expectedStatus, client, timer, tls, ProxyNameLookup.SYSTEM);
	}

	/** As above, looking proxy host names up with the given lookup: a test's. */
	HttpThroughProxyProbe(URI url, IntPredicate expectedStatus, HttpClient client, Scheduler timer, ProxyTls tls,
			ProxyNameLookup names) {
		this.names = names;
		this.timer = timer;
		this.tls = Objects.requireNonNull(tls, "tls");
		// characters outside ASCII may not travel raw on a request line: sent %-encoded in UTF-8
		URI ascii = URI.create(checkUrl(url).toASCIIString());
		this.shown = URI.create(ProxyUrls.withoutSecrets(ascii));
		this.query = ascii.getRawQuery();
		this.expectedStatus = Objects.requireNonNull(expectedStatus, "expectedStatus");
		// the proxy resolves the URL's host, as for the application's connections: a resolver the
		// client brings (runOn sets one) would look it up here and hand SOCKS proxies an address
		this.client = client.keepAlive(false).followRedirect(false).resolver(NoopAddressResolverGroup.INSTANCE);
	}

	private static URI checkUrl(URI url) {
		Objects.requireNonNull(url, "url");
		String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
			throw new IllegalArgumentException(
					"The health check URL must be an absolute http or https URL with a host: "
							+ ProxyUrls.withoutSecrets(url));
		}
		return url;
	}

	@Override
	public Mono<Duration> check(ProxyEndpoint endpoint, Duration timeout) {
		ProbeSupport.checkArguments(endpoint, timeout);
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return ProbeSupport.resolve(endpoint, this.names)
				.flatMap((addresses) -> ProbeSupport.atEachAddress(addresses,
						(address) -> status(endpoint, address, timeout)))
				.timeout(timeout, this.timer)
				.onErrorMap((ex) -> failure(endpoint, timeout, ex))
				.flatMap((status) -> this.expectedStatus.test(status) ? Mono.just(ProbeSupport.since(start))
						: Mono.error(new ProbeFailedException(describeRequest(endpoint) + " answered " + status
								+ ", which is not an expected status", null)));
		});
	}

	private Mono<Integer> status(ProxyEndpoint endpoint, InetSocketAddress address, Duration timeout) {
		AbandonedHandshake abandoned = new AbandonedHandshake();
		return this.client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, ProbeSupport.millis(timeout))
			.responseTimeout(timeout)
			.proxy((spec) -> ProxyProviders.builder(spec, endpoint, address, timeout))
			.doOnChannelInit((observer, channel, remote) -> {
				this.tls.secure(channel, address);
				abandoned.watch(channel);
			})
			.doOnRequest((request, connection) -> {
				if (this.query != null) {
					connection.addHandlerLast(new QueryOnRequestLine(this.query));
				}
			})
			.get()
			.uri(this.shown)
			.response()
			.map((response) -> response.status().code())
			// before the cancel reaches the connection, whose close then fails the handshake
			.doOnCancel(abandoned::abandon);
	}

	private Throwable failure(ProxyEndpoint endpoint, Duration timeout, Throwable ex) {
		if (ex instanceof ProbeFailedException) {
			return ex;
		}
		if (ex instanceof TimeoutException || ex instanceof ReadTimeoutException) {
			return new ProbeFailedException(
					describeRequest(endpoint) + " did not complete within " + Durations.format(timeout), ex);
		}
		return new ProbeFailedException(describeRequest(endpoint) + " failed: " + ProbeSupport.describe(ex), ex);
	}

	private String describeRequest(ProxyEndpoint endpoint) {
		return "GET " + this.shown + " through " + endpoint;
	}

	@Override
	public String toString() {
		return "http (GET " + this.shown + ")";
	}

	/** Puts the query on the request line, below Reactor Netty's log of the request's URI. */
	private static final class QueryOnRequestLine extends ChannelOutboundHandlerAdapter {

		private final String query;

		QueryOnRequestLine(String query) {
			this.query = query;
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
			if (message instanceof HttpRequest request) {
				request.setUri(request.uri() + "?" + this.query);
			}
			ctx.write(message, promise);
		}

	}

}
