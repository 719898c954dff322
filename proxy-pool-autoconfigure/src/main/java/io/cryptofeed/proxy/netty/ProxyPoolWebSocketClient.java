package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyAttributes;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;

/**
 * WebSocket sessions through the pools. A session holds its member's lease until it closes,
 * so least-connections balances open sessions. Name the exchange with the
 * {@link ProxyAttributes#EXCHANGE} context key, or let the host patterns find it.
 */
public final class ProxyPoolWebSocketClient implements WebSocketClient {

	private final ProxyPoolHttpClients clients;

	private final ReactorNettyWebSocketClient delegate;

	/**
	 * Sessions whose frame limit and compression are the pools' settings at the time each
	 * opens ({@code cryptofeed.proxy.websocket-client.*}), so that a reload applies to the next
	 * session.
	 */
	public ProxyPoolWebSocketClient(ProxyPoolHttpClients clients, HttpClient httpClient) {
		this(clients, httpClient, () -> spec(clients.settings().webSocketClient()));
	}

	/**
	 * Sessions with a WebSocket spec of the caller's (frame limit, compression, subprotocols),
	 * asked for at each session.
	 */
	public ProxyPoolWebSocketClient(ProxyPoolHttpClients clients, HttpClient httpClient,
			Supplier<WebsocketClientSpec.Builder> spec) {
		this.clients = clients;
		this.delegate = new ReactorNettyWebSocketClient(clients.apply(httpClient, ConnectionType.WEBSOCKET), spec);
	}

	private static WebsocketClientSpec.Builder spec(TransportSettings.WebSocketClientSettings settings) {
		return WebsocketClientSpec.builder()
			.maxFramePayloadLength(settings.maxFramePayloadLength())
			.compress(settings.compress());
	}

	@Override
	public Mono<Void> execute(URI url, WebSocketHandler handler) {
		return execute(url, new HttpHeaders(), handler);
	}

	@Override
	public Mono<Void> execute(URI url, HttpHeaders headers, WebSocketHandler handler) {
		// an internationalized host name goes on in ASCII: Reactor Netty opens no session to it
		URI target = AsciiTargetHost.asciiUri(url);
		// the session's leases are released when execute completes or the session's connection
		// closes, whichever comes first (a handler's Mono may outlive its session)
		return this.clients.withFailover(ConnectionType.WEBSOCKET,
				() -> this.delegate.execute(target, headers, handler));
	}

}
