package io.cryptofeed.proxy.netty;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.HttpClientState;

/**
 * Hands the status of every answer that came through a member, reused keep-alive connections
 * included, to the attempt that carried the request, so a rate limit, ban or geo-block puts
 * that member to rest for the request's exchange. A WebSocket handshake the exchange refused
 * arrives as an error instead: {@link #refusedHandshake}.
 */
final class ExchangeAnswers implements ConnectionObserver {

	@Override
	public void onStateChange(Connection connection, State newState) {
		if (newState == HttpClientState.RESPONSE_RECEIVED && connection instanceof HttpClientResponse response) {
			ConnectAttempt attempt = response.currentContextView().getOrDefault(ConnectAttempt.CONTEXT_KEY, null);
			if (attempt != null) {
				attempt.responded(response.status().code(), response.responseHeaders());
			}
		}
	}

	/**
	 * Whether the error is a WebSocket handshake that the exchange answered with a status
	 * through the attempt's member; the status is recorded like any answer's.
	 * @return whether that status put the member to rest
	 */
	static boolean refusedHandshake(ConnectAttempt attempt, Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t instanceof WebSocketClientHandshakeException handshake && handshake.response() != null) {
				HttpResponse response = handshake.response();
				attempt.responded(response.status().code(), response.headers());
				return attempt.takeCooldown();
			}
		}
		return false;
	}

}
