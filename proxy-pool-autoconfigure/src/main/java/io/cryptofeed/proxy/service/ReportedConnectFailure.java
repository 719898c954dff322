package io.cryptofeed.proxy.service;

import io.cryptofeed.proxy.core.LogText;

/**
 * A failed connect through a member as a client reported it, for the member's breaker. The
 * caller's text comes on one line, cut and with credentials masked: an application's own
 * {@code ProxyOutcomes} may log the message.
 */
final class ReportedConnectFailure extends Exception {

	private static final int MAX_CLIENT_ID = 128;

	private static final int MAX_DETAILS = 512;

	ReportedConnectFailure(String clientId, String details) {
		super("reported by client " + quoted(clientId, MAX_CLIENT_ID) + ": "
				+ ((details != null) ? quoted(details, MAX_DETAILS) : "no details"), null, false, false);
	}

	private static String quoted(String text, int maxChars) {
		return LogText.oneLine(UntrustedText.excerpt(text, maxChars));
	}

}
