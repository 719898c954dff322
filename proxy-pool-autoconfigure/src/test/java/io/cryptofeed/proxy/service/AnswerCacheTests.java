package io.cryptofeed.proxy.service;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.netty.ProxyChoice;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the cache keeps of the service's answers while requests name ever more exchanges. */
class AnswerCacheTests {

	private final AtomicLong nanos = new AtomicLong();

	/** What each sweep forgot of the policies that decide a connection. */
	private final List<Integer> policiesForgotten = new CopyOnWriteArrayList<>();

	private final AnswerCache cache = new AnswerCache(this.nanos::get, this.policiesForgotten::add);

	private static final ProxyChoice.Feedback NO_FEEDBACK = new ProxyChoice.Feedback() {

		@Override
		public void connected(Duration elapsed) {
		}

		@Override
		public void failed(Duration elapsed, Throwable cause) {
		}

	};

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

	/**
	 * A service that answers {@code fail} for every id a request names kept each policy for
	 * good, expired or not: the cache grew without bound. Past its hard bound the longest
	 * expired go, whatever their policy, and each sweep says how many policies it forgot; the
	 * latest answers stay.
	 */
	@Test
	void everMoreExchangesAnsweredFailAreForgottenPastTheHardBound() {
		int hardBound = AnswerCache.KEYS_AT_MOST;
		int largest = 0;
		for (int i = 0; i < 3 * hardBound; i++) {
			this.nanos.addAndGet(Duration.ofSeconds(61).toNanos());
			this.cache.put(key("request-" + i), null, FallbackPolicy.FAIL, Duration.ofSeconds(60));
			largest = Math.max(largest, this.cache.size());
		}

		assertThat(largest).isLessThanOrEqualTo(hardBound);
		String latest = "request-" + (3 * hardBound - 1);
		assertThat(this.cache.fresh(key(latest)).policy()).isEqualTo(FallbackPolicy.FAIL);
		assertThat(this.cache.lastPolicy(key("request-" + (3 * hardBound - 2)))).isEqualTo(FallbackPolicy.FAIL);
		assertThat(this.cache.lastPolicy(key("request-0"))).isNull();
		assertThat(this.policiesForgotten).contains(hardBound / 2)
			.hasSizeGreaterThan(2)
			.allSatisfy((forgotten) -> assertThat(forgotten).isLessThanOrEqualTo(hardBound / 2));
	}

	/** Forgetting a fresh answer only costs a round trip: the longest expired go first, whatever their policy. */
	@Test
	void pastTheHardBoundTheLongestExpiredGoBeforeTheFreshOnes() {
		int pairs = AnswerCache.KEYS_AT_MOST / 2;
		for (int i = 0; i < pairs; i++) {
			this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
			this.cache.put(key("fresh-" + i), null, FallbackPolicy.DIRECT_CONNECTION, Duration.ofHours(1));
			this.cache.putPolicy(key("expired-" + i), FallbackPolicy.FAIL);
		}
		assertThat(this.cache.size()).isEqualTo(AnswerCache.KEYS_AT_MOST);
		assertThat(this.policiesForgotten).containsOnly(0);

		this.cache.put(key("latest"), null, FallbackPolicy.FAIL, Duration.ofSeconds(60));

		assertThat(this.cache.size()).isEqualTo(pairs + 1);
		assertThat(this.cache.lastPolicy(key("expired-" + (pairs - 1)))).isNull();
		assertThat(this.cache.fresh(key("fresh-0"))).isNotNull();
		assertThat(this.policiesForgotten).last().isEqualTo(AnswerCache.KEYS_AT_MOST / 2);
	}

	/**
	 * A limited answer drops the answer it came through, and only that one: a newer answer
	 * stays, even one naming the same proxy, and the policy of the dropped one is kept.
	 */
	@Test
	void evictingAnAnswerLeavesANewerOneForTheSameProxyAndKeepsThePolicy() {
		ProxyEndpoint proxy = ProxyEndpoint.parse("socks5://10.0.0.6:1080");
		ProxyChoice older = ProxyChoice.proxy(proxy, ProxyChoice.direct(), NO_FEEDBACK);
		ProxyChoice newer = ProxyChoice.proxy(proxy, ProxyChoice.direct(), NO_FEEDBACK);
		this.cache.put(key("binance"), newer, FallbackPolicy.FAIL, Duration.ofSeconds(60));
		this.cache.evictAnswer(key("binance"), older);
		assertThat(this.cache.fresh(key("binance")).choice()).isSameAs(newer);

		this.cache.evictAnswer(key("binance"), newer);
		assertThat(this.cache.fresh(key("binance"))).isNull();
		assertThat(this.cache.askedForEachConnection(key("binance"))).isFalse();
		assertThat(this.cache.lastPolicy(key("binance"))).isEqualTo(FallbackPolicy.FAIL);
	}

	/**
	 * A proxy that failed is forgotten where the exchange's answer names it, policy kept; a newer
	 * answer naming the same address with other credentials (rotated meanwhile) is another proxy
	 * and stays, and so do the answers of other exchanges and connection types naming it: a
	 * connection through each tells of its own failure.
	 */
	@Test
	void evictingAFailedProxyLeavesItsOtherCredentialsAndTheOtherExchangesAnswers() {
		ProxyEndpoint failed = ProxyEndpoint.parse("socks5://feed:old@10.0.0.6:1080");
		ProxyEndpoint rotated = ProxyEndpoint.parse("socks5://feed:new@10.0.0.6:1080");
		ProxyChoice rotatedAnswer = ProxyChoice.proxy(rotated, ProxyChoice.direct(), NO_FEEDBACK);
		ProxyChoice sameProxy = ProxyChoice.proxy(failed, ProxyChoice.direct(), NO_FEEDBACK);
		AnswerCache.Key websocket = new AnswerCache.Key("binance", ConnectionType.WEBSOCKET);
		this.cache.put(key("binance"), rotatedAnswer, FallbackPolicy.FAIL, Duration.ofSeconds(60));
		this.cache.put(key("kraken"), sameProxy, FallbackPolicy.EMBEDDED_FALLBACK, Duration.ofSeconds(60));
		this.cache.put(websocket, sameProxy, FallbackPolicy.EMBEDDED_FALLBACK, Duration.ofSeconds(60));

		this.cache.evict(key("binance"), failed);
		assertThat(this.cache.fresh(key("binance")).choice()).isSameAs(rotatedAnswer);
		assertThat(this.cache.fresh(key("kraken")).choice()).isSameAs(sameProxy);
		assertThat(this.cache.fresh(websocket).choice()).isSameAs(sameProxy);

		this.cache.evict(key("binance"), rotated);
		assertThat(this.cache.fresh(key("binance"))).isNull();
		assertThat(this.cache.lastPolicy(key("binance"))).isEqualTo(FallbackPolicy.FAIL);
	}

	private static AnswerCache.Key key(String exchange) {
		return new AnswerCache.Key(exchange, ConnectionType.HTTP);
	}

}
