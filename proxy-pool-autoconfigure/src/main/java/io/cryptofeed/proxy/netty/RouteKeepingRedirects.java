package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.util.Locale;
import java.util.function.BiPredicate;

import io.cryptofeed.proxy.core.ProxyPools;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;

/**
 * Follows a redirect only where the connection it needs takes the route of the request that
 * was redirected. Reactor Netty connects a followed redirect through the proxy chosen for the
 * first request, or directly when that one went direct: the proxy is chosen once per request.
 * A redirect to a host that the pools route otherwise (another exchange, another pool, a
 * direct host, or a pooled host after a direct one) would leave the wrong way, so it is not
 * followed: the caller gets the 3xx, and a WARN names both hosts, once per target host. Only
 * the rule for following a client has when the pools are applied is guarded; one set on the
 * client afterwards replaces this one.
 */
final class RouteKeepingRedirects implements BiPredicate<HttpClientRequest, HttpClientResponse> {

	private static final System.Logger log = System.getLogger(RouteKeepingRedirects.class.getName());

	private final BiPredicate<HttpClientRequest, HttpClientResponse> follows;

	private final ProxyPools pools;

	private final FirstSightings warnedHosts;

	/**
	 * @param follows the client's own rule for which redirects to follow
	 * @param warnedHosts the target hosts warned about so far, shared by the pools' clients
	 */
	RouteKeepingRedirects(BiPredicate<HttpClientRequest, HttpClientResponse> follows, ProxyPools pools,
			FirstSightings warnedHosts) {
		this.follows = follows;
		this.pools = pools;
		this.warnedHosts = warnedHosts;
	}

	@Override
	public boolean test(HttpClientRequest request, HttpClientResponse response) {
		if (!this.follows.test(request, response)) {
			return false;
		}
		ConnectAttempt attempt = request.currentContextView().getOrDefault(ConnectAttempt.CONTEXT_KEY, null);
		String host = absoluteHost(response.responseHeaders().get(HttpHeaderNames.LOCATION));
		if (attempt == null || host == null || attempt.routesAlike(this.pools, host)) {
			return true;
		}
		boolean first = this.warnedHosts.first(host.toLowerCase(Locale.ROOT));
		log.log(first ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
				() -> "proxy pools: a redirect from " + UrlHosts.of(request.resourceUrl()) + " to " + host
						+ " was not followed: the pools route that host another way (another pool, or direct), and "
						+ "a followed redirect keeps the first request's proxy; the caller gets the "
						+ response.status().code() + ". Follow it with a new request, which the pools route by its host");
		return false;
	}

	/**
	 * The host of an absolute location; {@code null} for any other, which Reactor Netty
	 * follows on the same host (a scheme-relative {@code //host/path} included). A name
	 * {@link URI} finds no host in (an internationalized one a server wrote in Unicode) is
	 * taken from the authority: its route is checked as well.
	 */
	private static String absoluteHost(String location) {
		if (location == null) {
			return null;
		}
		try {
			URI uri = URI.create(location.strip());
			if (!uri.isAbsolute()) {
				return null;
			}
			return (uri.getHost() != null || uri.getRawAuthority() == null) ? uri.getHost()
					: UrlHosts.of(location.strip());
		}
		catch (IllegalArgumentException ex) {
			// Reactor Netty reports a location it cannot follow
			return null;
		}
	}

}
