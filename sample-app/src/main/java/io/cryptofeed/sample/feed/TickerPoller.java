package io.cryptofeed.sample.feed;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.core.ProxyAttributes;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Polls one exchange's REST ticker with a plain {@link WebClient}: nothing here knows about
 * proxies, except that an exchange whose host matches no {@code hosts} pattern is named on the
 * request.
 */
final class TickerPoller {

	private static final Log logger = LogFactory.getLog(TickerPoller.class);

	private final String exchange;

	private final FeedProperties.Exchange settings;

	private final WebClient webClient;

	private final FeedStats stats;

	/** Only touched by the one poll running at a time. */
	private boolean failing;

	TickerPoller(String exchange, FeedProperties.Exchange settings, WebClient webClient, FeedStats stats) {
		this.exchange = exchange;
		this.settings = settings;
		this.webClient = webClient;
		this.stats = stats;
	}

	Disposable start() {
		// a poll that takes longer than the interval makes the next ticks drop, not queue up
		return Flux.interval(this.settings.getPollInterval())
			.onBackpressureDrop()
			.concatMap((tick) -> poll(), 1)
			.subscribe();
	}

	private Mono<Void> poll() {
		return this.webClient.get()
			.uri(this.settings.getTickerUrl())
			.attributes((attributes) -> {
				if (this.settings.isNameExchange()) {
					attributes.put(ProxyAttributes.EXCHANGE, this.exchange);
				}
			})
			.retrieve()
			.bodyToMono(JsonNode.class)
			.doOnNext(this::answered)
			.doOnError(this::failed)
			.onErrorComplete()
			.then();
	}

	private void answered(JsonNode ticker) {
		this.stats.polled(ticker.at(this.settings.getPricePointer()).asString());
		if (this.failing) {
			this.failing = false;
			logger.info("feed: exchange=" + this.exchange + " ticker answers again");
		}
	}

	private void failed(Throwable error) {
		this.stats.pollFailed();
		if (!this.failing) {
			// once per episode, not per request; the summary counts them
			this.failing = true;
			logger.warn("feed: exchange=" + this.exchange + " ticker request failed: " + error.getMessage());
		}
	}

}
