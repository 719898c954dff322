package io.cryptofeed.proxy.service;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cryptofeed.proxy.breaker.TransitionLogLevel;
import io.cryptofeed.proxy.core.Durations;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import reactor.core.publisher.Mono;

/**
 * A Resilience4j circuit breaker around the proxy service: when most recent calls found it
 * unavailable (timed out, unreachable, 5xx or 429), connections stop waiting for it and fall
 * back at once until trial calls succeed again. An answer it gave that cannot be used (a 401,
 * another 4xx, malformed, a proxy URL the transport cannot use) falls back too, but counts as
 * an answer: the service is there, and one exchange's bad answer must not stop every
 * exchange from asking.
 */
public final class ServiceCircuitBreaker implements ServiceGuard {

	private static final System.Logger log = System.getLogger(ServiceCircuitBreaker.class.getName());

	/** The breaker's name, and its meters' {@code name} tag. */
	public static final String NAME = "proxy-service";

	/** Holds the one breaker, for Resilience4j's meters, which follow a registry. */
	private final CircuitBreakerRegistry registry;

	private final CircuitBreaker breaker;

	/**
	 * @param waitInOpenState how long the breaker stays open before trial calls
	 */
	public ServiceCircuitBreaker(Duration waitInOpenState, ServiceMetrics metrics) {
		this.registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.failureRateThreshold(50)
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(10)
			.minimumNumberOfCalls(5)
			.waitDurationInOpenState(waitInOpenState)
			.permittedNumberOfCallsInHalfOpenState(1)
			// feedback only looks at the state: without it the breaker would stay open while the cache serves
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.recordException(ServiceCircuitBreaker::unavailable)
			.build());
		this.breaker = this.registry.circuitBreaker(NAME);
		this.breaker.getEventPublisher().onStateTransition((event) -> {
			CircuitBreaker.State to = event.getStateTransition().getToState();
			if (to == CircuitBreaker.State.DISABLED) {
				return;
			}
			if (to == CircuitBreaker.State.OPEN) {
				metrics.breakerOpened();
			}
			CircuitBreaker.State from = event.getStateTransition().getFromState();
			log.log(TransitionLogLevel.of(from, to), "proxy service circuit breaker from={0} to={1} wait={2}", from,
					to, Durations.format(waitInOpenState));
		});
	}

	@Override
	public <T> Mono<T> guard(Mono<T> call) {
		return Mono.defer(() -> {
			if (!this.breaker.tryAcquirePermission()) {
				return Mono.error(new ServiceCallException(ServiceCallException.Reason.CIRCUIT_OPEN, null,
						"the circuit breaker is open after repeated failures"));
			}
			long start = System.nanoTime();
			// exactly one of success, error or release per permission, or half-open permits leak
			AtomicBoolean recorded = new AtomicBoolean();
			return call.doOnSuccess((value) -> {
				if (recorded.compareAndSet(false, true)) {
					this.breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
				}
			}).doOnError((error) -> {
				if (recorded.compareAndSet(false, true)) {
					this.breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error);
				}
			}).doOnCancel(() -> {
				if (recorded.compareAndSet(false, true)) {
					this.breaker.releasePermission();
				}
			});
		});
	}

	/** Whether the call found the service unavailable: any error but an answer it gave. */
	private static boolean unavailable(Throwable error) {
		return !(error instanceof ServiceCallException failure) || failure.reason().transientFailure();
	}

	@Override
	public boolean isOpen() {
		CircuitBreaker.State state = this.breaker.getState();
		return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
	}

	@Override
	public boolean isHalfOpen() {
		return this.breaker.getState() == CircuitBreaker.State.HALF_OPEN;
	}

	/** The breaker, for operators and tests. */
	public CircuitBreaker breaker() {
		return this.breaker;
	}

	/** A registry that holds the breaker alone, to publish it through Resilience4j's meters. */
	public CircuitBreakerRegistry registry() {
		return this.registry;
	}

	/** Disables the breaker, which cancels its pending automatic transition. */
	@Override
	public void close() {
		this.breaker.transitionToDisabledState();
	}

}
