package io.cryptofeed.proxy.netty;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * One logical connection (a request or a WebSocket session) run with its
 * {@link ConnectAttempt} in the Reactor context, whose leases are released when it ends,
 * however it ends: answered, completed, failed (the attempt hears the error first) or
 * cancelled, and before the caller hears of the end. One operator where
 * {@code deferContextual}, {@code contextWrite} and {@code doFinally} would be three, since
 * every request through the pools passes through it.
 */
abstract class AttemptScope<T> extends Mono<T> {

	/** The attempt for this connection, given the caller's context. */
	abstract ConnectAttempt open(ContextView context);

	/** The connection, run with the attempt in its context. */
	abstract Mono<T> run(ConnectAttempt attempt);

	/** Called when the connection's answer (a response) arrives, before it is handed on. */
	void answered(ConnectAttempt attempt) {
	}

	@Override
	public final void subscribe(CoreSubscriber<? super T> actual) {
		ConnectAttempt attempt;
		Mono<T> source;
		try {
			attempt = open(actual.currentContext());
		}
		catch (RuntimeException ex) {
			Operators.error(actual, ex);
			return;
		}
		try {
			source = run(attempt);
		}
		catch (RuntimeException ex) {
			attempt.releaseAll();
			Operators.error(actual, ex);
			return;
		}
		source.subscribe(new ScopeSubscriber<>(actual, this, attempt));
	}

	private static final class ScopeSubscriber<T> implements CoreSubscriber<T>, Subscription {

		private final CoreSubscriber<? super T> actual;

		private final AttemptScope<T> scope;

		private final ConnectAttempt attempt;

		private final Context context;

		private Subscription upstream;

		/** Set once the value released the leases: onComplete, which follows it, need not take the attempt's lock again. */
		private boolean releasedAtValue;

		ScopeSubscriber(CoreSubscriber<? super T> actual, AttemptScope<T> scope, ConnectAttempt attempt) {
			this.actual = actual;
			this.scope = scope;
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
		public void onNext(T value) {
			this.scope.answered(this.attempt);
			// a Mono's value is its end for most callers (block and toFuture return at it, before
			// onComplete): released first, so that one selecting again at once finds it uncounted
			this.attempt.releaseAll();
			this.releasedAtValue = true;
			this.actual.onNext(value);
		}

		@Override
		public void onError(Throwable error) {
			try {
				this.attempt.endedWith(error);
				this.attempt.nameFailedBeforeDirect(error);
			}
			catch (RuntimeException ex) {
				// a source's feedback that throws must not keep the error from the caller
				error.addSuppressed(ex);
			}
			// released before the caller hears of the end: a feed that reconnects from there
			// (repeat, retryWhen) selects again, and must not find its closed session counted
			this.attempt.releaseAll();
			this.actual.onError(error);
		}

		@Override
		public void onComplete() {
			// signals come one after another (Reactive Streams §1.3): the flag needs no fence
			if (!this.releasedAtValue) {
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
			this.attempt.cancelled();
		}

	}

}
