package io.cryptofeed.proxy.service;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.cryptofeed.proxy.core.ConnectionType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the cache keeps of the service's answers while requests name ever more exchanges. */
class AnswerCacheTests {

	private final AtomicLong nanos = new AtomicLong();

	private final AnswerCache cache = new AnswerCache(this.nanos::get);

	/**
	 * The exchange ids come from requests, which may name any (a symbol, a request id set by
	 * mistake): each one's answer stayed for good. Past the bound, expired answers whose
	 * forgetting changes nothing go; a {@code fail} or {@code direct_connection} stays, since
	 * forgetting it would let a connection fall back to the embedded pools or go direct.
	 */
	@Test
	void expiredAnswersOfEverMoreExchangesAreForgottenButNotAPolicyThatWouldChange() {
		this.cache.put(key("binance"), null, FallbackPolicy.FAIL, Duration.ofSeconds(60));
		this.cache.put(key("kraken"), null, FallbackPolicy.DIRECT_CONNECTION, Duration.ofSeconds(60));
		for (int i = 0; i < 4 * AnswerCache.KEYS_KEPT; i++) {
			this.nanos.addAndGet(Duration.ofSeconds(61).toNanos());
			this.cache.put(key("request-" + i), null, FallbackPolicy.EMBEDDED_FALLBACK, Duration.ofSeconds(60));
			this.cache.putPolicy(key("unusable-" + i), FallbackPolicy.EMBEDDED_FALLBACK);
		}

		assertThat(this.cache.size()).isLessThanOrEqualTo(AnswerCache.KEYS_KEPT);
		assertThat(this.cache.lastPolicy(key("binance"))).isEqualTo(FallbackPolicy.FAIL);
		assertThat(this.cache.lastPolicy(key("kraken"))).isEqualTo(FallbackPolicy.DIRECT_CONNECTION);
		String latest = "request-" + (4 * AnswerCache.KEYS_KEPT - 1);
		assertThat(this.cache.fresh(key(latest))).isNotNull();
	}

	/** Held refusals of ever more exchanges, none with a policy of its own, go as well once no longer held. */
	@Test
	void heldAnswersThatCannotBeUsedOfEverMoreExchangesAreForgottenOnceNoLongerHeld() {
		ServiceCallException refused = new ServiceCallException(ServiceCallException.Reason.UNAUTHORIZED, null,
				"HTTP 401");
		for (int i = 0; i < 4 * AnswerCache.KEYS_KEPT; i++) {
			this.nanos.addAndGet(Duration.ofSeconds(11).toNanos());
			this.cache.putUnusable(key("refused-" + i), refused, Duration.ofSeconds(10));
		}

		assertThat(this.cache.size()).isLessThanOrEqualTo(AnswerCache.KEYS_KEPT);
		assertThat(this.cache.fresh(key("refused-" + (4 * AnswerCache.KEYS_KEPT - 1))).unusable()).isSameAs(refused);
	}

	private static AnswerCache.Key key(String exchange) {
		return new AnswerCache.Key(exchange, ConnectionType.HTTP);
	}

}
