package io.cryptofeed.proxy.service;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bounded queue between connect outcomes and the service: never waits, drops the oldest. */
class FeedbackQueueTests {

	private final List<Integer> sent = new CopyOnWriteArrayList<>();

	private final AtomicReference<Function<ProxyFeedback, Mono<Void>>> service = new AtomicReference<>(this::accept);

	private final AtomicBoolean breakerOpen = new AtomicBoolean();

	private FeedbackQueue queue;

	@AfterEach
	void close() {
		this.queue.close();
	}

	@Test
	void reportsAreSentInOrder() {
		this.queue = queue(10);
		for (int i = 1; i <= 5; i++) {
			this.queue.offer(report(i));
		}
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.sent).containsExactly(1, 2, 3, 4, 5));
		assertThat(this.queue.dropped()).isZero();
	}

	@Test
	void whileTheServiceIsDownTheOldestAreDroppedAndTheNewestSentWhenItIsBack() {
		this.service.set((report) -> Mono.error(new ServiceCallException(ServiceCallException.Reason.SERVER_ERROR,
				"http://127.0.0.1:1", "HTTP 503")));
		this.queue = queue(3);
		for (int i = 1; i <= 10; i++) {
			this.queue.offer(report(i));
		}
		assertThat(this.queue.dropped()).isEqualTo(7);
		this.service.set(this::accept);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.sent).containsExactly(8, 9, 10));
		assertThat(this.queue.dropped()).isEqualTo(7);
	}

	@Test
	void offerNeverWaitsForASlowService() {
		Sinks.Empty<Void> never = Sinks.empty();
		this.service.set((report) -> never.asMono());
		this.queue = queue(2);
		long start = System.nanoTime();
		for (int i = 1; i <= 1_000; i++) {
			this.queue.offer(report(i));
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		// one report in flight, two queued, the rest dropped
		assertThat(this.queue.dropped()).isEqualTo(997);
		assertThat(this.queue.size()).isEqualTo(2);
	}

	@Test
	void whileTheBreakerIsOpenNothingIsSent() {
		this.breakerOpen.set(true);
		this.queue = queue(10);
		this.queue.offer(report(1));
		this.queue.offer(report(2));
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> this.sent.isEmpty());
		this.breakerOpen.set(false);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.sent).containsExactly(1, 2));
	}

	@Test
	void aReportTheServiceRefusesForGoodIsDroppedAndTheNextOneSent() {
		this.service.set((report) -> (report.latencyMs() == 1)
				? Mono.error(new ServiceCallException(ServiceCallException.Reason.REJECTED, "http://127.0.0.1:1",
						"HTTP 404"))
				: accept(report));
		this.queue = queue(10);
		this.queue.offer(report(1));
		this.queue.offer(report(2));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.sent).containsExactly(2));
		assertThat(this.queue.dropped()).isOne();
	}

	@Test
	void nothingIsSentAfterClose() {
		this.breakerOpen.set(true);
		this.queue = queue(10);
		this.queue.offer(report(1));
		this.queue.close();
		this.breakerOpen.set(false);
		this.queue.offer(report(2));
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> this.sent.isEmpty());
		assertThat(this.queue.size()).isZero();
	}

	@Test
	void aSendThatFailsAfterCloseIsNotLoggedAsADroppedError() {
		// a send whose upstream goes on after the cancel (an HTTP call that fails over to the next
		// endpoint does): its error must not reach the cancelled subscriber, which would log it
		// at ERROR level with "Operator called default onErrorDropped"
		AtomicReference<CoreSubscriber<? super Void>> inFlight = new AtomicReference<>();
		this.service.set((report) -> new Mono<Void>() {

			@Override
			public void subscribe(CoreSubscriber<? super Void> actual) {
				actual.onSubscribe(Operators.emptySubscription());
				inFlight.set(actual);
			}

		});
		List<Throwable> dropped = new CopyOnWriteArrayList<>();
		Hooks.onErrorDropped(dropped::add);
		try {
			this.queue = queue(10);
			this.queue.offer(report(1));
			assertThat(inFlight.get()).isNotNull();
			this.queue.close();
			inFlight.get()
				.onError(new ServiceCallException(ServiceCallException.Reason.UNREACHABLE, "http://127.0.0.1:1",
						"ConnectException: Connection refused"));
		}
		finally {
			Hooks.resetOnErrorDropped();
		}
		assertThat(dropped).isEmpty();
		assertThat(this.queue.size()).isZero();
	}

	@Test
	void whenTheRetryCannotBeScheduledNoErrorIsDroppedAndTheNextOfferSendsTheReport() {
		// the timer's scheduler is shut down at JVM exit; the queue must neither log an unhandled
		// error nor stay stuck as "sending" with nothing scheduled
		Scheduler shutDown = Schedulers.newSingle("feedback-timer-test");
		shutDown.dispose();
		List<Throwable> dropped = new CopyOnWriteArrayList<>();
		Hooks.onErrorDropped(dropped::add);
		try {
			this.queue = queue(10, shutDown);
			this.breakerOpen.set(true);
			this.queue.offer(report(1));
			assertThat(this.queue.size()).isOne();
			this.breakerOpen.set(false);
			this.queue.offer(report(2));
		}
		finally {
			Hooks.resetOnErrorDropped();
		}
		assertThat(dropped).isEmpty();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.sent).containsExactly(1, 2));
	}

	private FeedbackQueue queue(int capacity) {
		return queue(capacity, Schedulers.parallel());
	}

	private FeedbackQueue queue(int capacity, Scheduler timer) {
		return new FeedbackQueue(capacity, (report) -> this.service.get().apply(report), this.breakerOpen::get,
				ServiceMetrics.NONE, timer);
	}

	private Mono<Void> accept(ProxyFeedback report) {
		return Mono.fromRunnable(() -> this.sent.add((int) report.latencyMs()));
	}

	/** A report numbered by its latency. */
	private static ProxyFeedback report(int number) {
		return new ProxyFeedback("socks5://127.0.0.1:1080", "binance", "http", true, number, null,
				"2026-11-02T08:00:00Z", "feed-7");
	}

}
