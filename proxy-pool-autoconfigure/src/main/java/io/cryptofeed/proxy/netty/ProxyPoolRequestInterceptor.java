package io.cryptofeed.proxy.netty;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyAttributes;
import reactor.core.Exceptions;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The blocking side of the pools ({@code RestClient}, {@code RestTemplate}), for clients
 * whose request factory is a {@code ReactorClientHttpRequestFactory} on a client from
 * {@link ProxyPoolHttpClients#apply}: what {@link ProxyPoolExchangeFilter} does for a
 * WebClient. It reads the exchange from the request attribute, routes the request once,
 * sends it again through another member while connecting fails before the tunnel is up,
 * once more when an idempotent request stalled after it or (where the exchange's policy
 * says so) its answer put the member to rest, and holds the request's leases until its
 * response arrives. A client whose request factory turns out not to be pooled gets one
 * warning: its requests go out without the pools.
 */
public final class ProxyPoolRequestInterceptor implements ClientHttpRequestInterceptor {

	private static final System.Logger log = System.getLogger(ProxyPoolRequestInterceptor.class.getName());

	/** The request attribute that marks a request one of the pools' interceptors is routing. */
	private static final String ROUTING = ProxyPoolRequestInterceptor.class.getName() + ".routing";

	private final ProxyPoolHttpClients clients;

	private final UnpooledRequests unpooled;

	public ProxyPoolRequestInterceptor(ProxyPoolHttpClients clients) {
		this.clients = clients;
		this.unpooled = new UnpooledRequests(log, clients.directRoutes(),
				"proxy pools: a RestClient or RestTemplate request went out without the pools: its request factory "
						+ "is not Reactor Netty's on a pooled HttpClient; keep the one Boot's builder sets, or give "
						+ "the client new ReactorClientHttpRequestFactory(proxyPoolHttpClients.apply("
						+ "proxyPoolHttpClients.newHttpClient(), ConnectionType.HTTP))");
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		Map<String, Object> attributes = request.getAttributes();
		if (attributes.putIfAbsent(ROUTING, Boolean.TRUE) != null) {
			// a second of the pools' interceptors on the client (added again to Boot's builder,
			// which has one): the first routes it; routed here as well, the first would find no
			// pooled connect of its own and call the request unpooled
			return execution.execute(request, body);
		}
		ConnectAttempt attempt = this.clients.newAttempt(NamedExchange.of(attributes.get(ProxyAttributes.EXCHANGE)),
				ConnectionType.HTTP);
		try {
			attempt.route(this.clients.pools(), () -> request.getURI().getHost());
			boolean idempotent = ProxyPoolExchangeFilter.IDEMPOTENT.contains(request.getMethod());
			ClientHttpResponse answer = send(attempt, () -> execution.execute(request, body), idempotent);
			this.unpooled.answered(attempt);
			return (idempotent && attempt.retriesOnCooldown())
					? afterCooldown(answer, attempt, () -> execution.execute(request, body)) : answer;
		}
		catch (IOException | RuntimeException ex) {
			try {
				attempt.endedWith(original(ex));
				attempt.nameFailedBeforeDirect(ex);
			}
			catch (RuntimeException feedbackFailed) {
				// a source's feedback that throws must not replace the caller's error
				ex.addSuppressed(feedbackFailed);
			}
			if (ConnectFailures.interrupted(ex)) {
				// the caller's thread stopped waiting, and the wait cancelled the connect: a
				// request not sent yet gives its budget use back, as a cancelled WebClient one does
				attempt.cancelled();
			}
			if (ex instanceof IOException failed) {
				throw described(failed, attempt);
			}
			throw ex;
		}
		finally {
			attributes.remove(ROUTING);
			attempt.releaseAll();
		}
	}

	/**
	 * The request, sent again through another member each time connecting fails before the
	 * tunnel is up, and (idempotent ones, where {@code failover.retry-idempotent} is on) once
	 * more when the tunnel stalled before the answer. Each try is a new request of the
	 * factory's, as Spring's execution makes one per call.
	 */
	private ClientHttpResponse send(ConnectAttempt attempt, CallerAttempt.BlockingCall<ClientHttpResponse> request,
			boolean idempotent) throws IOException {
		boolean resend = idempotent && this.clients.settings().retryIdempotent();
		boolean resent = false;
		while (true) {
			try {
				return CallerAttempt.with(attempt, request);
			}
			catch (IOException | RuntimeException ex) {
				Throwable error = original(ex);
				Throwable handedOn = this.clients.afterConnectError(attempt, error);
				if (handedOn == null) {
					continue;
				}
				if (handedOn == error && resend) {
					handedOn = this.clients.afterStall(attempt, error);
					if (handedOn == null) {
						resend = false;
						resent = true;
						continue;
					}
				}
				else if (handedOn == error && resent) {
					handedOn = this.clients.afterStalledAgain(attempt, error);
				}
				if (handedOn != error) {
					throw asThrown(handedOn);
				}
				throw ex;
			}
		}
	}

	/**
	 * Sends an idempotent request once more through another member when the exchange's answer
	 * put its member to rest ({@code rate-limit.retry-on-cooldown}). When no other member may
	 * take it, or the retry fails, the caller gets the exchange's answer.
	 */
	private ClientHttpResponse afterCooldown(ClientHttpResponse answer, ConnectAttempt attempt,
			CallerAttempt.BlockingCall<ClientHttpResponse> request) {
		ClientHttpResponse latest = answer;
		while (attempt.takeCooldown() && attempt.mayTryAnother(this.clients.settings().maxAttempts())) {
			ClientHttpResponse retried;
			try {
				retried = send(attempt, request, true);
			}
			catch (IOException | RuntimeException ex) {
				return latest;
			}
			latest.close();
			latest = retried;
		}
		return latest;
	}

	/**
	 * The error the connect failed with: Spring's request hands on an I/O error as it came,
	 * and wraps any other in an {@code IOException} that repeats its message.
	 */
	private static Throwable original(Exception thrown) {
		Throwable cause = thrown.getCause();
		if (thrown.getClass() == IOException.class && cause != null
				&& Objects.equals(thrown.getMessage(), cause.getMessage())) {
			return Exceptions.unwrap(cause);
		}
		return Exceptions.unwrap(thrown);
	}

	/**
	 * A request that a response timeout (the pools' or the client's own) ended: Spring's I/O
	 * error takes what the timeout ran out on as its message, where it would have none (the
	 * timeout has none).
	 */
	private static IOException described(IOException error, ConnectAttempt attempt) {
		if (error.getClass() != IOException.class || error.getMessage() != null) {
			return error;
		}
		String timedOut = ResponseTimedOut.describe(error.getCause(), attempt);
		if (timedOut == null) {
			return error;
		}
		IOException described = new IOException(timedOut, error.getCause());
		described.setStackTrace(error.getStackTrace());
		for (Throwable suppressed : error.getSuppressed()) {
			described.addSuppressed(suppressed);
		}
		return described;
	}

	private static IOException asThrown(Throwable error) {
		return (error instanceof IOException io) ? io : new IOException(error.getMessage(), error);
	}

}
