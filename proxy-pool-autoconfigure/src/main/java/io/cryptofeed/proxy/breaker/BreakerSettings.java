package io.cryptofeed.proxy.breaker;

import java.time.Duration;

/**
 * How a member's circuit breaker judges it.
 *
 * @param failureRateThreshold percentage of failed connects, among the last
 * {@code slidingWindowSize}, that opens the breaker
 * @param slidingWindowSize connect outcomes remembered per member
 * @param minimumNumberOfCalls outcomes needed before the rate is judged
 * @param waitDurationInOpenState how long an open breaker keeps its member out before trial connects
 * @param permittedCallsInHalfOpenState trial connects that decide between closing and reopening
 */
public record BreakerSettings(int failureRateThreshold, int slidingWindowSize, int minimumNumberOfCalls,
		Duration waitDurationInOpenState, int permittedCallsInHalfOpenState) {

	public static final BreakerSettings DEFAULTS = new BreakerSettings(50, 10, 5, Duration.ofSeconds(30), 2);

}
