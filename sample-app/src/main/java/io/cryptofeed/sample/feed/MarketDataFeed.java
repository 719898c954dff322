package io.cryptofeed.sample.feed;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.Disposable;

import org.springframework.context.SmartLifecycle;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;

/**
 * The feed: for each configured exchange a ticker poller and a trade stream, started and
 * stopped with the application.
 */
public final class MarketDataFeed implements SmartLifecycle {

	private final Map<String, FeedStats> stats = new LinkedHashMap<>();

	private final List<TickerPoller> pollers = new ArrayList<>();

	private final List<TradeStream> streams = new ArrayList<>();

	private final List<Disposable> running = new ArrayList<>();

	MarketDataFeed(FeedProperties properties, WebClient webClient, WebSocketClient webSocketClient) {
		properties.getExchanges().forEach((exchange, settings) -> {
			FeedStats stats = new FeedStats(exchange);
			this.stats.put(exchange, stats);
			if (settings.getTickerUrl() != null) {
				this.pollers.add(new TickerPoller(exchange, settings, webClient, stats));
			}
			if (settings.getTradesUrl() != null) {
				this.streams.add(new TradeStream(exchange, settings, webSocketClient, stats));
			}
		});
	}

	/** Each exchange's counters, by exchange id. */
	public Map<String, FeedStats> stats() {
		return this.stats;
	}

	@Override
	public synchronized void start() {
		this.pollers.forEach((poller) -> this.running.add(poller.start()));
		this.streams.forEach((stream) -> this.running.add(stream.start()));
	}

	@Override
	public synchronized void stop() {
		this.running.forEach(Disposable::dispose);
		this.running.clear();
	}

	@Override
	public synchronized boolean isRunning() {
		return !this.running.isEmpty();
	}

}
