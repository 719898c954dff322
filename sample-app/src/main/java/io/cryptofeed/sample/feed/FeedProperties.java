package io.cryptofeed.sample.feed;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The exchanges this feed follows. */
@ConfigurationProperties("feed")
public class FeedProperties {

	/** Time between two activity summaries in the log. */
	private Duration summaryInterval = Duration.ofSeconds(10);

	/** Exchanges by id; the id is also the exchange named to the proxy pools. */
	private final Map<String, Exchange> exchanges = new LinkedHashMap<>();

	public Duration getSummaryInterval() {
		return this.summaryInterval;
	}

	public void setSummaryInterval(Duration summaryInterval) {
		this.summaryInterval = summaryInterval;
	}

	public Map<String, Exchange> getExchanges() {
		return this.exchanges;
	}

	/** One exchange: a REST ticker polled and a trade stream followed. */
	public static class Exchange {

		/** The REST ticker polled, e.g. https://api.binance.com/api/v3/ticker/price?symbol=BTCUSDT. */
		private URI tickerUrl;

		/** Time between two ticker requests. */
		private Duration pollInterval = Duration.ofSeconds(1);

		/** JSON pointer to the price in the ticker's answer. */
		private String pricePointer = "/price";

		/** The trade stream, e.g. wss://stream.binance.com:9443/ws/btcusdt@trade. */
		private URI tradesUrl;

		/** A text message sent when the stream opens, for exchanges that subscribe by message. */
		private String subscribeMessage;

		/**
		 * Whether requests name this exchange ({@code ProxyAttributes.EXCHANGE}) instead of
		 * leaving it to the {@code hosts} patterns of {@code cryptofeed.proxy.exchanges}.
		 */
		private boolean nameExchange;

		public URI getTickerUrl() {
			return this.tickerUrl;
		}

		public void setTickerUrl(URI tickerUrl) {
			this.tickerUrl = tickerUrl;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public String getPricePointer() {
			return this.pricePointer;
		}

		public void setPricePointer(String pricePointer) {
			this.pricePointer = pricePointer;
		}

		public URI getTradesUrl() {
			return this.tradesUrl;
		}

		public void setTradesUrl(URI tradesUrl) {
			this.tradesUrl = tradesUrl;
		}

		public String getSubscribeMessage() {
			return this.subscribeMessage;
		}

		public void setSubscribeMessage(String subscribeMessage) {
			this.subscribeMessage = subscribeMessage;
		}

		public boolean isNameExchange() {
			return this.nameExchange;
		}

		public void setNameExchange(boolean nameExchange) {
			this.nameExchange = nameExchange;
		}

	}

}
