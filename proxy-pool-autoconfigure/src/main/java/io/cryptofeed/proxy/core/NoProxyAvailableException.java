package io.cryptofeed.proxy.core;

/**
 * No member of a pool can take a new connection (all drained, or all already tried; see
 * {@link io.cryptofeed.proxy.core.ratelimit.PoolRateLimitedException} for members resting for an
 * exchange).
 */
public class NoProxyAvailableException extends RuntimeException {

	private final PoolKey pool;

	/** Public for the exchange limits (package {@code core.ratelimit}); applications catch it, not throw it. */
	public NoProxyAvailableException(PoolKey pool, String reason) {
		super("proxy pool " + pool + ": " + reason);
		this.pool = pool;
	}

	public PoolKey pool() {
		return this.pool;
	}

}
