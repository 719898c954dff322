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
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.socket.client.WebSocketClient;

/**
 * Says at startup which WebSocket client beans of the application go direct although
 * WebSocket connections have a pool (or the proxy service): a reactive {@link WebSocketClient}
 * bean that took the pooled one's place while nothing in the application built a WebSocket
 * client on the pools (one built on {@code ProxyPoolWebSocketClient} or
 * {@code ProxyPoolHttpClients.apply} is pooled and named in no warning), and any WebSocket
 * client bean of the servlet stack ({@code spring-websocket}), which cannot be pooled.
 */
final class UnpooledWebSocketClientWarning implements SmartInitializingSingleton {

	private static final Log log = LogFactory.getLog(UnpooledWebSocketClientWarning.class);

	static final String SERVLET_CLIENT = "org.springframework.web.socket.client.WebSocketClient";

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
		if (!this.pools.hasPoolFor(ConnectionType.WEBSOCKET) && this.source.getIfUnique() == null) {
			return;
		}
		// made before the pools are asked: a lazy client (spring.main.lazy-initialization) is
		// built, on the pools or not, only now
		Map<String, WebSocketClient> reactive = this.beans.getBeansOfType(WebSocketClient.class, false, false);
		if (!this.clients.applied(ConnectionType.WEBSOCKET)) {
			warnOfEach(reactive, "it took the place of the pooled WebSocketClient; remove it, or build "
					+ "it as new ProxyPoolWebSocketClient(proxyPoolHttpClients, proxyPoolHttpClients.newHttpClient()) (for larger "
					+ "frames, set cryptofeed.proxy.websocket-client.max-frame-payload-length instead)");
		}
		ClassLoader classLoader = getClass().getClassLoader();
		if (ClassUtils.isPresent(SERVLET_CLIENT, classLoader)) {
			Class<?> servletClient = ClassUtils.resolveClassName(SERVLET_CLIENT, classLoader);
			warnOfEach(this.beans.getBeansOfType(servletClient, false, false),
					"the servlet stack's WebSocket clients cannot be pooled; open the sessions with the pooled "
							+ "reactive WebSocketClient bean instead");
		}
	}

	private static void warnOfEach(Map<String, ?> clients, String why) {
		clients.forEach((name, client) -> log.warn("proxy pools: WebSocket sessions of the bean '" + name + "' ("
				+ client.getClass().getSimpleName() + ") go direct, not through the pools: " + why));
	}

}
