package io.cryptofeed.proxy.netty;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;

/**
 * A WebSocket handshake the exchange refused arrives as an error, not as an answer: its
 * status is handed to the attempt like any answer's (see {@link AttemptObserver}), so a rate
 * limit, ban or geo-block puts the member to rest for the request's exchange.
 */
final class ExchangeAnswers {

	private ExchangeAnswers() {
	}

	/**
	 * Whether the error is a WebSocket handshake that the exchange answered with a status
	 * through the attempt's member; the new tunnel counts as a success of the member, as an
	 * HTTP answer's does, and the status is recorded like any answer's.
	 * @return whether that status put the member to rest
	 */
	static boolean refusedHandshake(ConnectAttempt attempt, Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t instanceof WebSocketClientHandshakeException handshake && handshake.response() != null) {
				HttpResponse response = handshake.response();
				attempt.tunnelUp();
				attempt.responded(response.status().code(), response.headers());
				return attempt.takeCooldown();
			}
		}
		return false;
	}

}
