package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;
import java.util.Objects;

import io.cryptofeed.proxy.core.Durations;

/**
 * At most {@code max} uses of one member for one exchange within any {@code window}: a spent
 * use comes back one window after it was spent. A use is a selection: on a websocket pool a
 * connect (each session opens its own connection), on an http pool a request (connections
 * are kept alive and reused, and exchanges limit requests per address).
 *
 * @param max uses allowed within a window, at least 1
 * @param window the sliding window, positive
 */
public record Budget(int max, Duration window) {

	public Budget {
		Objects.requireNonNull(window, "window");
		if (max < 1) {
			throw new IllegalArgumentException("max must be at least 1, but was " + max);
		}
		if (window.isZero() || window.isNegative()) {
			throw new IllegalArgumentException("window must be positive, but was " + Durations.format(window));
		}
	}

	@Override
	public String toString() {
		return this.max + " per " + Durations.format(this.window);
	}

}
