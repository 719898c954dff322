package io.cryptofeed.proxy.health;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.health.probe.ProbeFailedException;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * One attempt of a health check, bounded by the checker itself. A probe must end within its
 * timeout, and the starter's do, but one an application supplies may not: one that never ends
 * would hold its slot among {@code max-concurrent-health-checks} and its member's turn for
 * good. The attempt fails at the probe's timeout and {@link #MARGIN}, cancelling the probe.
 *
 * <p>A probe that ends without a latency, emits {@code null}, returns no {@link Mono} or
 * throws (a {@link LinkageError} too) fails the attempt too. Whatever the probe signals once
 * the attempt has ended (given up, or cancelled by a reload or a close) is ignored here, not
 * handed to Reactor's hooks for dropped signals, which would log a late error at ERROR with a
 * message nobody masked; and the attempt lets go of its check then, so a probe that keeps its
 * subscriber keeps nothing of the checker.
 */
final class BoundedAttempt implements CoreSubscriber<Duration> {

	/**
	 * How much longer than its timeout a probe is given. The starter's probes end at their
	 * timeout on their own event loops, which may be busy with other checks: a second is far
	 * more than such a delay, so the checker never cuts a probe short of its own, more telling
	 * reason, and little beside an interval of at least a second.
	 */
	static final Duration MARGIN = Duration.ofSeconds(1);

	private final AtomicBoolean ended = new AtomicBoolean();

	/** The probe's check once subscribed, {@link Operators#cancelledSubscription()} once cancelled. */
	private final AtomicReference<Subscription> subscription = new AtomicReference<>();

	private final ProxyEndpoint endpoint;

	private final Duration timeout;

	/** The check waiting for this attempt; dropped once it ended. */
	private volatile MonoSink<Duration> check;

	private volatile Disposable bound;

	private BoundedAttempt(MonoSink<Duration> check, ProxyEndpoint endpoint, Duration timeout) {
		this.check = check;
		this.endpoint = endpoint;
		this.timeout = timeout;
	}

	/**
	 * An attempt that asks the probe for its check on each subscription, so that a retry asks
	 * again.
	 * @param probe the probe's check of the endpoint within the timeout
	 * @param timer runs the bound
	 */
	static Mono<Duration> of(Supplier<Mono<Duration>> probe, ProxyEndpoint endpoint, Duration timeout,
			Scheduler timer) {
		return Mono.create((check) -> new BoundedAttempt(check, endpoint, timeout).start(probe, timer));
	}

	private void start(Supplier<Mono<Duration>> probe, Scheduler timer) {
		this.check.onCancel(this::cancel);
		Mono<Duration> attempt;
		try {
			attempt = probe.get();
		}
		catch (RuntimeException | LinkageError ex) {
			// a class the probe needs is missing: Reactor would throw that on as a broken JVM,
			// leaving the check half started; here it fails the check, named
			end(ex);
			return;
		}
		if (attempt == null) {
			end(new ProbeFailedException("the probe of " + this.endpoint + " returned null instead of a Mono", null));
			return;
		}
		this.bound = timer.schedule(this::overrun, this.timeout.plus(MARGIN).toNanos(), TimeUnit.NANOSECONDS);
		try {
			attempt.subscribe(this);
		}
		catch (LinkageError ex) {
			// the same, thrown by the probe's Mono as it starts
			if (end(ex)) {
				cancelProbe();
			}
		}
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		if (this.subscription.compareAndSet(null, subscription)) {
			subscription.request(Long.MAX_VALUE);
		}
		else {
			// the attempt ended before the probe's check began
			subscription.cancel();
		}
	}

	@Override
	public void onNext(Duration latency) {
		if (latency == null) {
			// the check would end empty, and wait for good
			end(new ProbeFailedException("the probe of " + this.endpoint + " emitted null instead of a latency", null));
			return;
		}
		MonoSink<Duration> check = this.check;
		if (takeEnd()) {
			check.success(latency);
		}
	}

	@Override
	public void onError(Throwable error) {
		end(error);
	}

	@Override
	public void onComplete() {
		// after a latency, the attempt has already ended
		end(new ProbeFailedException("the probe of " + this.endpoint + " ended without a result", null));
	}

	private void overrun() {
		if (end(new ProbeFailedException("the probe of " + this.endpoint + " did not end within its timeout of "
				+ Durations.format(this.timeout) + " (given up " + Durations.format(MARGIN) + " later)", null))) {
			cancelProbe();
		}
	}

	/** The check was cancelled: the member's checks stopped, or the checker closed. */
	private void cancel() {
		if (takeEnd()) {
			cancelProbe();
		}
	}

	/** Fails the check with this error unless the attempt has ended; whether it did. */
	private boolean end(Throwable error) {
		MonoSink<Duration> check = this.check;
		if (!takeEnd()) {
			return false;
		}
		check.error(error);
		return true;
	}

	/** Ends the attempt unless it has ended: the bound stops, the check is let go. */
	private boolean takeEnd() {
		if (!this.ended.compareAndSet(false, true)) {
			return false;
		}
		Disposable bound = this.bound;
		if (bound != null) {
			bound.dispose();
		}
		this.check = null;
		return true;
	}

	private void cancelProbe() {
		Subscription subscription = this.subscription.getAndSet(Operators.cancelledSubscription());
		if (subscription != null) {
			subscription.cancel();
		}
	}

}
