package io.cryptofeed.proxy.service;

import java.time.Duration;

/**
 * What the proxy service client counts. Micrometer's meters come from
 * {@link MicrometerServiceMetrics} when Micrometer is present; nothing is recorded otherwise.
 */
public interface ServiceMetrics {

	/** Records nothing. */
	ServiceMetrics NONE = new ServiceMetrics() {
	};

	/** The service answered. */
	default void requestSucceeded(Duration elapsed) {
	}

	/**
	 * A call failed, or was not made because the breaker is open.
	 * @param reason the reason's id, e.g. {@code timeout}
	 */
	default void requestFailed(String reason, Duration elapsed) {
	}

	/** A connection used an unexpired answer instead of asking the service. */
	default void cached() {
	}

	/** The service's circuit breaker opened. */
	default void breakerOpened() {
	}

	/**
	 * A connection fell back because the service gave no proxy for it.
	 * @param to {@code embedded}, {@code direct} or {@code fail}
	 */
	default void fallbackUsed(String to) {
	}

	/** A feedback report was sent. */
	default void feedbackSent() {
	}

	/** A feedback report was dropped: the queue was full, or the service refused it for good. */
	default void feedbackDropped() {
	}

}
