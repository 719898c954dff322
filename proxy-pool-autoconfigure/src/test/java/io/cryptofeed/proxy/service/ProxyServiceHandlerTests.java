package io.cryptofeed.proxy.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import io.cryptofeed.proxy.breaker.BreakerSettings;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.core.ratelimit.Budget;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicy;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The server side's endpoints on their own: who may call, what they answer, what feedback does. */
class ProxyServiceHandlerTests {

	private static final String PASSWORD = "p@ss:canary";

	private final ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP),
			PoolSpec.Origin.POOL,
			List.of(MemberSpec.of(ProxyEndpoint.parse("socks5://feed:p%40ss%3Acanary@127.0.0.1:1080")),
					MemberSpec.of(ProxyEndpoint.parse("http://127.0.0.1:3128"))),
			"round-robin", Duration.ofSeconds(30))), Map.of(), SelectionStrategies.withAdditional(List.of())::create);

	private static final String SOCKS = "socks5://feed:p%40ss%3Acanary@127.0.0.1:1080";

	private static final String HTTP = "http://127.0.0.1:3128";

	/** Any certificate does: TLS has checked it before the endpoints see the call. */
	private static final SslInfo CLIENT_CERTIFICATE = new SslInfo() {

		@Override
		public String getSessionId() {
			return "session";
		}

		@Override
		public X509Certificate[] getPeerCertificates() {
			try {
				TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
				trust.init((KeyStore) null);
				return new X509Certificate[] {
						((X509TrustManager) trust.getTrustManagers()[0]).getAcceptedIssuers()[0] };
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}

	};

	private final TestClock clock = new TestClock();

	private final RateLimits rateLimits = new RateLimits(RateLimitPolicies.DEFAULTS, this.clock, this.clock.ticker());

	private final List<String> outcomes = new CopyOnWriteArrayList<>();

	private final ProxyOutcomes recorder = new ProxyOutcomes() {

		@Override
		public void succeeded(ProxyPool pool, PoolMember member, Duration elapsed) {
			ProxyServiceHandlerTests.this.outcomes.add("ok " + member + " " + elapsed.toMillis());
		}

		@Override
		public void failed(ProxyPool pool, PoolMember member, Duration elapsed, Throwable cause) {
			ProxyServiceHandlerTests.this.outcomes.add("failed " + member + " " + cause.getMessage());
		}

	};

	@Test
	void theRightTokenOrKeyIsLetThroughAndAnythingElseGets401() {
		WebTestClient client = client(new ServiceServerSettings("tok", "key", Duration.ofSeconds(60),
				FallbackPolicy.EMBEDDED_FALLBACK));
		ask(client).header("Authorization", "Bearer tok").exchange().expectStatus().isOk();
		ask(client).header(ServiceCredentials.API_KEY_HEADER, "key").exchange().expectStatus().isOk();
		ask(client).header("Authorization", "Bearer key").exchange().expectStatus().isUnauthorized();
		ask(client).header(ServiceCredentials.API_KEY_HEADER, "tok").exchange().expectStatus().isUnauthorized();
		ask(client).header("Authorization", "Bearer tok2").exchange().expectStatus().isUnauthorized();
		ask(client).exchange().expectStatus().isUnauthorized().expectHeader().valueEquals("WWW-Authenticate", "Bearer");
	}

	@Test
	void theBearerSchemeIsReadInAnyCaseAsHttpSaysTheTokenExactly() {
		WebTestClient client = client(new ServiceServerSettings("tok", null, Duration.ofSeconds(60),
				FallbackPolicy.EMBEDDED_FALLBACK));
		ask(client).header("Authorization", "bearer tok").exchange().expectStatus().isOk();
		ask(client).header("Authorization", "BEARER tok").exchange().expectStatus().isOk();
		ask(client).header("Authorization", "Bearer TOK").exchange().expectStatus().isUnauthorized();
		ask(client).header("Authorization", "Basic tok").exchange().expectStatus().isUnauthorized();
		ask(client).header("Authorization", "tok").exchange().expectStatus().isUnauthorized();
	}

	/** HTTP separates the scheme from the token by one or more spaces; a scheme alone is no token. */
	@Test
	void theBearerTokenMayFollowMoreThanOneSpaceAndASchemeAloneIsRefused() {
		WebTestClient client = client(new ServiceServerSettings("tok", null, Duration.ofSeconds(60),
				FallbackPolicy.EMBEDDED_FALLBACK));
		ask(client).header("Authorization", "Bearer  tok").exchange().expectStatus().isOk();
		ask(client).header("Authorization", "Bearer").exchange().expectStatus().isUnauthorized();
		ask(client).header("Authorization", "Bearer ").exchange().expectStatus().isUnauthorized();
		ask(client).header("Authorization", "Bearer\ttok").exchange().expectStatus().isUnauthorized();
		ask(client).header("Authorization", "Bearertok").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void theSettingsPrintNeitherTokenNorKeyAndTheirTtlAsConfigurationWritesIt() {
		assertThat(new ServiceServerSettings("tok", "key", Duration.ofSeconds(90), FallbackPolicy.FAIL))
			.hasToString("ServiceServerSettings[token=***, apiKey=***, answerTtl=90s, fallbackPolicy=FAIL]");
	}

	@Test
	void withoutTokenAndKeyMutualTlsHasCheckedTheCaller() {
		ask(client(new ServiceServerSettings(null, null, Duration.ofSeconds(60), FallbackPolicy.FAIL))).exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.fallback_policy")
			.isEqualTo("fail");
	}

	@Test
	void withoutTokenAndKeyACallWithoutClientCertificateGets401() {
		WebTestClient plain = WebTestClient.bindToRouterFunction(new ProxyServiceHandler(this.pools,
				List.of(this.recorder), this.rateLimits, new ServiceServerSettings(null, null, Duration.ofSeconds(60),
						FallbackPolicy.FAIL)).routes())
			.build();
		ask(plain).exchange().expectStatus().isUnauthorized().expectBody().isEmpty();
		report(plain, HTTP, false, "refused").exchange().expectStatus().isUnauthorized();
		assertThat(this.outcomes).isEmpty();
	}

	@Test
	void answersRotateOverTheMembersWithTheirCredentialsEncoded() {
		WebTestClient client = open();
		String first = body(ask(client).exchange().expectBody().jsonPath("$.ttl_seconds").isEqualTo(60).returnResult());
		String second = body(ask(client).exchange().expectBody().returnResult());
		assertThat(List.of(first, second)).anySatisfy((body) -> assertThat(body)
			.contains("\"proxy_url\":\"socks5://feed:p%40ss%3Acanary@127.0.0.1:1080\""))
			.anySatisfy((body) -> assertThat(body).contains("\"proxy_url\":\"http://127.0.0.1:3128\""));
		assertThat(ProxyEndpoint.parse("socks5://feed:p%40ss%3Acanary@127.0.0.1:1080").password()).isEqualTo(PASSWORD);
	}

	@Test
	void drainedPoolsAnswerWithoutProxy() {
		ProxyPool pool = this.pools.resolve(null, ConnectionType.HTTP).orElseThrow();
		pool.members().forEach((member) -> pool.setUnavailable(member, Unavailability.DRAINED, true));
		ask(open()).exchange().expectStatus().isOk().expectBody().jsonPath("$.proxy_url").doesNotExist()
			.jsonPath("$.fallback_policy").isEqualTo("embedded_fallback")
			.jsonPath("$.ttl_seconds").isEqualTo(0)
			.jsonPath("$.metadata.reason").isEqualTo("every member of default/http is drained");
	}

	@Test
	void membersRestingForTheExchangeAreNotAnsweredAndStillServeOtherExchanges() {
		ProxyPool pool = defaultPool();
		this.rateLimits.forExchange("binance").responded(pool, pool.members().get(0), 429, null);
		WebTestClient client = open();
		for (int i = 0; i < 4; i++) {
			assertThat(proxyUrl(client, "binance")).isEqualTo(HTTP);
		}
		// the default pool's member rests for binance alone
		assertThat(List.of(proxyUrl(client, "kraken"), proxyUrl(client, "kraken"))).containsExactlyInAnyOrder(SOCKS,
				HTTP);
	}

	/**
	 * Ids match ignoring case, '-' and '_': a caller naming COINBASE_PRO, as an enum of its own
	 * spells it, goes through the limits of the exchange configured as coinbase-pro.
	 */
	@Test
	void anExchangeIdSpeltAnotherWayGoesThroughTheLimitsOfTheExchangeAsConfigured() {
		ProxyPools withCoinbase = defaultPoolWithCoinbasePro();
		ProxyPool pool = withCoinbase.resolve(null, ConnectionType.HTTP).orElseThrow();
		this.rateLimits.forExchange("coinbase-pro").responded(pool, pool.members().get(0), 429, null);
		WebTestClient client = client(withCoinbase,
				new ServiceServerSettings(null, null, Duration.ofSeconds(60), FallbackPolicy.EMBEDDED_FALLBACK),
				this.rateLimits);
		for (String named : List.of("COINBASE_PRO", "coinbasepro", "COINBASE_PRO", "Coinbase_Pro")) {
			assertThat(proxyUrl(client, named)).as(named).isEqualTo(HTTP);
		}
		assertThat(this.rateLimits.exchanges()).containsOnlyKeys("coinbase-pro");
	}

	@Test
	void aRequestWithoutExchangeUsesTheLimitsOfItsPoolsSettingsBlock() {
		ProxyPool pool = defaultPool();
		this.rateLimits.forExchange(PoolKey.DEFAULT).responded(pool, pool.members().get(1), 418, "120");
		WebTestClient client = open();
		for (int i = 0; i < 3; i++) {
			assertThat(proxyUrl(client, PoolKey.DEFAULT)).isEqualTo(SOCKS);
			assertThat(proxyUrl(client, "")).isEqualTo(SOCKS);
		}
	}

	@Test
	void whenEveryMemberRestsTheAnswerHasNoProxyTheConfiguredPolicyAndTheTimeUntilTheFirstMayServe() {
		ProxyPool pool = defaultPool();
		this.rateLimits.forExchange("binance").responded(pool, pool.members().get(0), 429, "30");
		this.rateLimits.forExchange("binance").responded(pool, pool.members().get(1), 418, "45");
		this.clock.advance(Duration.ofMillis(10_500));
		String body = body(ask(client(new ServiceServerSettings(null, null, Duration.ofSeconds(60),
				FallbackPolicy.FAIL))).exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.proxy_url").doesNotExist()
			.jsonPath("$.fallback_policy").isEqualTo("fail")
			// 19.5s until the first rest ends, rounded up
			.jsonPath("$.ttl_seconds").isEqualTo(20)
			.jsonPath("$.metadata.retry_at").isEqualTo("2026-11-02T09:00:30Z")
			.jsonPath("$.metadata.reason")
			.isEqualTo("proxy pool default/http: every available member is resting for exchange=binance "
					+ "(cooling down 2, budget spent 0); earliest retry at 2026-11-02T09:00:30Z (in 19500ms)")
			.returnResult());
		assertThat(body).doesNotContain("canary").doesNotContain("feed");
		// once the first rest is over, that member is answered again
		this.clock.advance(Duration.ofMillis(19_500));
		assertThat(proxyUrl(open(), "binance")).isEqualTo(SOCKS);
	}

	@Test
	void theRestingAnswersTtlIsAtLeastOneSecondAndAtMostTheAnswerTtl() {
		ProxyPool pool = defaultPool();
		pool.members().forEach((member) -> this.rateLimits.forExchange("binance").responded(pool, member, 429, "600"));
		WebTestClient shortTtl = client(new ServiceServerSettings(null, null, Duration.ofSeconds(15),
				FallbackPolicy.EMBEDDED_FALLBACK));
		ask(shortTtl).exchange().expectBody().jsonPath("$.proxy_url").doesNotExist().jsonPath("$.ttl_seconds")
			.isEqualTo(15);
		this.clock.advance(Duration.ofMillis(599_800));
		ask(open()).exchange().expectBody().jsonPath("$.proxy_url").doesNotExist().jsonPath("$.ttl_seconds")
			.isEqualTo(1);
	}

	/**
	 * ttl_seconds is a whole number: an answer-ttl with a fraction of a second is rounded up,
	 * since 0 means something else (ask for every connection).
	 */
	@Test
	void anAnswerTtlWithAFractionOfASecondIsRoundedUpNotDownToNoReuse() {
		ask(client(new ServiceServerSettings(null, null, Duration.ofMillis(500), FallbackPolicy.EMBEDDED_FALLBACK)))
			.exchange().expectBody().jsonPath("$.proxy_url").exists().jsonPath("$.ttl_seconds").isEqualTo(1);
		ask(client(new ServiceServerSettings(null, null, Duration.ofMillis(1500), FallbackPolicy.EMBEDDED_FALLBACK)))
			.exchange().expectBody().jsonPath("$.ttl_seconds").isEqualTo(2);
		ask(client(new ServiceServerSettings(null, null, Duration.ZERO, FallbackPolicy.EMBEDDED_FALLBACK)))
			.exchange().expectBody().jsonPath("$.ttl_seconds").isEqualTo(0);
	}

	@Test
	void eachAnswerSpendsOneUseOfTheMembersBudgetForTheExchange() {
		RateLimits oneUseAMinute = new RateLimits(new RateLimitPolicies(new RateLimitPolicy(Set.of(429), Set.of(),
				Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofHours(1), false,
				new Budget(1, Duration.ofMinutes(1)), null), Map.of()), this.clock, this.clock.ticker());
		WebTestClient client = client(new ServiceServerSettings(null, null, Duration.ofSeconds(300),
				FallbackPolicy.EMBEDDED_FALLBACK), oneUseAMinute);
		assertThat(List.of(proxyUrl(client, "binance"), proxyUrl(client, "binance")))
			.containsExactlyInAnyOrder(SOCKS, HTTP);
		this.clock.advance(Duration.ofSeconds(15));
		ask(client).exchange()
			.expectBody()
			.jsonPath("$.proxy_url").doesNotExist()
			.jsonPath("$.ttl_seconds").isEqualTo(45)
			.jsonPath("$.metadata.reason").value((reason) -> assertThat((String) reason)
				.contains("resting for exchange=binance (cooling down 0, budget spent 2)"));
		// another exchange has budgets of its own
		assertThat(proxyUrl(client, "kraken")).isIn(SOCKS, HTTP);
		this.clock.advance(Duration.ofSeconds(45));
		assertThat(proxyUrl(client, "binance")).isIn(SOCKS, HTTP);
	}

	@Test
	void feedbackReachesTheReportedMembersOutcomes() {
		WebTestClient client = open();
		report(client, "socks5://feed@127.0.0.1:1080", false, "ConnectException: refused").exchange()
			.expectStatus()
			.isAccepted();
		report(client, "http://127.0.0.1:3128", true, null).exchange().expectStatus().isAccepted();
		assertThat(this.outcomes).containsExactly("failed socks5://***@127.0.0.1:1080 reported by client feed-7: "
				+ "ConnectException: refused", "ok http://127.0.0.1:3128 12");
	}

	/**
	 * A report of the exchange's limited answer through a member rests the member for that
	 * exchange as this application's own answer would (the Retry-After it carries, else the
	 * policy's cooldown), and is no connect outcome: its breaker hears nothing.
	 */
	@Test
	void feedbackWithALimitedStatusRestsTheMemberForItsExchangeAndFeedsNoBreaker() {
		WebTestClient client = open();
		limited(client, "socks5://feed@127.0.0.1:1080", "binance", ",\"status\":418,\"retry_after_seconds\":120")
			.exchange()
			.expectStatus()
			.isAccepted();
		limited(client, HTTP, "kraken", ",\"status\":429").exchange().expectStatus().isAccepted();

		ProxyPool pool = defaultPool();
		assertThat(this.rateLimits.remainingCooldownSeconds("binance", pool.members().get(0))).isEqualTo(120);
		assertThat(this.rateLimits.remainingCooldownSeconds("kraken", pool.members().get(1)))
			.isEqualTo(RateLimitPolicy.DEFAULTS.cooldown().toSeconds());
		assertThat(this.rateLimits.stateOf(pool.members().get(0)).get("binance").lastStatus()).isEqualTo(418);
		assertThat(this.outcomes).isEmpty();
		for (int i = 0; i < 3; i++) {
			assertThat(proxyUrl(client, "binance")).isEqualTo(HTTP);
			assertThat(proxyUrl(client, "kraken")).isEqualTo(SOCKS);
		}
		assertThat(List.of(proxyUrl(client, "okx"), proxyUrl(client, "okx"))).containsExactlyInAnyOrder(SOCKS, HTTP);
	}

	/**
	 * The failure a member's outcomes hear carries the caller's text: an application's own
	 * {@code ProxyOutcomes} may log it, so it comes on one line, cut, credentials masked.
	 */
	@Test
	void aReportedFailureReachesTheOutcomesOnOneLineCutAndMasked() {
		WebTestClient client = open();
		String details = "ProxyConnectException: socks5://feed:hunter2@127.0.0.1:1080 refused\nproxy breaker: forged"
				+ "x".repeat(10_000);
		client.post().uri(ProxyFeedback.PATH).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(new ProxyFeedback(HTTP, "binance", "http", false, 12, details, "2026-11-02T08:00:00Z",
					"feed-7\r\nproxy breaker: forged" + "y".repeat(10_000)))
			.exchange().expectStatus().isAccepted();

		assertThat(this.outcomes).singleElement().satisfies((outcome) -> assertThat(outcome)
			.startsWith("failed http://127.0.0.1:3128 reported by client feed-7\\r\\nproxy breaker: forged")
			.contains(": ProxyConnectException: socks5://***@127.0.0.1:1080 refused\\nproxy breaker: forged")
			.doesNotContain("hunter2", "\n", "\r")
			.hasSizeLessThan(1_000));
	}

	/**
	 * A report naming the exchange another way (COINBASE_PRO for coinbase-pro) rests the member
	 * for the exchange as configured, by its policy; a Retry-After of centuries or beyond what a
	 * long holds is no error: the first rests the member for as long as it says, the second is
	 * read as none, so the policy decides.
	 */
	@Test
	void feedbackWithALimitedStatusFindsTheExchangeByAnySpellingAndTakesAnyRetryAfter() {
		ProxyPools withCoinbase = defaultPoolWithCoinbasePro();
		RateLimitPolicy coinbase = new RateLimitPolicy(Set.of(429), Set.of(), Duration.ofSeconds(42),
				Duration.ofMinutes(10), Duration.ofHours(1), false, null, null);
		RateLimits limits = new RateLimits(new RateLimitPolicies(RateLimitPolicy.DEFAULTS, Map.of("coinbase-pro", coinbase)),
				this.clock, this.clock.ticker());
		WebTestClient client = client(withCoinbase,
				new ServiceServerSettings(null, null, Duration.ofSeconds(60), FallbackPolicy.EMBEDDED_FALLBACK), limits);
		ProxyPool pool = withCoinbase.resolve(null, ConnectionType.HTTP).orElseThrow();

		limited(client, HTTP, "COINBASE_PRO", ",\"status\":429,\"retry_after_seconds\":" + Long.MAX_VALUE).exchange()
			.expectStatus()
			.isAccepted();
		limited(client, SOCKS, "coinbasepro", ",\"status\":429,\"retry_after_seconds\":999999999999999999")
			.exchange()
			.expectStatus()
			.isAccepted();

		assertThat(limits.exchanges()).containsOnlyKeys("coinbase-pro");
		assertThat(limits.remainingCooldownSeconds("coinbase-pro", pool.members().get(1))).isEqualTo(42.0);
		assertThat(limits.remainingCooldownSeconds("coinbase-pro", pool.members().get(0)))
			.isGreaterThan(Duration.ofDays(365 * 1000L).toSeconds());
		assertThat(proxyUrl(client, "binance")).isIn(SOCKS, HTTP);
	}

	/** A status that does not limit the exchange here changes nothing, its breaker included. */
	@Test
	void feedbackWithAStatusOutsideTheExchangesStatusesChangesNothing() {
		WebTestClient client = open();
		for (String status : new String[] { "500", "200", "-1" }) {
			limited(client, HTTP, "binance", ",\"status\":" + status + ",\"retry_after_seconds\":60").exchange()
				.expectStatus()
				.isAccepted();
		}
		assertThat(this.rateLimits.stateOf(defaultPool().members().get(1))).isEmpty();
		assertThat(this.outcomes).isEmpty();
	}

	@Test
	void feedbackAboutAnotherUserOfTheSameAddressIsTakenAndNotApplied() {
		report(open(), "socks5://other@127.0.0.1:1080", false, "refused").exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.jsonPath("$.ignored")
			.isEqualTo("the proxy is not a member of the pool for this exchange and connection type");
		assertThat(this.outcomes).isEmpty();
	}

	@Test
	void unreadableCallsAre400() {
		WebTestClient client = open();
		client.post().uri(ProxyRequest.PATH).contentType(MediaType.APPLICATION_JSON).bodyValue("{oops")
			.exchange().expectStatus().isBadRequest();
		client.post().uri(ProxyRequest.PATH).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("exchange_id", "binance", "connection_type", "udp"))
			.exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.error")
			.isEqualTo("connection_type must be http or websocket");
		report(client, "ftp://127.0.0.1:21", true, null).exchange().expectStatus().isBadRequest();
	}

	/**
	 * An exchange id the caller names is kept and printed (the {@code proxy cooldown} line, the
	 * limits kept per exchange): one that could break a log line or is longer than any id gets
	 * 400, names nothing back, and neither spends a budget nor puts a member to rest.
	 */
	@Test
	void anExchangeIdWithControlCharactersOrBeyondTheLongestIsRefused() {
		WebTestClient client = open();
		for (String exchange : new String[] { "bin\nance", "x\r\nproxy breaker: from=CLOSED to=OPEN", "bin\u2028ance",
				"b".repeat(ProxyServiceHandler.MAX_EXCHANGE_ID + 1) }) {
			client.post().uri(ProxyRequest.PATH).contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("exchange_id", exchange, "connection_type", "http"))
				.exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.error")
				.isEqualTo("exchange_id must be at most " + ProxyServiceHandler.MAX_EXCHANGE_ID
						+ " characters, none of them a control character");
			limited(client, HTTP, exchange.replace("\n", "\\n").replace("\r", "\\r"), ",\"status\":429").exchange()
				.expectStatus().isBadRequest();
		}
		assertThat(this.rateLimits.exchanges()).isEmpty();
		assertThat(this.rateLimits.stateOf(defaultPool().members().get(1))).isEmpty();
		String longest = "b".repeat(ProxyServiceHandler.MAX_EXCHANGE_ID);
		assertThat(proxyUrl(client, longest)).isIn(SOCKS, HTTP);
		limited(client, HTTP, longest, ",\"status\":429").exchange().expectStatus().isAccepted();
	}

	/**
	 * The breakers record a latency in nanoseconds: one reported beyond what those hold is
	 * recorded as the longest they do, not a 500 that drops the report.
	 */
	@Test
	void feedbackWithALatencyBeyondWhatTheBreakerRecordsStillReachesIt() {
		MemberCircuitBreakers breakers = new MemberCircuitBreakers(MemberCircuitBreakers.registry(BreakerSettings.DEFAULTS),
				this.pools);
		WebTestClient client = WebTestClient.bindToRouterFunction(new ProxyServiceHandler(this.pools, List.of(breakers),
				this.rateLimits, new ServiceServerSettings("t0ken", null, Duration.ofSeconds(60), FallbackPolicy.FAIL))
			.routes()).build();
		for (boolean success : new boolean[] { true, false }) {
			client.post().uri(ProxyFeedback.PATH).contentType(MediaType.APPLICATION_JSON).header("Authorization", "Bearer t0ken")
				.bodyValue(new ProxyFeedback(HTTP, "binance", "http", success, Long.MAX_VALUE, null, "2026-11-02T08:00:00Z",
						"feed-7"))
				.exchange().expectStatus().isAccepted();
		}
		var metrics = breakers.breakerOf(defaultPool().members().get(1)).getMetrics();
		assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(1);
		assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(1);
		breakers.close();
	}

	/** A body of another type, or none named, is refused as the protocol's other mistakes are: with what is wrong. */
	@Test
	void aBodyThatIsNotJsonIs415WithWhatIsWrong() {
		WebTestClient client = open();
		for (String path : new String[] { ProxyRequest.PATH, ProxyFeedback.PATH }) {
			client.post().uri(path).contentType(MediaType.TEXT_PLAIN).bodyValue("{\"connection_type\":\"http\"}")
				.exchange().expectStatus().isEqualTo(415).expectBody().jsonPath("$.error")
				.isEqualTo("the body must be application/json");
			client.post().uri(path).bodyValue("{\"connection_type\":\"http\"}")
				.exchange().expectStatus().isEqualTo(415).expectBody().jsonPath("$.error")
				.isEqualTo("the body must be application/json");
		}
		assertThat(this.outcomes).isEmpty();
	}

	/**
	 * A slow success is a success: connects that took a minute or more (a slow proxy, a large
	 * upload counted into the span) never open the breaker, as Resilience4j's slow-call rule
	 * would by default.
	 */
	@Test
	void slowSuccessesDoNotOpenTheBreaker() {
		MemberCircuitBreakers breakers = new MemberCircuitBreakers(MemberCircuitBreakers.registry(BreakerSettings.DEFAULTS),
				this.pools);
		WebTestClient client = WebTestClient.bindToRouterFunction(new ProxyServiceHandler(this.pools, List.of(breakers),
				this.rateLimits, new ServiceServerSettings("t0ken", null, Duration.ofSeconds(60), FallbackPolicy.FAIL))
			.routes()).build();
		for (int i = 0; i < BreakerSettings.DEFAULTS.slidingWindowSize(); i++) {
			client.post().uri(ProxyFeedback.PATH).contentType(MediaType.APPLICATION_JSON).header("Authorization", "Bearer t0ken")
				.bodyValue(new ProxyFeedback(HTTP, "binance", "http", true, Duration.ofMinutes(2).toMillis(), null,
						"2026-11-02T08:00:00Z", "feed-7"))
				.exchange().expectStatus().isAccepted();
		}
		assertThat(breakers.breakerOf(defaultPool().members().get(1)).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		breakers.close();
	}

	/**
	 * A client may hold an answer with the old password for {@code answer-ttl} after a reload
	 * rotated it, and its connect then take up to the pool's timeout: the proxy's refusals of
	 * the old one say nothing of the member as configured now, as {@link ProxyOutcomes#failed}
	 * promises, so they reach no outcome; a failure after that window, or that happened after
	 * it, does, and a success always does.
	 */
	@Test
	void failuresAClientMayHaveMetWithAPasswordAReloadReplacedReachNoOutcome() {
		WebTestClient client = open();
		this.clock.advance(Duration.ofMinutes(5));
		Instant rotated = this.clock.instant();
		this.pools.reconcile(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP), PoolSpec.Origin.POOL,
				List.of(MemberSpec.of(ProxyEndpoint.parse("socks5://feed:rotated@127.0.0.1:1080")),
						MemberSpec.of(ProxyEndpoint.parse(HTTP))),
				"round-robin", Duration.ofSeconds(30))), Map.of(), SelectionStrategies.withAdditional(List.of())::create);

		report(client, "socks5://feed@127.0.0.1:1080", false, "407 with the old password").exchange()
			.expectStatus().isAccepted();
		report(client, "socks5://feed@127.0.0.1:1080", true, null).exchange().expectStatus().isAccepted();
		report(client, HTTP, false, "refused").exchange().expectStatus().isAccepted();
		this.clock.advance(Duration.ofSeconds(60 + 30).plusMillis(1));
		failedAt(client, rotated.plusSeconds(89), "sent late with the old password").exchange().expectStatus().isAccepted();
		failedAt(client, rotated.plusSeconds(91), "refused with the new one").exchange().expectStatus().isAccepted();

		assertThat(this.outcomes).containsExactly("ok socks5://***@127.0.0.1:1080 12",
				"failed http://127.0.0.1:3128 reported by client feed-7: refused",
				"failed socks5://***@127.0.0.1:1080 reported by client feed-7: refused with the new one");
	}

	private static WebTestClient.RequestHeadersSpec<?> failedAt(WebTestClient client, Instant at, String error) {
		return client.post().uri(ProxyFeedback.PATH).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(new ProxyFeedback("socks5://feed@127.0.0.1:1080", "binance", "http", false, 12, error,
					at.toString(), "feed-7"));
	}

	/**
	 * The server reads only the fields that choose the pool: a client of another make that
	 * labels itself in shapes of its own (nested metadata, a numeric region) is answered.
	 */
	@Test
	void aRequestIsAnsweredWhateverShapeTheFieldsTheServerDoesNotReadHave() {
		open().post().uri(ProxyRequest.PATH).contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"exchange_id\":\"binance\",\"connection_type\":\"http\",\"region\":{\"zone\":\"a\"},"
					+ "\"client_id\":[\"feed\",7],\"metadata\":{\"desk\":{\"floor\":3},\"tags\":[\"spot\"]}}")
			.exchange().expectStatus().isOk().expectBody().jsonPath("$.metadata.pool").isEqualTo("default/http");
	}

	/** A report that does not say how connecting went is not a failure: it would take members out for every client. */
	@Test
	void feedbackWithoutItsOutcomeIs400AndFeedsNoBreaker() {
		WebTestClient client = open();
		for (String success : new String[] { "", ",\"success\":null" }) {
			client.post().uri(ProxyFeedback.PATH).contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"proxy_url\":\"http://127.0.0.1:3128\",\"exchange_id\":\"binance\","
						+ "\"connection_type\":\"http\",\"latency_ms\":12" + success + "}")
				.exchange().expectStatus().isBadRequest();
		}
		assertThat(this.outcomes).isEmpty();
	}

	/** A body past what the server reads (Boot's {@code spring.codec.max-in-memory-size}) is the caller's mistake. */
	@Test
	void aBodyLargerThanTheServerReadsIs413() {
		WebTestClient client = open();
		String padding = "x".repeat(300 * 1024);
		client.post().uri(ProxyRequest.PATH).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("exchange_id", "binance", "connection_type", "http", "metadata", Map.of("pad", padding)))
			.exchange().expectStatus().isEqualTo(413).expectBody().jsonPath("$.error")
			.isEqualTo("the body is larger than the server reads");
		client.post().uri(ProxyFeedback.PATH).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(new ProxyFeedback("http://127.0.0.1:3128", "binance", "http", false, 12, padding,
					"2026-11-02T08:00:00Z", "feed-7"))
			.exchange().expectStatus().isEqualTo(413).expectBody().jsonPath("$.error")
			.isEqualTo("the body is larger than the server reads");
		assertThat(this.outcomes).isEmpty();
	}

	/** The default http pool of both members, and exchange coinbase-pro with no pool of its own. */
	private static ProxyPools defaultPoolWithCoinbasePro() {
		return ProxyPools.of(
				List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP), PoolSpec.Origin.POOL,
						List.of(MemberSpec.of(ProxyEndpoint.parse(SOCKS)), MemberSpec.of(ProxyEndpoint.parse(HTTP))),
						"round-robin", Duration.ofSeconds(30))),
				Map.of("coinbase-pro", List.of("*.coinbase.com")), SelectionStrategies.withAdditional(List.of())::create);
	}

	private static String body(EntityExchangeResult<byte[]> result) {
		return new String(result.getResponseBodyContent(), StandardCharsets.UTF_8);
	}

	/** What configuration.md says of a member's metadata: the client gets it with the member's proxy. */
	@Test
	void anAnswerCarriesTheMembersMetadataBesideItsPool() {
		ProxyPools labelled = ProxyPools.of(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP),
				PoolSpec.Origin.POOL,
				List.of(new MemberSpec(ProxyEndpoint.parse(HTTP), 1, true, Map.of("region", "eu-west"))),
				"round-robin", Duration.ofSeconds(30))), Map.of(), SelectionStrategies.withAdditional(List.of())::create);
		WebTestClient client = client(labelled,
				new ServiceServerSettings(null, null, Duration.ofSeconds(60), FallbackPolicy.EMBEDDED_FALLBACK),
				this.rateLimits);

		ask(client).exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.proxy_url").isEqualTo(HTTP)
			.jsonPath("$.metadata.region").isEqualTo("eu-west")
			.jsonPath("$.metadata.pool").isEqualTo("default/http");
	}

	/**
	 * A label named as a secret is the server's to keep: the client does nothing with an answer's
	 * metadata, which any caller let in may read, and the operations surfaces hide it too.
	 */
	@Test
	void anAnswerWithholdsTheLabelsNamedAsSecrets() {
		Map<String, String> labels = Map.of("region", "eu-west", "token", "canary-1", "client-secret", "canary-2",
				"API_KEY", "canary-3", "credentials", "canary-4", "vendorPassword", "canary-5");
		ProxyPools labelled = ProxyPools.of(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP),
				PoolSpec.Origin.POOL, List.of(new MemberSpec(ProxyEndpoint.parse(HTTP), 1, true, labels)),
				"round-robin", Duration.ofSeconds(30))), Map.of(), SelectionStrategies.withAdditional(List.of())::create);
		WebTestClient client = client(labelled,
				new ServiceServerSettings(null, null, Duration.ofSeconds(60), FallbackPolicy.EMBEDDED_FALLBACK),
				this.rateLimits);

		EntityExchangeResult<byte[]> answer = ask(client).exchange().expectStatus().isOk().expectBody().returnResult();

		assertThat(body(answer)).contains("\"region\":\"eu-west\"", "\"pool\":\"default/http\"")
			.doesNotContain("canary", "token", "secret", "API_KEY", "credentials", "vendorPassword");
	}

	private WebTestClient open() {
		return client(new ServiceServerSettings(null, null, Duration.ofSeconds(60), FallbackPolicy.EMBEDDED_FALLBACK));
	}

	private WebTestClient client(ServiceServerSettings settings) {
		return client(settings, this.rateLimits);
	}

	/** The endpoints as a server with mutual TLS serves them: each call comes with a checked client certificate. */
	private WebTestClient client(ServiceServerSettings settings, RateLimits rateLimits) {
		return client(this.pools, settings, rateLimits);
	}

	private WebTestClient client(ProxyPools pools, ServiceServerSettings settings, RateLimits rateLimits) {
		return WebTestClient.bindToRouterFunction(
				new ProxyServiceHandler(pools, List.of(this.recorder), rateLimits, settings, this.clock).routes())
			.webFilter((exchange, chain) -> chain.filter(exchange.mutate()
				.request(exchange.getRequest().mutate().sslInfo(CLIENT_CERTIFICATE).build())
				.build()))
			.build();
	}

	private ProxyPool defaultPool() {
		return this.pools.resolve(null, ConnectionType.HTTP).orElseThrow();
	}

	/** The proxy URL of an answer for the exchange, which must have one. */
	private static String proxyUrl(WebTestClient client, String exchange) {
		String url = client.post()
			.uri(ProxyRequest.PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("exchange_id", exchange, "connection_type", "http", "client_id", "feed-7"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(ProxyResponse.class)
			.returnResult()
			.getResponseBody()
			.proxyUrl();
		assertThat(url).as("the answer's proxy_url").isNotNull();
		return url;
	}

	private static WebTestClient.RequestHeadersSpec<?> ask(WebTestClient client) {
		return client.post()
			.uri(ProxyRequest.PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("exchange_id", "binance", "connection_type", "http", "client_id", "feed-7"));
	}

	/** A report of a tunnel that worked, for the exchange, with the fields {@code more} adds. */
	private static WebTestClient.RequestHeadersSpec<?> limited(WebTestClient client, String url, String exchange,
			String more) {
		return client.post()
			.uri(ProxyFeedback.PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"proxy_url\":\"" + url + "\",\"exchange_id\":\"" + exchange + "\",\"connection_type\":\"http\","
					+ "\"success\":true,\"latency_ms\":12,\"timestamp\":\"2026-11-02T08:00:00Z\",\"client_id\":\"feed-7\""
					+ more + "}");
	}

	private static WebTestClient.RequestHeadersSpec<?> report(WebTestClient client, String url, boolean success,
			String error) {
		return client.post()
			.uri(ProxyFeedback.PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(new ProxyFeedback(url, "binance", "http", success, 12, error, "2026-11-02T08:00:00Z", "feed-7"));
	}

}
