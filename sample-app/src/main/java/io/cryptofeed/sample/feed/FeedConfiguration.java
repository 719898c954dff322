package io.cryptofeed.sample.feed;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;

/**
 * The feed's clients are the ones Spring Boot provides: a {@link WebClient} from the
 * auto-configured builder and the auto-configured {@link WebSocketClient}. The proxy-pool
 * starter puts its pools under both; this code does nothing for it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FeedProperties.class)
class FeedConfiguration {

	/** With {@code cryptofeed.proxy.enabled=false} there is no pooled WebSocket client: connect directly. */
	@Bean
	MarketDataFeed marketDataFeed(FeedProperties properties, WebClient.Builder webClientBuilder,
			ObjectProvider<WebSocketClient> webSocketClient) {
		return new MarketDataFeed(properties, webClientBuilder.build(),
				webSocketClient.getIfAvailable(ReactorNettyWebSocketClient::new));
	}

}
