package io.cryptofeed.proxy.netty;

import java.time.Duration;

/**
 * How connections through pools are made.
 *
 * @param connectTimeout bound on the TCP connect to a proxy
 * @param handshakeTimeout bound on the proxy handshake (CONNECT or SOCKS), which is what
 * catches a hung proxy: it accepts TCP at once and never answers
 * @param maxAttempts members tried for one connection, never more than the pool's enabled members
 * @param retryIdempotent whether a GET, HEAD or OPTIONS whose tunnel stalled after it was up is
 * sent once more through another member
 */
public record TransportSettings(Duration connectTimeout, Duration handshakeTimeout, int maxAttempts,
		boolean retryIdempotent) {

	public static final TransportSettings DEFAULTS = new TransportSettings(Duration.ofSeconds(1),
			Duration.ofSeconds(1), 3, true);

}
