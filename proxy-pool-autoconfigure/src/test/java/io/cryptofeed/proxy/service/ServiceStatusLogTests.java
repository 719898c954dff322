package io.cryptofeed.proxy.service;

import java.time.Duration;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.service.ServiceCallException.Reason;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceStatusLogTests {

	private final TestClock clock = new TestClock();

	private final ServiceStatusLog log = new ServiceStatusLog(this.clock.ticker());

	/**
	 * A service that keeps giving a proxy the exchange limits makes each answer through it
	 * limited: one WARN per proxy, exchange and type a minute, the others at DEBUG.
	 */
	@Test
	void aLimitedProxyIsOneWarningAMinutePerExchangeAndType() {
		ProxyEndpoint proxy = ProxyEndpoint.parse("socks5://feed:canary@10.0.0.6:1080");
		try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
			for (int i = 0; i < 3; i++) {
				this.log.proxyRateLimited(proxy, "binance", ConnectionType.HTTP, 429, 30L);
				this.clock.advance(Duration.ofSeconds(10));
			}
			this.log.proxyRateLimited(proxy, "binance", ConnectionType.WEBSOCKET, 418, null);
			this.log.proxyRateLimited(proxy, "bybit", ConnectionType.HTTP, 403, null);
			this.clock.advance(Duration.ofSeconds(30));
			this.log.proxyRateLimited(proxy, "binance", ConnectionType.HTTP, 429, null);

			assertThat(captured.warnings()).containsExactly(
					warning("exchange=binance type=http status=429 retry-after=30s"),
					warning("exchange=binance type=websocket status=418 retry-after=none"),
					warning("exchange=bybit type=http status=403 retry-after=none"),
					warning("exchange=binance type=http status=429 retry-after=none"));
			assertThat(captured.lines()).filteredOn((line) -> line.startsWith("FINE proxy service's proxy rate-limited"))
				.hasSize(2);
		}
	}

	/** An exchange id is the request's own text: a line break in it must not start a forged line. */
	@Test
	void anExchangeIdWithALineBreakStaysOnItsLine() {
		ProxyEndpoint proxy = ProxyEndpoint.parse("socks5://10.0.0.6:1080");
		try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
			this.log.proxyRateLimited(proxy, "binance\nWARNING forged", ConnectionType.HTTP, 429, null);
			this.log.proxyFailed(proxy, "binance\rforged", ConnectionType.HTTP, "refused", "embedded");
			assertThat(captured.warnings()).hasSize(2)
				.allSatisfy((line) -> assertThat(line).doesNotContain("\n").doesNotContain("\r"))
				.anySatisfy((line) -> assertThat(line).contains("exchange=binance\\nWARNING forged type=http"))
				.anySatisfy((line) -> assertThat(line).contains("exchange=binance\\rforged type=http"));
		}
	}

	private static String warning(String limited) {
		return "WARNING proxy service's proxy rate-limited: proxy=socks5://***@10.0.0.6:1080 " + limited
				+ "; the service is told, and the answer naming it is not reused";
	}

	@Test
	void anOutageIsOneWarningAlthoughItsBreakerLetsTrialsFailTheSameWay() {
		try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
			fail(Reason.TIMEOUT);
			for (int i = 0; i < 3; i++) {
				// open breaker, then a half-open trial that times out again
				fail(Reason.CIRCUIT_OPEN);
				fail(Reason.TIMEOUT);
			}
			assertThat(captured.warnings()).hasSize(1);

			fail(Reason.UNAUTHORIZED);
			assertThat(captured.warnings()).hasSize(2);
		}
	}

	@Test
	void anAnswerEndsTheEpisode() {
		try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
			fail(Reason.TIMEOUT);
			this.log.answered("binance", ConnectionType.HTTP);
			fail(Reason.TIMEOUT);
			assertThat(captured.warnings()).hasSize(2);
			assertThat(captured.lines()).anyMatch((line) -> line.contains("proxy service answers again"));
		}
	}

	/**
	 * The service answers, but two exchanges' answers cannot be used (a proxy URL of a scheme
	 * the transport does not speak, a malformed answer) while a third's can: one WARN for each
	 * of the two. Each of the third's answers ended the episode, and each next unusable answer
	 * (or another exchange's other reason) began one anew: a WARN and an INFO per request where
	 * their requests interleave.
	 */
	@Test
	void anExchangeWhoseAnswersCannotBeUsedIsOneWarningWhileOtherExchangesAreAnswered() {
		try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
			for (int i = 0; i < 3; i++) {
				fail(Reason.UNSUPPORTED_PROXY, "kraken");
				fail(Reason.MALFORMED, "bybit");
				this.log.answered("binance", ConnectionType.HTTP);
			}
			assertThat(captured.warnings()).hasSize(2)
				.anyMatch((line) -> line.contains("reason=unsupported_proxy") && line.contains("exchange=kraken"))
				.anyMatch((line) -> line.contains("reason=malformed") && line.contains("exchange=bybit"));
			assertThat(captured.lines()).noneMatch((line) -> line.contains("answers again"));

			this.log.answered("kraken", ConnectionType.HTTP);
			fail(Reason.MALFORMED, "bybit");
			assertThat(captured.lines()).filteredOn((line) -> line.startsWith("INFO"))
				.singleElement()
				.asString()
				.contains("proxy service answers again: exchange=kraken type=http");
			assertThat(captured.warnings()).hasSize(2);
		}
	}

	/** Nothing else logs the service's proxies: no health check, no breaker watches them. */
	@Test
	void aFailingProxyOfTheServiceIsOneWarningUntilATunnelThroughItIsUpAgain() {
		ProxyEndpoint proxy = ProxyEndpoint.parse("socks5://feed:canary-9@10.0.0.6:1080");
		ProxyEndpoint other = ProxyEndpoint.parse("http://10.0.0.7:3128");
		try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
			for (int i = 0; i < 3; i++) {
				this.log.proxyFailed(proxy, "binance", ConnectionType.HTTP, "ProxyConnectException: timeout", "direct");
			}
			this.log.proxyConnected(other);
			assertThat(captured.warnings()).singleElement()
				.isEqualTo("WARNING proxy service's proxy failed: proxy=socks5://***@10.0.0.6:1080 exchange=binance "
						+ "type=http cause=\"ProxyConnectException: timeout\" next-attempt=direct");

			this.log.proxyConnected(proxy);
			this.log.proxyFailed(proxy, "binance", ConnectionType.HTTP, "ProxyConnectException: timeout", "direct");
			assertThat(captured.warnings()).hasSize(2);
			assertThat(captured.lines()).contains("INFO proxy service's proxy connects again: proxy=socks5://***@10.0.0.6:1080")
				.noneMatch((line) -> line.contains("canary"));
		}
	}

	/** A cache that forgets at every sweep while requests name ever more exchanges is one WARN, not one per sweep. */
	@Test
	void forgottenPoliciesAreOneWarningUntilASweepForgetsNone() {
		try (CapturedLog captured = CapturedLog.of(ServiceProxySource.class)) {
			this.log.policiesForgotten(2048, "the embedded pools");
			this.log.policiesForgotten(1900, "the embedded pools");
			assertThat(captured.warnings()).singleElement()
				.asString()
				.contains("proxy service answers forgotten: the fail or direct_connection policies of 2048 exchanges",
						"at most " + AnswerCache.KEYS_AT_MOST, "embedded_fallback (the embedded pools)");
			assertThat(captured.lines()).filteredOn((line) -> line.startsWith("FINE")).hasSize(1);

			this.log.policiesForgotten(0, "the embedded pools");
			this.log.policiesForgotten(7, "the embedded pools");
			assertThat(captured.warnings()).hasSize(2);
		}
	}

	private void fail(Reason reason) {
		fail(reason, "binance");
	}

	private void fail(Reason reason, String exchange) {
		this.log.failed(new ServiceCallException(reason, "https://svc:8443", "test"), exchange, ConnectionType.HTTP,
				"embedded");
	}

}
