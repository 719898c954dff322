package io.cryptofeed.proxy.netty;

import java.util.List;

/**
 * Added as suppressed to the error of a connection that went direct because a proxy had
 * failed (the proxy service's policy), and that failed once its direct connect was up (a
 * response or handshake timeout, a closed connection): names the proxy (masked) and why it
 * failed, which that error alone hid. A direct connect that fails already ends in a
 * {@link ProxyConnectFailedException} naming both.
 */
final class FailedBeforeDirect extends Exception {

	private FailedBeforeDirect(List<String> failures) {
		// no stack trace: where it was made says nothing; the entries are masked already
		super("went direct after " + failures, null, false, false);
	}

	/**
	 * Adds one to the error the caller gets, unless that error names the proxies already or has
	 * no stack trace: such an error may be one instance shared by every connection (as some of
	 * Netty's and Reactor Netty's are), and must not carry one connection's proxies to the next.
	 * A timeout the pools raised for this connection (a WebSocket's direct handshake timeout)
	 * has none either, but is made afresh for it, so it takes one.
	 */
	static void addTo(Throwable delivered, List<String> failures) {
		if (failures == null || (delivered.getStackTrace().length == 0 && !ResponseTimedOut.madeFor(delivered))) {
			return;
		}
		for (Throwable t = delivered; t != null; t = t.getCause()) {
			if (t instanceof ProxyConnectFailedException || t.getCause() == t) {
				return;
			}
		}
		delivered.addSuppressed(new FailedBeforeDirect(failures));
	}

}
