package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyPool;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientRequest;

import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * The WebClient side of the pools: reads the exchange from the request attribute, applies
 * the pool's timeout as the response timeout, holds the request's leases until the response
 * arrives, and sends an idempotent request once more through another member when its
 * tunnel stalled after it was up.
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
			ClientRequest timed = withResponseTimeout(request, exchange);
			// each attempt goes through next.exchange anew, so Reactor Netty builds a fresh request
			Mono<ClientResponse> response = this.clients.failover(attempt, () -> next.exchange(timed));
			if (this.clients.settings().retryIdempotent() && IDEMPOTENT.contains(request.method())) {
				response = response.onErrorResume((error) -> retryOnce(error, attempt, next, timed));
			}
			return response
				// as for any connect failure, WebClient callers get a WebClientRequestException
				.onErrorMap(ProxyConnectFailedException.class,
						(failure) -> new WebClientRequestException(failure, request.method(), request.url(),
								request.headers()))
				.doFinally((signal) -> attempt.releaseAll())
				.contextWrite((c) -> c.put(ConnectAttempt.CONTEXT_KEY, attempt));
		});
	}

	private Mono<ClientResponse> retryOnce(Throwable error, ConnectAttempt attempt, ExchangeFunction next,
			ClientRequest request) {
		if (ConnectFailures.afterTunnel(error) && attempt.failed(error)
				&& attempt.mayTryAnother(this.clients.settings().maxAttempts())) {
			return this.clients.failover(attempt, () -> next.exchange(request));
		}
		return Mono.error(error);
	}

	private ClientRequest withResponseTimeout(ClientRequest request, String exchange) {
		Optional<ProxyPool> pool = (exchange != null) ? this.clients.pools().resolve(exchange, ConnectionType.HTTP)
				: this.clients.pools().resolveForHost(request.url().getHost(), ConnectionType.HTTP);
		if (pool.isEmpty()) {
			return request;
		}
		Duration timeout = pool.get().timeout();
		return ClientRequest.from(request).httpRequest((httpRequest) -> {
			if (httpRequest.getNativeRequest() instanceof HttpClientRequest nettyRequest) {
				nettyRequest.responseTimeout(timeout);
			}
		}).build();
	}

}
