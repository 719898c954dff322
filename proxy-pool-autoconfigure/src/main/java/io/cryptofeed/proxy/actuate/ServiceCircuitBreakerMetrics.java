package io.cryptofeed.proxy.actuate;

import io.cryptofeed.proxy.service.ServiceCircuitBreaker;
import io.cryptofeed.proxy.service.ServiceGuard;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Publishes the proxy service's circuit breaker through Resilience4j's own meters
 * ({@code resilience4j.circuitbreaker.*}, tag {@code name}: {@code proxy-service}), as the
 * members' are: whether it is open now, and its failure rate on the way there. A guard of the
 * application's own, or no registry, publishes nothing.
 */
public final class ServiceCircuitBreakerMetrics {

	public ServiceCircuitBreakerMetrics(ServiceGuard guard, MeterRegistry registry) {
		if (guard instanceof ServiceCircuitBreaker breaker && registry != null) {
			// not a MeterBinder bean, which Boot would bind a second time
			TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breaker.registry()).bindTo(registry);
		}
	}

}
