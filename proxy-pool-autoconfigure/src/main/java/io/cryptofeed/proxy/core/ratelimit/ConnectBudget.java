package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code maxConnects} new connections through one member to one exchange within any
 * {@code window}: a spent connect comes back one window after it was spent.
 *
 * @param maxConnects connects allowed within a window, at least 1
 * @param window the sliding window, positive
 */
public record ConnectBudget(int maxConnects, Duration window) {

	public ConnectBudget {
		Objects.requireNonNull(window, "window");
		if (maxConnects < 1) {
			throw new IllegalArgumentException("maxConnects must be at least 1, but was " + maxConnects);
		}
		if (window.isZero() || window.isNegative()) {
			throw new IllegalArgumentException("window must be positive, but was " + window);
		}
	}

	@Override
	public String toString() {
		return this.maxConnects + " per " + this.window;
	}

}
