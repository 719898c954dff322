package io.cryptofeed.proxy.netty;

import java.util.Optional;
import java.util.Set;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyPool;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * The WebClient side of the pools: reads the exchange from the request attribute, resolves
 * the request's pool once, holds the request's leases until the response arrives, and sends
 * an idempotent request once more through another member when its tunnel stalled after it
 * was up. (The pool's timeout becomes the response timeout where Reactor Netty prepares the
 * request, in {@link MemberConnections}.)
 */
public final class ProxyPoolExchangeFilter implements ExchangeFilterFunction {

	private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

	private final ProxyPoolHttpClients clients;

	public ProxyPoolExchangeFilter(ProxyPoolHttpClients clients) {
		this.clients = clients;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return Mono.deferContextual((context) -> {
			String exchange = request.attribute(ProxyAttributes.EXCHANGE)
				.map(String::valueOf)
				.orElse(context.getOrDefault(ProxyAttributes.EXCHANGE, null));
			ConnectAttempt attempt = this.clients.newAttempt(exchange, ConnectionType.HTTP);
			Optional<ProxyPool> pool = (exchange != null) ? this.clients.pools().resolve(exchange, ConnectionType.HTTP)
					: this.clients.pools().resolveForHost(request.url().getHost(), ConnectionType.HTTP);
			attempt.routeTo(pool.orElse(null));
			// each attempt goes through next.exchange anew, so Reactor Netty builds a fresh request
			boolean idempotent = this.clients.settings().retryIdempotent() && IDEMPOTENT.contains(request.method());
			return this.clients.failover(attempt, () -> next.exchange(request))
				.onErrorResume((error) -> afterFailover(error, attempt, next, request, idempotent))
				.doFinally((signal) -> attempt.releaseAll())
				.contextWrite((c) -> c.put(ConnectAttempt.CONTEXT_KEY, attempt));
		});
	}

	/**
	 * Sends an idempotent request once more through another member when its tunnel stalled
	 * after it was up; turns an exhausted failover into the WebClientRequestException that
	 * WebClient callers expect for any connect failure.
	 */
	private Mono<ClientResponse> afterFailover(Throwable error, ConnectAttempt attempt, ExchangeFunction next,
			ClientRequest request, boolean idempotent) {
		if (error instanceof ProxyConnectFailedException failure) {
			return Mono.error(new WebClientRequestException(failure, request.method(), request.url(),
					request.headers()));
		}
		if (idempotent && ConnectFailures.afterTunnel(error) && attempt.failed(error)
				&& attempt.mayTryAnother(this.clients.settings().maxAttempts())) {
			return this.clients.failover(attempt, () -> next.exchange(request))
				.onErrorMap(ProxyConnectFailedException.class, (failure) -> new WebClientRequestException(failure,
						request.method(), request.url(), request.headers()));
		}
		return Mono.error(error);
	}

}
