package io.cryptofeed.proxy.testsupport;

import java.net.URI;
import java.time.Duration;

import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.WebSocketClient;

/** WebSocket helpers of the tests. */
public final class WebSocketFrames {

	private WebSocketFrames() {
	}

	/** Opens a session, reads its first frame and closes it. */
	public static String firstFrame(WebSocketClient client, URI url, Duration wait) {
		StringBuilder first = new StringBuilder();
		client
			.execute(url,
					(session) -> session.receive()
						.map(WebSocketMessage::getPayloadAsText)
						.take(1)
						.doOnNext(first::append)
						.then())
			.block(wait);
		return first.toString();
	}

}
