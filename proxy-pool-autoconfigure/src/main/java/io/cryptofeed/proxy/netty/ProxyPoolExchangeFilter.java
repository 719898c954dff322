package io.cryptofeed.proxy.netty;

import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyAttributes;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

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
 * was up, or (where the exchange's policy says so) when the exchange's answer put its member
 * to rest. (The pool's timeout becomes the response timeout when the request is sent, in
 * {@link AttemptObserver}.) A client whose connector turns out not to be pooled gets one
 * warning: its requests go out without the pools.
 */
public final class ProxyPoolExchangeFilter implements ExchangeFilterFunction {

	private static final System.Logger log = System.getLogger(ProxyPoolExchangeFilter.class.getName());

	/** What may be sent once more through another member (the blocking clients too). */
	static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

	private final ProxyPoolHttpClients clients;

	private final UnpooledRequests unpooled;

	public ProxyPoolExchangeFilter(ProxyPoolHttpClients clients) {
		this.clients = clients;
		this.unpooled = new UnpooledRequests(log, clients.directRoutes(),
				"proxy pools: a WebClient request was answered without the pools: its connector is not Reactor "
						+ "Netty's on a pooled HttpClient; keep the one Boot's builder sets (and declare no "
						+ "ClientHttpConnector bean of your own), or give the client new ReactorClientHttpConnector("
						+ "proxyPoolHttpClients.apply(proxyPoolHttpClients.newHttpClient(), ConnectionType.HTTP))");
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return new PooledRequest(request, next);
	}

	/**
	 * One request through the pools: routed once, failed over, its leases held until its
	 * response arrives. Routing asks it for the target host, with no supplier made for that.
	 */
	private final class PooledRequest extends AttemptScope<ClientResponse> implements Supplier<String> {

		private final ClientRequest request;

		private final ExchangeFunction next;

		PooledRequest(ClientRequest request, ExchangeFunction next) {
			this.request = request;
			this.next = next;
		}

		@Override
		ConnectAttempt open(ContextView context) {
			String named = NamedExchange.of(this.request.attributes().get(ProxyAttributes.EXCHANGE));
			String exchange = (named != null) ? named : NamedExchange.in(context);
			ConnectAttempt attempt = ProxyPoolExchangeFilter.this.clients.newAttempt(exchange, ConnectionType.HTTP);
			attempt.route(ProxyPoolExchangeFilter.this.clients.pools(), this);
			return attempt;
		}

		/** The request's target host, which routing asks for when no exchange was named. */
		@Override
		public String get() {
			return this.request.url().getHost();
		}

		@Override
		Mono<ClientResponse> run(ConnectAttempt attempt) {
			boolean idempotent = IDEMPOTENT.contains(this.request.method());
			Mono<ClientResponse> response = send(attempt, idempotent);
			if (idempotent && attempt.retriesOnCooldown()) {
				response = response.flatMap((answer) -> afterCooldown(answer, attempt));
			}
			return response;
		}

		@Override
		void answered(ConnectAttempt attempt) {
			ProxyPoolExchangeFilter.this.unpooled.answered(attempt);
		}

		private Mono<ClientResponse> send(ConnectAttempt attempt, boolean idempotent) {
			// each attempt goes through next.exchange anew, so Reactor Netty builds a fresh request
			boolean resend = idempotent && ProxyPoolExchangeFilter.this.clients.settings().retryIdempotent();
			Sending sending = new Sending(attempt, resend);
			return ProxyPoolExchangeFilter.this.clients.firstTry(attempt, sending, sending);
		}

		/**
		 * Sends an idempotent request once more through another member when the exchange's
		 * answer put its member to rest ({@code rate-limit.retry-on-cooldown}). When no other
		 * member may take it, or the retry fails, the caller gets the exchange's answer unchanged.
		 */
		private Mono<ClientResponse> afterCooldown(ClientResponse answer, ConnectAttempt attempt) {
			if (!attempt.takeCooldown()
					|| !attempt.mayTryAnother(ProxyPoolExchangeFilter.this.clients.settings().maxAttempts())) {
				return Mono.just(answer);
			}
			return send(attempt, true).flatMap((retried) -> afterCooldown(retried, attempt))
				.flatMap((retried) -> answer.releaseBody().thenReturn(retried))
				.onErrorResume((error) -> Mono.just(answer));
		}

		/**
		 * One sending of the request with its failover: what each try sends, and what becomes
		 * of its first try's error. One object where three lambdas would be, since every
		 * request makes one; an error's path makes what it needs.
		 */
		private final class Sending
				implements Supplier<Mono<ClientResponse>>, Function<Throwable, Mono<ClientResponse>> {

			private final ConnectAttempt attempt;

			/** Whether a stall after the tunnel was up sends the request once more. */
			private final boolean resend;

			Sending(ConnectAttempt attempt, boolean resend) {
				this.attempt = attempt;
				this.resend = resend;
			}

			@Override
			public Mono<ClientResponse> get() {
				return PooledRequest.this.next.exchange(PooledRequest.this.request);
			}

			@Override
			public Mono<ClientResponse> apply(Throwable error) {
				return ProxyPoolExchangeFilter.this.clients.afterTry(this.attempt, this, this::otherwise, error);
			}

			/** An error no other member took. */
			private Mono<ClientResponse> otherwise(Throwable error) {
				return afterFailover(error, this.attempt, this, PooledRequest.this.request, this.resend);
			}

		}

	}

	/**
	 * Sends an idempotent request once more through another member when its tunnel stalled
	 * after it was up; turns an exhausted failover, or one the application's stop ended, into
	 * the WebClientRequestException that WebClient callers expect for any connect failure, and
	 * names what a response timeout ran out on.
	 */
	private Mono<ClientResponse> afterFailover(Throwable error, ConnectAttempt attempt,
			Supplier<Mono<ClientResponse>> send, ClientRequest request, boolean idempotent) {
		Throwable handedOn = idempotent ? this.clients.afterStall(attempt, error) : error;
		if (handedOn == null) {
			return this.clients
				.failover(attempt, send,
						(again) -> Mono.error(described(this.clients.afterStalledAgain(attempt, again), attempt)))
				.onErrorMap(ProxyPoolExchangeFilter::ofThePools, (failure) -> new WebClientRequestException(failure,
						request.method(), request.url(), request.headers()));
		}
		if (ofThePools(handedOn)) {
			return Mono.error(new WebClientRequestException(handedOn, request.method(), request.url(),
					request.headers()));
		}
		return Mono.error(described(handedOn, attempt));
	}

	/**
	 * A request that a response timeout (the pools' or the client's own) ended: WebClient's
	 * error takes what the timeout ran out on as its message, where it would have none.
	 */
	private static Throwable described(Throwable error, ConnectAttempt attempt) {
		if (error instanceof WebClientRequestException failed && failed.getMessage() == null) {
			String timedOut = ResponseTimedOut.describe(failed.getCause(), attempt);
			if (timedOut != null) {
				return new ResponseTimeoutRequestException(timedOut, failed);
			}
		}
		return error;
	}

	/**
	 * An error the pools made of a failed connect (every member failed, the stop cut it, no
	 * connection was free), on the first try or on the one after a stall alike.
	 */
	private static boolean ofThePools(Throwable error) {
		return error instanceof ProxyConnectFailedException || error instanceof ConnectStoppedException
				|| error instanceof ProxyConnectionsExhaustedException;
	}

}
