package io.cryptofeed.proxy.netty;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;
import reactor.netty.Connection;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.util.context.Context;

/**
 * The connect of a client from {@link ProxyPoolHttpClients#apply} that no
 * {@link ProxyPoolHttpClients#withFailover} surrounds, run with its own
 * {@link ConnectAttempt} in the context: its leases go back once the connection is of no more
 * use to it, and before the caller hears of it. A request's as its response arrives (its
 * connection goes back to the connection pool, and a reuse takes no lease, as with the
 * pooled clients); a WebSocket session's when its connection closes, since the session is
 * what the connection carries until then (it is never lent again), so that least-connections
 * counts it; any as the connect fails, or is cancelled before its connection came.
 */
final class OwnConnectLeases implements CoreSubscriber<Connection>, Subscription {

	private final CoreSubscriber<? super Connection> actual;

	private final ConnectAttempt attempt;

	private final Context context;

	private Subscription upstream;

	/** Set once a session's connection holds the leases: what follows (a cancel, the end of the connect) ends nothing. */
	private volatile boolean heldBySession;

	OwnConnectLeases(CoreSubscriber<? super Connection> actual, ConnectAttempt attempt) {
		this.actual = actual;
		this.attempt = attempt;
		this.context = actual.currentContext().put(ConnectAttempt.CONTEXT_KEY, attempt);
	}

	@Override
	public Context currentContext() {
		return this.context;
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		if (Operators.validate(this.upstream, subscription)) {
			this.upstream = subscription;
			this.actual.onSubscribe(this);
		}
	}

	@Override
	public void onNext(Connection connection) {
		// Reactor Netty hands the connection on once the answer arrived: for a WebSocket, the
		// session is open, and AttemptObserver releases its leases when it closes
		if (connection instanceof WebsocketInbound) {
			this.heldBySession = true;
		}
		else {
			this.attempt.releaseAll();
		}
		this.actual.onNext(connection);
	}

	@Override
	public void onError(Throwable error) {
		this.attempt.releaseAll();
		this.actual.onError(error);
	}

	@Override
	public void onComplete() {
		if (!this.heldBySession) {
			this.attempt.releaseAll();
		}
		this.actual.onComplete();
	}

	@Override
	public void request(long n) {
		this.upstream.request(n);
	}

	@Override
	public void cancel() {
		LoopCancels.cancel(this.upstream, this.attempt);
		if (!this.heldBySession) {
			this.attempt.cancelled();
		}
	}

}
