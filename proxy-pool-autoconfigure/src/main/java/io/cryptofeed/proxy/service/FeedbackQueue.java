package io.cryptofeed.proxy.service;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Feedback reports on their way to the service, one at a time, off the connection's path:
 * {@link #offer} never waits. While the service is down or its breaker is open, reports wait
 * here and are retried with a growing pause; when the queue is full the oldest is dropped and
 * counted. A report the service refuses for good (401, 403, 404 or another 4xx; a 429 is only
 * busy and is retried) is dropped too.
 */
final class FeedbackQueue implements AutoCloseable {

	private static final System.Logger log = System.getLogger(FeedbackQueue.class.getName());

	private static final Duration FIRST_RETRY = Duration.ofMillis(200);

	private static final Duration LAST_RETRY = Duration.ofSeconds(5);

	private final int capacity;

	private final Function<ProxyFeedback, Mono<Void>> sender;

	private final BooleanSupplier paused;

	private final ServiceMetrics metrics;

	private final Scheduler timer;

	/** Guarded by itself. */
	private final ArrayDeque<ProxyFeedback> queue = new ArrayDeque<>();

	private final AtomicBoolean sending = new AtomicBoolean();

	private final AtomicLong dropped = new AtomicLong();

	private volatile Disposable retryTimer;

	private volatile boolean closed;

	/** Touched only by the single sender. */
	private Duration retryDelay = FIRST_RETRY;

	/**
	 * @param paused whether sending should wait (the service's breaker is open)
	 * @param timer runs the pause before a retry
	 */
	FeedbackQueue(int capacity, Function<ProxyFeedback, Mono<Void>> sender, BooleanSupplier paused,
			ServiceMetrics metrics, Scheduler timer) {
		this.capacity = capacity;
		this.sender = sender;
		this.paused = paused;
		this.metrics = metrics;
		this.timer = timer;
	}

	/** Queues a report, dropping the oldest when full, and starts sending if nothing is. */
	void offer(ProxyFeedback feedback) {
		if (this.closed) {
			return;
		}
		synchronized (this.queue) {
			if (this.queue.size() >= this.capacity) {
				this.queue.pollFirst();
				drop();
			}
			this.queue.addLast(feedback);
		}
		drain();
	}

	/** Reports dropped so far. */
	long dropped() {
		return this.dropped.get();
	}

	/** Reports waiting, the one being sent not included. */
	int size() {
		synchronized (this.queue) {
			return this.queue.size();
		}
	}

	private void drain() {
		if (this.sending.compareAndSet(false, true)) {
			sendNext();
		}
	}

	private void sendNext() {
		ProxyFeedback next;
		synchronized (this.queue) {
			next = this.closed ? null : this.queue.pollFirst();
		}
		if (next == null) {
			this.sending.set(false);
			// a report offered between the poll and the reset would otherwise wait for the next offer
			if (!this.closed && size() > 0) {
				drain();
			}
			return;
		}
		if (this.paused.getAsBoolean()) {
			retryLater(next);
			return;
		}
		// never cancelled, not even by close(): a WebClient call cancelled while it connects drops
		// the connect's later error, and Reactor logs a dropped error at ERROR level; the send ends
		// on its own within the client's timeout, and after close() nothing follows it
		this.sender.apply(next)
			.doOnSuccess((nothing) -> sent())
			.doOnError((error) -> failed(next, error))
			.onErrorComplete()
			.subscribe();
	}

	private void sent() {
		this.metrics.feedbackSent();
		this.retryDelay = FIRST_RETRY;
		sendNext();
	}

	private void failed(ProxyFeedback report, Throwable error) {
		if (error instanceof ServiceCallException failure && !failure.reason().transientFailure()) {
			log.log(Level.DEBUG, "proxy service refused feedback, dropped: {0}", failure.getMessage());
			drop();
			sendNext();
		}
		else {
			retryLater(report);
		}
	}

	/** Puts the report back first in line, unless the queue filled meanwhile: then it is the oldest. */
	private void retryLater(ProxyFeedback report) {
		if (this.closed) {
			return;
		}
		synchronized (this.queue) {
			if (this.queue.size() >= this.capacity) {
				drop();
			}
			else {
				this.queue.addFirst(report);
			}
		}
		Duration delay = this.retryDelay;
		this.retryDelay = (delay.compareTo(LAST_RETRY.dividedBy(2)) > 0) ? LAST_RETRY : delay.multipliedBy(2);
		this.retryTimer = Mono.delay(delay, this.timer).subscribe((tick) -> sendNext(), this::timerRefused);
	}

	/**
	 * The timer could not take the retry: its scheduler was shut down, which happens when the
	 * JVM exits. The report stays first in line, and the next offer sends it.
	 */
	private void timerRefused(Throwable error) {
		log.log(Level.DEBUG, "proxy service feedback: the retry could not be scheduled: {0}", error.toString());
		this.sending.set(false);
	}

	private void drop() {
		this.dropped.incrementAndGet();
		this.metrics.feedbackDropped();
	}

	/** Stops sending; reports still queued are discarded, and a report being sent is the last. */
	@Override
	public void close() {
		this.closed = true;
		Disposable timer = this.retryTimer;
		if (timer != null) {
			timer.dispose();
		}
		synchronized (this.queue) {
			this.queue.clear();
		}
	}

}
