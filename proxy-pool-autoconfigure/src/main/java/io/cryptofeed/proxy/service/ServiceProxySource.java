package io.cryptofeed.proxy.service;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ratelimit.RetryAfter;
import io.cryptofeed.proxy.netty.ProxyChoice;
import io.cryptofeed.proxy.netty.ProxyConnectFailedException;
import io.cryptofeed.proxy.netty.ProxySource;
import io.cryptofeed.proxy.netty.SharedAsks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The client side of the external proxy service, asked by the transport before the embedded
 * pools at every connect. For each exchange and connection type: an unexpired answer, with a
 * proxy or without one, is reused, and one that could not be used is followed by its fallback
 * for {@link #UNUSABLE_ANSWER_HOLD}; otherwise the service is asked (through its breaker, with
 * failover between its endpoints, one ask at a time that the connections arriving meanwhile
 * wait for); when it cannot answer, or has no proxy, its fallback
 * policy decides: the embedded pools (when {@code fallback-to-embedded} allows), a direct
 * connection, or failing the connection. A connect through the service's proxy reports its
 * outcome as feedback; an answer of the exchange through it with a status that would put a
 * pool's member to rest for the exchange drops the answer that named the proxy and is reported
 * once per answer.
 */
public final class ServiceProxySource implements ProxySource, AutoCloseable {

	private static final String NO_PROXY = "the service has no proxy for this connection";

	/**
	 * How long an answer that could not be used (401/403, another 4xx, malformed, a proxy the
	 * transport cannot use) is held: asked again at once, it would most likely be the same, and a
	 * wrong token would add the service's round trip to every connect. Short, so that a fix on
	 * the service's side is picked up soon.
	 */
	static final Duration UNUSABLE_ANSWER_HOLD = Duration.ofSeconds(10);

	private final ServiceClientSettings settings;

	private final ProxyServiceClient client;

	private final ServiceGuard guard;

	private final ServiceMetrics metrics;

	private final Clock clock;

	private final AnswerCache cache;

	private final FeedbackQueue feedback;

	private final ServiceStatusLog status;

	private final SharedAsks<AnswerCache.Key, Asked> asks = new SharedAsks<>();

	/** Set as the application stops: a call that fails then was most likely closed by the stop. */
	private volatile boolean stopping;

	/**
	 * @param tls key and trust material for https endpoints, or {@code null} for the JDK's defaults
	 * @param guard wraps every call, e.g. a {@link ServiceCircuitBreaker}
	 * @param clock the wall clock, for the times feedback reports; answers' TTLs run on
	 * {@link System#nanoTime()}
	 */
	public ServiceProxySource(ServiceClientSettings settings, ServiceTls tls, ServiceGuard guard,
			ServiceMetrics metrics, Clock clock) {
		this(settings, tls, guard, metrics, clock, System::nanoTime);
	}

	/**
	 * @param tls key and trust material for https endpoints, or {@code null} for the JDK's defaults
	 * @param guard wraps every call, e.g. a {@link ServiceCircuitBreaker}
	 * @param clock the wall clock, for the times feedback reports
	 * @param nanoTime monotonic nanoseconds, as {@link System#nanoTime()}, on which answers' TTLs run
	 */
	public ServiceProxySource(ServiceClientSettings settings, ServiceTls tls, ServiceGuard guard,
			ServiceMetrics metrics, Clock clock, LongSupplier nanoTime) {
		this.settings = settings;
		this.client = new ProxyServiceClient(settings, tls);
		this.guard = guard;
		this.metrics = metrics;
		this.clock = clock;
		this.status = new ServiceStatusLog(nanoTime);
		String forgottenFallback = settings.fallbackToEmbedded() ? "the embedded pools"
				: "a direct connection, cryptofeed.proxy.external-service.fallback-to-embedded being false";
		this.cache = new AnswerCache(nanoTime,
				(forgotten) -> this.status.policiesForgotten(forgotten, forgottenFallback));
		this.feedback = new FeedbackQueue(settings.feedbackQueueCapacity(), this.client::feedback, guard::isOpen,
				metrics, Schedulers.parallel());
	}

	@Override
	public Mono<ProxyChoice> choose(String exchange, ConnectionType type) {
		AnswerCache.Key key = new AnswerCache.Key(
				(exchange != null) ? exchange.toLowerCase(Locale.ROOT) : PoolKey.DEFAULT, type);
		AnswerCache.Entry cached = this.cache.fresh(key);
		if (cached != null) {
			return Mono.just((cached.unusable() != null) ? heldBack(key, cached) : reuse(key, cached));
		}
		if (this.cache.askedForEachConnection(key) || this.guard.isHalfOpen()) {
			// the service wants a choice per connection (ttl_seconds 0): each asks for its own at once;
			// or its breaker lets one trial through: waiting for it could take timeout × endpoints,
			// where the guard falls the others back at once
			return ask(key).map((own) -> use(key, own));
		}
		return this.asks.join(key, () -> ask(key)).flatMap((shared) -> {
			Asked asked = shared.value();
			if (!shared.joined() || asked.failure() != null) {
				return Mono.just(use(key, asked));
			}
			if (asked.forOneConnection()) {
				// the service wants a choice per connection (ttl_seconds 0): its answer is not shared
				return ask(key).map((own) -> use(key, own));
			}
			this.metrics.cached();
			return Mono.just(use(key, asked));
		});
	}

	/** One call to the service, its outcome recorded (metrics, status, cache) once, whoever waits for it. */
	private Mono<Asked> ask(AnswerCache.Key key) {
		ProxyRequest request = new ProxyRequest(key.exchange(), key.type().id(), this.settings.region(),
				this.settings.clientId(), this.settings.metadata());
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return this.guard
				.guard(this.client.request(request, this::read))
				.map((answer) -> answered(key, answer, elapsedSince(start)))
				// a guard of the application's own may fail the call with an error of its own
				.onErrorMap((error) -> !(error instanceof ServiceCallException), ServiceCallException::ofGuard)
				.onErrorResume(ServiceCallException.class, (failure) -> {
					if (cutByTheStop(failure)) {
						// nothing is recorded of a service that most likely did nothing wrong
						return Mono.just(new Asked(null, null, failure));
					}
					if (!failure.reason().transientFailure()) {
						// the service answered, and would most likely answer the same again at once
						this.cache.putUnusable(key, failure, UNUSABLE_ANSWER_HOLD);
					}
					else if (failure.namedPolicy() != null) {
						// an answer that cannot be used is still the service's latest word on the exchange
						this.cache.putPolicy(key, failure.namedPolicy());
					}
					this.metrics.requestFailed(failure.reason().id(), elapsedSince(start));
					return Mono.just(new Asked(null, null, failure));
				});
		});
	}

	/** What an ask's outcome means for one connection. */
	private ProxyChoice use(AnswerCache.Key key, Asked asked) {
		if (asked.failure() != null) {
			return unanswered(key, asked.failure());
		}
		return (asked.choice() != null) ? asked.choice() : fallback(key, asked.answer().policy(), NO_PROXY, true);
	}

	/**
	 * The answer, checked; one that cannot be used still names its fallback policy, which
	 * {@link #ask} records (a {@code fail} must never become a direct connection).
	 */
	private Answer read(ProxyResponse response) {
		try {
			return Answer.of(response, this.settings.cacheTtl());
		}
		catch (ServiceCallException ex) {
			FallbackPolicy named = FallbackPolicy.fromWireName(response.fallbackPolicy());
			throw (named != null) ? ex.naming(named) : ex;
		}
	}

	private Asked answered(AnswerCache.Key key, Answer answer, Duration elapsed) {
		this.metrics.requestSucceeded(elapsed);
		this.status.answered(key.exchange(), key.type());
		ProxyChoice choice = (answer.proxy() != null)
				? proxy(key, answer.proxy(), answer.feedbackUrl(), answer.policy()) : null;
		this.cache.put(key, choice, answer.policy(), answer.ttl());
		return new Asked(answer, choice, null);
	}

	/** What an unexpired answer says: its proxy, or without one its policy, as when it came. */
	private ProxyChoice reuse(AnswerCache.Key key, AnswerCache.Entry cached) {
		this.metrics.cached();
		return (cached.choice() != null) ? cached.choice() : fallback(key, cached.policy(), NO_PROXY, true);
	}

	/** While an answer that could not be used is held: its fallback at once, without asking. */
	private ProxyChoice heldBack(AnswerCache.Key key, AnswerCache.Entry held) {
		this.metrics.cached();
		ProxyChoice fallback = fallback(key, held.policy(), held.unusable().getMessage(), true);
		this.status.failed(held.unusable(), key.exchange(), key.type(), describe(fallback));
		return fallback;
	}

	private ProxyChoice unanswered(AnswerCache.Key key, ServiceCallException failure) {
		if (cutByTheStop(failure)) {
			// no fallback either: it would open a connection as the application goes away
			return ProxyChoice.refuse(() -> new ConnectException(
					"the proxy service's call ended while the application is stopping: " + failure.getMessage()));
		}
		// another connection may have stored an answer meanwhile
		AnswerCache.Entry cached = this.cache.fresh(key);
		if (cached != null && cached.unusable() == null) {
			this.status.failed(failure, key.exchange(), key.type(), "cached answer");
			return reuse(key, cached);
		}
		FallbackPolicy policy = this.cache.lastPolicy(key);
		ProxyChoice fallback = fallback(key, policy, failure.getMessage(), true);
		this.status.failed(failure, key.exchange(), key.type(), describe(fallback));
		return fallback;
	}

	/** @param url the proxy as the service gave it, without its password: what feedback names */
	private ProxyChoice proxy(AnswerCache.Key key, ProxyEndpoint endpoint, String url, FallbackPolicy policy) {
		ProxyChoice fallback = fallback(key, policy, "connecting through the service's proxy " + endpoint + " failed",
				false);
		Reporter reporter = new Reporter(key, endpoint, url, describe(fallback));
		ProxyChoice answer = ProxyChoice.proxy(endpoint, fallback, reporter);
		reporter.answer = answer;
		return answer;
	}

	/**
	 * What the policy says to do without the service's proxy: {@code null} (no answer yet) is
	 * {@code embedded_fallback}.
	 * @param counted whether the fallback is used now, rather than kept for a proxy that may fail
	 */
	private ProxyChoice fallback(AnswerCache.Key key, FallbackPolicy policy, String cause, boolean counted) {
		FallbackPolicy effective = (policy != null) ? policy : FallbackPolicy.EMBEDDED_FALLBACK;
		ProxyChoice choice = switch (effective) {
			case FAIL -> ProxyChoice.refuse(() -> new ProxyServiceUnavailableException(key.exchange(), key.type(), cause));
			case DIRECT_CONNECTION -> ProxyChoice.direct();
			case EMBEDDED_FALLBACK -> this.settings.fallbackToEmbedded() ? ProxyChoice.embedded() : ProxyChoice.direct();
		};
		if (counted) {
			this.metrics.fallbackUsed(describe(choice));
		}
		return choice;
	}

	private static String describe(ProxyChoice fallback) {
		return switch (fallback.kind()) {
			case EMBEDDED -> "embedded";
			case DIRECT -> "direct";
			case REFUSED -> "fail";
			case PROXY -> "proxy";
		};
	}

	private static Duration elapsedSince(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/** A wait rounded up to whole seconds; {@code null} for none, as for 0, which asks for no wait. */
	private static Long wholeSeconds(Duration wait) {
		return (wait == null || wait.isZero()) ? null : Durations.secondsRoundedUp(wait);
	}

	/**
	 * Whether the application is stopping: from then on a call that fails to reach the service
	 * (its event loops close the connections still open) is neither logged nor counted, and fails
	 * its connection as stopped instead of falling back, as the transport does with a connect the
	 * stop cut. Public for the auto-configuration, which sets it with the transport's, not for
	 * applications.
	 */
	public void stopping(boolean stopping) {
		this.stopping = stopping;
	}

	/** The call found no service while the application stops: most likely the stop closed it. */
	private boolean cutByTheStop(ServiceCallException failure) {
		ServiceCallException.Reason reason = failure.reason();
		return this.stopping
				&& (reason == ServiceCallException.Reason.UNREACHABLE || reason == ServiceCallException.Reason.TIMEOUT);
	}

	/** Stops sending feedback and closes the connections to the service; the guard is its owner's to close. */
	@Override
	public void close() {
		this.feedback.close();
		this.client.close();
	}

	/**
	 * What one ask found: the answer with its proxy as the choice made from it, or the failure.
	 * @param answer the answer, or {@code null} when it failed
	 * @param choice the answer's proxy, or {@code null}
	 * @param failure why there is no answer, or {@code null}
	 */
	private record Asked(Answer answer, ProxyChoice choice, ServiceCallException failure) {

		/** An answer the service gave for the connection that asked only: reused by none. */
		boolean forOneConnection() {
			return this.answer != null && this.answer.ttl().isZero();
		}

	}

	/**
	 * Turns the connect outcomes through one answer's proxy, and the exchange's limiting its
	 * address, into feedback reports.
	 */
	private final class Reporter implements ProxyChoice.Feedback {

		private final AnswerCache.Key key;

		private final ProxyEndpoint endpoint;

		private final String url;

		private final String fallback;

		/** The answer this reports for: set before the answer is handed out. */
		private volatile ProxyChoice answer;

		/** Set by the first limited answer through the proxy: the burst's others tell nothing new. */
		private final AtomicBoolean limited = new AtomicBoolean();

		Reporter(AnswerCache.Key key, ProxyEndpoint endpoint, String url, String fallback) {
			this.key = key;
			this.endpoint = endpoint;
			this.url = url;
			this.fallback = fallback;
		}

		@Override
		public void connected(Duration elapsed) {
			ServiceProxySource.this.status.proxyConnected(this.endpoint);
			report(true, elapsed, null);
		}

		@Override
		public void failed(Duration elapsed, Throwable cause) {
			// a proxy that failed is not reused from the cache: the next connection asks the service
			ServiceProxySource.this.cache.evict(this.key, this.endpoint);
			String described = ProxyConnectFailedException.describe(cause);
			ServiceProxySource.this.status.proxyFailed(this.endpoint, this.key.exchange(), this.key.type(), described,
					this.fallback);
			report(false, elapsed, described);
		}

		/**
		 * The exchange limits the proxy's address: this answer is not reused, and the service hears
		 * of it once, as a tunnel that came up with the exchange's status (a report of failure
		 * would count against a proxy that works).
		 */
		@Override
		public void rateLimited(Duration elapsed, int status, String retryAfter) {
			if (!this.limited.compareAndSet(false, true)) {
				return;
			}
			// only this answer: a newer one, whatever its proxy, stays
			ServiceProxySource.this.cache.evictAnswer(this.key, this.answer);
			Long retryAfterSeconds = wholeSeconds(
					RetryAfter.parse(retryAfter, Instant.now(ServiceProxySource.this.clock)));
			ServiceProxySource.this.status.proxyRateLimited(this.endpoint, this.key.exchange(), this.key.type(), status,
					retryAfterSeconds);
			ServiceProxySource.this.feedback.offer(new ProxyFeedback(this.url, this.key.exchange(),
					this.key.type().id(), true, elapsed.toMillis(), null, now(),
					ServiceProxySource.this.settings.clientId(), status, retryAfterSeconds));
		}

		/** Counted only now: when no attempt follows the failure, the connection used no fallback. */
		@Override
		public void fallingBack() {
			ServiceProxySource.this.metrics.fallbackUsed(this.fallback);
		}

		private void report(boolean success, Duration elapsed, String error) {
			ServiceProxySource.this.feedback.offer(new ProxyFeedback(this.url, this.key.exchange(),
					this.key.type().id(), success, elapsed.toMillis(), error, now(),
					ServiceProxySource.this.settings.clientId()));
		}

		private String now() {
			return Instant.now(ServiceProxySource.this.clock).toString();
		}

	}

}
