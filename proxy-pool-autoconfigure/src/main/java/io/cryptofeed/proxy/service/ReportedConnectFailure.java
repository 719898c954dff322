package io.cryptofeed.proxy.service;

/** A failed connect through a member as a client reported it, for the member's breaker. */
final class ReportedConnectFailure extends Exception {

	ReportedConnectFailure(String clientId, String details) {
		super("reported by client " + clientId + ": " + ((details != null) ? details : "no details"), null, false,
				false);
	}

}
