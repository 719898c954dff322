package io.cryptofeed.proxy.actuate;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Publishes the members' circuit breakers through Resilience4j's own meters
 * ({@code resilience4j.circuitbreaker.*}, tag {@code name}: pool, index and masked URL) from
 * its creation on. The meters follow breakers as they are added to and removed from the
 * breakers' registry, so a removed member's go with its breaker.
 */
public final class CircuitBreakerMetrics {

	public CircuitBreakerMetrics(MemberCircuitBreakers breakers, MeterRegistry registry) {
		// not a MeterBinder bean, which Boot would bind a second time
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers.registry()).bindTo(registry);
	}

}
