package io.cryptofeed.proxy.breaker;

import java.time.Duration;
import java.util.Objects;

import io.cryptofeed.proxy.core.Durations;

/**
 * How a member's circuit breaker judges it.
 *
 * @param failureRateThreshold percentage of failed connects, among the last
 * {@code slidingWindowSize}, that opens the breaker
 * @param slidingWindowSize connect outcomes remembered per member
 * @param minimumNumberOfCalls outcomes needed before the rate is judged
 * @param waitDurationInOpenState how long an open breaker keeps its member out before trial connects
 * @param permittedCallsInHalfOpenState trial connects that decide between closing and reopening
 * @throws IllegalArgumentException for a value the configuration would refuse too, since a
 * bean that builds its own settings skips the configuration's checks and Resilience4j would
 * refuse the value later, once a reload that carries it has begun
 */
public record BreakerSettings(int failureRateThreshold, int slidingWindowSize, int minimumNumberOfCalls,
		Duration waitDurationInOpenState, int permittedCallsInHalfOpenState) {

	public static final BreakerSettings DEFAULTS = new BreakerSettings(50, 10, 5, Duration.ofSeconds(30), 2);

	/**
	 * The most outcomes a window may hold: Resilience4j makes a slot per outcome up front, for
	 * each member's window at start-up and for its trials each time it goes half-open, so a
	 * huge value ran the heap out there, not at the configuration's check. 10 000 slots are
	 * about half a megabyte per member.
	 */
	public static final int MAX_OUTCOMES = 10_000;

	public BreakerSettings {
		if (failureRateThreshold < 1 || failureRateThreshold > 100) {
			throw new IllegalArgumentException(
					"failureRateThreshold must be a percentage from 1 to 100, but was " + failureRateThreshold);
		}
		outcomes("slidingWindowSize", slidingWindowSize);
		atLeastOne("minimumNumberOfCalls", minimumNumberOfCalls);
		if (minimumNumberOfCalls > slidingWindowSize) {
			// Resilience4j would judge after a full window without a word, as the configuration says
			throw new IllegalArgumentException("minimumNumberOfCalls must be at most slidingWindowSize ("
					+ slidingWindowSize + "), but was " + minimumNumberOfCalls);
		}
		outcomes("permittedCallsInHalfOpenState", permittedCallsInHalfOpenState);
		Objects.requireNonNull(waitDurationInOpenState, "waitDurationInOpenState");
		String problem = Durations.timerProblem(waitDurationInOpenState);
		if (problem != null) {
			throw new IllegalArgumentException(
					"waitDurationInOpenState " + problem + ", but was " + Durations.format(waitDurationInOpenState));
		}
	}

	private static void outcomes(String name, int value) {
		atLeastOne(name, value);
		if (value > MAX_OUTCOMES) {
			throw new IllegalArgumentException(name + " must be at most " + MAX_OUTCOMES + ", but was " + value);
		}
	}

	private static void atLeastOne(String name, int value) {
		if (value < 1) {
			throw new IllegalArgumentException(name + " must be at least 1, but was " + value);
		}
	}

}
