package io.cryptofeed.proxy.autoconfigure;

import java.util.Map;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.netty.ProxySource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.web.reactive.socket.client.WebSocketClient;

/**
 * Says at startup when the application's own {@link WebSocketClient} bean took the pooled
 * one's place and nothing in the application built a WebSocket client on the pools: its
 * sessions go direct although WebSocket connections have a pool (or the proxy service).
 * A bean built on {@code ProxyPoolWebSocketClient} or {@code ProxyPoolHttpClients.apply}
 * is pooled and named in no warning.
 */
final class UnpooledWebSocketClientWarning implements SmartInitializingSingleton {

	private static final Log log = LogFactory.getLog(UnpooledWebSocketClientWarning.class);

	private final ListableBeanFactory beans;

	private final ProxyPoolHttpClients clients;

	private final ProxyPools pools;

	private final ObjectProvider<ProxySource> source;

	UnpooledWebSocketClientWarning(ListableBeanFactory beans, ProxyPoolHttpClients clients, ProxyPools pools,
			ObjectProvider<ProxySource> source) {
		this.beans = beans;
		this.clients = clients;
		this.pools = pools;
		this.source = source;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.clients.applied(ConnectionType.WEBSOCKET)
				|| (!this.pools.hasPoolFor(ConnectionType.WEBSOCKET) && this.source.getIfUnique() == null)) {
			return;
		}
		Map<String, WebSocketClient> own = this.beans.getBeansOfType(WebSocketClient.class, false, false);
		own.forEach((name, client) -> log.warn("proxy pools: WebSocket sessions of the bean '" + name + "' ("
				+ client.getClass().getSimpleName() + ") go direct, not through the pools: it took the place of the "
				+ "pooled WebSocketClient; remove it, or build it as new ProxyPoolWebSocketClient("
				+ "proxyPoolHttpClients, HttpClient.create()) (for larger frames, set "
				+ "cryptofeed.proxy.websocket-client.max-frame-payload-length instead)"));
	}

}
