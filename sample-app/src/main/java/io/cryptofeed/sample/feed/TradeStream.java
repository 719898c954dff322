package io.cryptofeed.sample.feed;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.core.ProxyAttributes;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.WebSocketClient;

/**
 * Follows one exchange's trade stream with the application's {@link WebSocketClient}, and
 * connects again whenever the exchange ends the session (exchanges do, Binance every 24 hours)
 * or it breaks: a feed handler's stream must never stop.
 */
final class TradeStream {

	private static final Log logger = LogFactory.getLog(TradeStream.class);

	private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

	private final String exchange;

	private final FeedProperties.Exchange settings;

	private final WebSocketClient client;

	private final FeedStats stats;

	TradeStream(String exchange, FeedProperties.Exchange settings, WebSocketClient client, FeedStats stats) {
		this.exchange = exchange;
		this.settings = settings;
		this.client = client;
		this.stats = stats;
	}

	Disposable start() {
		return Mono.defer(this::session)
			.doOnError(this::failed)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_BACKOFF).maxBackoff(MAX_BACKOFF))
			.repeat()
			.subscribe();
	}

	private Mono<Void> session() {
		return this.client.execute(this.settings.getTradesUrl(), this::follow).contextWrite((context) -> {
			// the WebSocket client reads the exchange from the Reactor context
			return this.settings.isNameExchange() ? context.put(ProxyAttributes.EXCHANGE, this.exchange) : context;
		});
	}

	private Mono<Void> follow(WebSocketSession session) {
		this.stats.sessionOpened();
		logger.info("feed: exchange=" + this.exchange + " trade stream open");
		String subscribe = this.settings.getSubscribeMessage();
		Mono<Void> subscribed = (subscribe != null && !subscribe.isBlank())
				? session.send(Mono.just(session.textMessage(subscribe))) : Mono.empty();
		return subscribed.thenMany(session.receive().doOnNext((message) -> this.stats.trade()))
			// the exchange may have closed it, or the pool, whose member froze (its own WARN says so)
			.then(Mono.fromRunnable(
					() -> logger.info("feed: exchange=" + this.exchange + " trade stream ended, reconnecting")));
	}

	private void failed(Throwable error) {
		this.stats.sessionFailed();
		logger.warn("feed: exchange=" + this.exchange + " trade stream failed, reconnecting: " + error);
	}

}
