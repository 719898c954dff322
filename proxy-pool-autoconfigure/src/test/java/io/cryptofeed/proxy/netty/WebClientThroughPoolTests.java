package io.cryptofeed.proxy.netty;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.testkit.BlackholeProxy;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.util.context.Context;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The auto-configured WebClient through a pool of in-JVM proxies (two HTTP CONNECT, one
 * SOCKS5 with a password), each leaving from its own loopback address so the target can
 * tell which one carried a request.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebClientThroughPoolTests {

	private static final String SECRET = "canary-Pa55";

	private ProxyTrio trio;

	private TargetServer target;

	private HttpConnectProxy first;

	private HttpConnectProxy second;

	private Socks5Proxy third;

	@BeforeEach
	void start() {
		this.trio = new ProxyTrio("127.0.0.1", SECRET);
		this.target = this.trio.target;
		this.first = this.trio.first;
		this.second = this.trio.second;
		this.third = this.trio.third;
	}

	@AfterEach
	void stop() {
		this.trio.close();
	}

	@Test
	void roundRobinSpreadsRequestsEvenlyOverTheMembers() {
		runWithPool((context, client) -> {
			for (int i = 0; i < 30; i++) {
				assertThat(whoami(client)).startsWith("127.0.0.1");
			}
			assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.11", 10),
					Map.entry("127.0.0.12", 10), Map.entry("127.0.0.13", 10));
		});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "REFUSE", "HANG", "RESET", "STATUS_407", "STATUS_500" })
	void aFailingHttpProxyIsSkippedAndEveryRequestSucceeds(String fault) {
		this.first.fault(faultNamed(fault));
		runWithPool((context, client) -> {
			for (int i = 0; i < 12; i++) {
				whoami(client);
			}
			assertThat(this.target.requestsByPeer()).doesNotContainKey("127.0.0.11");
			assertThat(this.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum())
				.isEqualTo(12);
		}, TransportTestSupport.FAILED_OVER_HANDSHAKE_TIMEOUT);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "REFUSE", "HANG", "RESET", "AUTH_FAIL" })
	void aFailingSocksProxyIsSkippedAndEveryRequestSucceeds(String fault) {
		this.third.fault(faultNamed(fault));
		runWithPool((context, client) -> {
			for (int i = 0; i < 12; i++) {
				whoami(client);
			}
			assertThat(this.target.requestsByPeer()).doesNotContainKey("127.0.0.13").hasSize(2);
		}, TransportTestSupport.FAILED_OVER_HANDSHAKE_TIMEOUT);
	}

	@Test
	void theBreakerTakesAFailingMemberOutAndBringsItBackAfterRecovery() {
		this.first.fault(Fault.REFUSE);
		runWithPool((context, client) -> {
			ProxyPool pool = pool(context);
			PoolMember failing = pool.members().get(0);
			CircuitBreaker breaker = context.getBean(MemberCircuitBreakers.class).breakerOf(failing);
			for (int i = 0; i < 9; i++) {
				whoami(client);
			}
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(pool.availableMembers()).doesNotContain(failing);
			int refusedSoFar = this.first.accepted();
			for (int i = 0; i < 9; i++) {
				whoami(client);
			}
			assertThat(this.first.accepted()).isEqualTo(refusedSoFar);

			this.first.fault(Fault.NONE);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				whoami(client);
				assertThat(this.target.requestsByPeer()).as("breaker %s, available %s, accepted %s",
						breaker.getState(), pool.availableMembers(), this.first.accepted()).containsKey("127.0.0.11");
			});
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				whoami(client);
				assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			});
			assertThat(pool.availableMembers()).contains(failing);
		});
	}

	/**
	 * A proxy that crashes resets its tunnels: a GET that waits for its answer through one sees
	 * the reset, not a close, and is sent once more through another member, as after a
	 * premature close.
	 */
	@Test
	void aGetWaitingForItsAnswerThroughAMemberThatCrashesIsSentOnceMoreThroughAnother() {
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", this.first.url(), this.second.url()))
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				// the answer waits long enough for the test to crash the carrier first, even on a busy machine
				CompletableFuture<String> answer = client.get()
					.uri(this.target.baseUrl() + "/delay/3000")
					.retrieve()
					.bodyToMono(String.class)
					.toFuture();
				await().atMost(Duration.ofSeconds(5)).until(() -> !this.target.requestsByPeer().isEmpty());
				HttpConnectProxy carrier = this.target.requestsByPeer().containsKey("127.0.0.11") ? this.first
						: this.second;
				carrier.fault(Fault.CRASH);

				assertThat(answer).succeedsWithin(Duration.ofSeconds(15)).isEqualTo("delayed 3000");
				assertThat(this.target.requestsByPeer()).hasSize(2).allSatisfy((peer, count) -> assertThat(count).isOne());
				PoolMember crashed = pool(context).members().get((carrier == this.first) ? 0 : 1);
				assertThat(context.getBean(MemberCircuitBreakers.class)
					.breakerOf(crashed)
					.getMetrics()
					.getNumberOfFailedCalls()).isOne();
			});
	}

	@Test
	void aMemberThatCrashesAfterWarmUpIsSkippedAndCarriesAgainOnceItComesBack() {
		runWithPool((context, client) -> {
			for (int i = 0; i < 3; i++) {
				whoami(client);
			}
			// each member keeps its tunnel alive now, which only a crash or a freeze reaches
			assertThat(this.first.tunnels()).isOne();
			this.first.fault(Fault.CRASH);
			this.target.resetCounters();

			for (int i = 0; i < 12; i++) {
				whoami(client);
			}
			assertThat(this.target.requestsByPeer()).doesNotContainKey("127.0.0.11");
			assertThat(this.first.tunnels()).isOne();

			this.first.fault(Fault.NONE);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				whoami(client);
				assertThat(this.target.requestsByPeer()).containsKey("127.0.0.11");
			});
			assertThat(this.first.tunnels()).isEqualTo(2);
		});
	}

	@Test
	void whenEveryMemberFailsTheErrorNamesEachWithoutCredentials() {
		this.first.fault(Fault.REFUSE);
		this.second.fault(Fault.STATUS_500);
		this.third.fault(Fault.AUTH_FAIL);
		runWithPool((context, client) -> {
			assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoami(client))
				.havingCause()
				.isInstanceOf(ProxyConnectFailedException.class)
				.satisfies((failure) -> {
					assertThat(failure.getMessage()).contains("exchange=default", "type=http", "tried=3",
							this.first.url(), this.second.url(), "socks5://***@127.0.0.1:" + this.third.port())
						.doesNotContain(SECRET);
					assertThat(((ProxyConnectFailedException) failure).failures()).hasSize(3);
				});
		});
	}

	@Test
	void whenEveryMemberLeftToTryFailsTheErrorNamesEachThoughAnotherIsSetAside() {
		this.first.fault(Fault.REFUSE);
		this.second.fault(Fault.STATUS_500);
		runWithPool((context, client) -> {
			ProxyPool pool = pool(context);
			// the third is set aside: once the others failed, selection finds no member left
			pool.setUnavailable(pool.members().get(2), Unavailability.UNHEALTHY, true);
			assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoami(client))
				.havingCause()
				.isInstanceOfSatisfying(ProxyConnectFailedException.class, (failure) -> {
					assertThat(failure.getMessage()).contains("exchange=default", "type=http", "tried=2",
							this.first.url(), this.second.url());
					assertThat(failure.failures()).hasSize(2);
				});
		});
	}

	@ParameterizedTest(name = "max-attempts={0}")
	@ValueSource(ints = { 1, 2, 5 })
	void maxAttemptsBoundsTheMembersTriedAndThePoolSizeBoundsMaxAttempts(int maxAttempts) {
		this.first.fault(Fault.REFUSE);
		this.second.fault(Fault.REFUSE);
		String[] properties = TransportTestSupport.pool("default.http", this.first.url(), this.second.url());
		TransportTestSupport.runner()
			.withPropertyValues(properties)
			.withPropertyValues("cryptofeed.proxy.failover.max-attempts=" + maxAttempts)
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoami(client))
					.havingCause()
					.isInstanceOfSatisfying(ProxyConnectFailedException.class,
							(failure) -> assertThat(failure.failures()).hasSize(Math.min(maxAttempts, 2)));
			});
	}

	@Test
	void anExchangeAttributeChoosesThatExchangesPool() {
		String[] properties = { "cryptofeed.proxy.exchanges.binance.http.url=" + this.second.url(),
				"cryptofeed.proxy.default.http.url=" + this.first.url() };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			for (int i = 0; i < 3; i++) {
				client.get()
					.uri(this.target.baseUrl() + "/whoami")
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(10));
				whoami(client);
			}
			assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.12", 3),
					Map.entry("127.0.0.11", 3));
		});
	}

	/**
	 * An exchange named in the Reactor context by a value of the application's own type (an
	 * enum, as trading code has): read by its toString, as a request attribute is, and matched
	 * ignoring case, '-' and '_', so that BINANCE takes exchange binance's pool.
	 */
	@Test
	void anExchangeNamedInTheReactorContextByAnEnumChoosesThatExchangesPool() {
		String[] properties = { "cryptofeed.proxy.exchanges.binance.http.url=" + this.second.url(),
				"cryptofeed.proxy.default.http.url=" + this.first.url() };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			String peer = client.get()
				.uri(this.target.baseUrl() + "/whoami")
				.retrieve()
				.bodyToMono(String.class)
				.contextWrite(Context.of(ProxyAttributes.EXCHANGE, Venue.BINANCE))
				.block(Duration.ofSeconds(10));
			assertThat(peer).isEqualTo("127.0.0.12");
			assertThat(whoami(client)).isEqualTo("127.0.0.11");
		});
	}

	/**
	 * Ids match ignoring case, '-' and '_', as Spring binds them: an enum constant names the
	 * exchange configured with a dash or underscore, as a request attribute and in the Reactor
	 * context, and its pool's proxy carries the request (the default's opens no tunnel).
	 */
	@ParameterizedTest(name = "{0} names {1}")
	@CsvSource({ "COINBASE_PRO, coinbase-pro", "COINBASE_PRO, coinbasepro", "GATE_IO, gate-io", "GATE_IO, gate_io" })
	void anEnumConstantNamesTheExchangeConfiguredWithADashOrUnderscore(Venue venue, String configured) {
		String[] properties = { "cryptofeed.proxy.exchanges." + configured + ".http.url=" + this.second.url(),
				"cryptofeed.proxy.default.http.url=" + this.first.url() };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			String byAttribute = client.get()
				.uri(this.target.baseUrl() + "/whoami")
				.attribute(ProxyAttributes.EXCHANGE, venue)
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			String byContext = client.get()
				.uri(this.target.baseUrl() + "/whoami")
				.retrieve()
				.bodyToMono(String.class)
				.contextWrite(Context.of(ProxyAttributes.EXCHANGE, venue))
				.block(Duration.ofSeconds(10));
			assertThat(byAttribute).isEqualTo("127.0.0.12");
			assertThat(byContext).isEqualTo("127.0.0.12");
			assertThat(this.second.tunnels()).isPositive();
			assertThat(this.first.tunnels()).isZero();
			assertThat(context.getBean(ProxyPoolHttpClients.class)
				.directRoutes()
				.count(ConnectionType.HTTP, DirectRoutes.Reason.NO_POOL)).isZero();
		});
	}

	@Test
	void aMemberWhoseTcpConnectNeverCompletesCostsTheConnectTimeoutAndIsSkipped() {
		try (BlackholeProxy blackhole = BlackholeProxy.start()) {
			String[] properties = { "cryptofeed.proxy.default.http.pool[0].url=" + blackhole.url(),
					"cryptofeed.proxy.default.http.pool[1].url=" + this.first.url(),
					"cryptofeed.proxy.connect-timeout=300ms", "cryptofeed.proxy.handshake-timeout=30s" };
			TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				for (int i = 0; i < 4; i++) {
					assertThat(whoami(client)).isEqualTo("127.0.0.11");
				}
				// half the requests chose the blackhole first; each was carried by the other member
				assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.11", 4));
			});
		}
	}

	@Test
	void whenEveryMemberIsUnreachableTheErrorNamesTheConnectTimeoutOfEach() {
		try (BlackholeProxy one = BlackholeProxy.start(); BlackholeProxy other = BlackholeProxy.start()) {
			String[] properties = { "cryptofeed.proxy.default.http.pool[0].url=" + one.url(),
					"cryptofeed.proxy.default.http.pool[1].url=" + other.url(),
					"cryptofeed.proxy.connect-timeout=300ms", "cryptofeed.proxy.handshake-timeout=30s" };
			TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoami(client))
					.havingCause()
					.isInstanceOfSatisfying(ProxyConnectFailedException.class, (failure) -> assertThat(failure.failures())
						.containsExactlyInAnyOrder(one.url() + " -> ConnectTimeoutException: connection timed out after 300 ms: /" + one.host() + ":" + one.port(),
								other.url() + " -> ConnectTimeoutException: connection timed out after 300 ms: /" + other.host() + ":" + other.port()));
			});
		}
	}

	@Test
	void toAnHttpsTargetTheErrorNamesWhatEachProxyDidNotTheTlsHandlersWrapper() {
		this.first.fault(Fault.STATUS_407);
		this.second.fault(Fault.HANG);
		this.third.fault(Fault.AUTH_FAIL);
		try (TargetServer tlsTarget = TargetServer.startTls("127.0.0.1")) {
			runWithPool((context, client) -> assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> TransportTestSupport.trustingTlsTarget(context)
					.get()
					.uri(tlsTarget.baseUrl() + "/whoami")
					.retrieve()
					.bodyToMono(String.class)
					.block())
				.havingCause()
				.isInstanceOfSatisfying(ProxyConnectFailedException.class, (failure) -> assertThat(failure.failures())
					.hasSize(3)
					.noneSatisfy((entry) -> assertThat(entry).contains("SSLException"))
					.anySatisfy((entry) -> assertThat(entry).startsWith(this.first.url() + " -> HttpProxyConnectException")
						.contains("status: 407"))
					.anySatisfy((entry) -> assertThat(entry).startsWith(this.second.url() + " -> ProxyConnectException")
						.endsWith("timeout"))
					.anySatisfy((entry) -> assertThat(entry).startsWith("socks5://***@").contains("authStatus"))),
					TransportTestSupport.HUNG_HANDSHAKE_TIMEOUT);
		}
	}

	@Test
	void bootsConnectTimeoutBoundsDirectConnectsAndThePoolsOneEachConnectToAProxy() {
		try (BlackholeProxy one = BlackholeProxy.start(); BlackholeProxy other = BlackholeProxy.start()) {
			String[] properties = { "cryptofeed.proxy.default.http.pool[0].url=" + one.url(),
					"cryptofeed.proxy.default.http.pool[1].url=" + other.url(),
					"cryptofeed.proxy.direct-hosts=127.0.0.0/8", "cryptofeed.proxy.connect-timeout=300ms",
					"cryptofeed.proxy.handshake-timeout=30s", "spring.http.clients.connect-timeout=700ms" };
			TransportTestSupport.runner()
				.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class))
				.withPropertyValues(properties)
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					// a name is never matched against an address range: localhost goes through the pool
					assertThatExceptionOfType(WebClientRequestException.class)
						.isThrownBy(() -> whoamiVia(client, "localhost"))
						.havingCause()
						.isInstanceOfSatisfying(ProxyConnectFailedException.class,
								(failure) -> assertThat(failure.failures()).hasSize(2)
									.allSatisfy((tried) -> assertThat(tried)
										.contains("ConnectTimeoutException: connection timed out after 300 ms")));
					assertThat(whoami(client)).as("a direct connection").isEqualTo("127.0.0.1");
					String unreachable = "http://127.0.0.1:" + one.port() + "/whoami";
					assertThatExceptionOfType(WebClientRequestException.class)
						.isThrownBy(() -> client.get().uri(unreachable).retrieve().toBodilessEntity().block())
						.withMessageContaining("connection timed out after 700 ms");
				});
		}
	}

	@Test
	void aReloadedConnectTimeoutBoundsTheNextConnectToAProxy() {
		try (BlackholeProxy blackhole = BlackholeProxy.start()) {
			Map<String, Object> reloadable = new LinkedHashMap<>();
			reloadable.put("cryptofeed.proxy.connect-timeout", "300ms");
			TransportTestSupport.reloadableRunner(reloadable)
				.withPropertyValues("cryptofeed.proxy.default.http.url=" + blackhole.url(),
						"cryptofeed.proxy.handshake-timeout=30s")
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoami(client))
						.withMessageContaining("connection timed out after 300 ms");
					reloadable.put("cryptofeed.proxy.connect-timeout", "600ms");
					context.publishEvent(new EnvironmentChangeEvent(context, reloadable.keySet()));
					assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoami(client))
						.withMessageContaining("connection timed out after 600 ms");
				});
		}
	}

	/**
	 * A reload removes the exchange's own pool while a request's first try waits on a proxy of
	 * it: the try after that one fails goes where the exchange is routed now (the default
	 * pool), not into the closed pool, where no proxy is left to take it.
	 */
	@Test
	void aTryAfterAReloadRemovedTheRequestsPoolGoesWhereItsExchangeIsRoutedNow() {
		String binanceUrl = "cryptofeed.proxy.exchanges.binance.http.url";
		Map<String, Object> reloadable = new LinkedHashMap<>();
		reloadable.put(binanceUrl, this.first.url());
		this.first.fault(Fault.HOLD);
		TransportTestSupport.reloadableRunner(reloadable)
			.withPropertyValues("cryptofeed.proxy.default.http.url=" + this.second.url())
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				CompletableFuture<String> answer = client.get()
					.uri(this.target.baseUrl() + "/whoami")
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.retrieve()
					.bodyToMono(String.class)
					.toFuture();
				await().atMost(Duration.ofSeconds(10)).until(() -> this.first.accepted() == 1);
				reloadable.remove(binanceUrl);
				context.publishEvent(new EnvironmentChangeEvent(context, Set.of(binanceUrl)));
				assertThat(context.getBean(ProxyPools.class).exchanges()).doesNotContain("binance");
				// the held handshake is reset: the first try fails
				this.first.fault(Fault.CRASH);

				assertThat(answer.get(15, TimeUnit.SECONDS)).isEqualTo("127.0.0.12");
			});
	}

	@Test
	void aBusyMemberOpensAsManyTunnelsAsRequestsAreInFlight() {
		int inFlight = 24;
		String[] properties = { "cryptofeed.proxy.default.http.url=" + this.first.url() };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			List<Disposable> requests = new ArrayList<>();
			for (int i = 0; i < inFlight; i++) {
				requests.add(client.get()
					.uri(this.target.baseUrl() + "/delay/10000")
					.retrieve()
					.bodyToMono(String.class)
					.subscribe(null, (error) -> {
					}));
			}
			// none waits for another's tunnel: a connection pool capped at twice the cores would stop at 16 here
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.first.tunnels()).isEqualTo(inFlight));
			requests.forEach(Disposable::dispose);
		});
	}

	/** Most often a misspelt id: without a default block the request would go direct unnoticed. */
	@Test
	void aRequestNamingAnExchangeWithoutAPoolGoesDirectWithAWarningOncePerExchange() {
		assertThat(warningsOfRequestsNaming("alhpa", 2)).singleElement()
			.asString()
			.contains("connections that name exchange 'alhpa' go direct")
			.contains("neither cryptofeed.proxy.exchanges.alhpa nor cryptofeed.proxy.default has a pool");
	}

	/**
	 * The exchange is the request's own text: one holding a line break (a symbol taken from a
	 * user's input) must not forge a log line of its own in the warning.
	 */
	@Test
	void anExchangeNamedWithALineBreakIsWarnedOfOnOneLine() {
		assertThat(warningsOfRequestsNaming("alhpa\nWARNING proxy health: state=unhealthy", 1)).singleElement()
			.asString()
			.doesNotContain("\n")
			.contains("connections that name exchange 'alhpa\\nWARNING proxy health: state=unhealthy' go direct");
	}

	/** The warnings of requests that name an exchange only the default block could carry, and it has no pool: each goes direct. */
	private List<String> warningsOfRequestsNaming(String exchange, int requests) {
		try (CapturedLog log = CapturedLog.of(DirectRoutes.class)) {
			TransportTestSupport.runner()
				.withPropertyValues("cryptofeed.proxy.exchanges.alpha.http.url=" + this.first.url())
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					for (int i = 0; i < requests; i++) {
						String peer = client.get()
							.uri(this.target.baseUrl() + "/whoami")
							.attribute(ProxyAttributes.EXCHANGE, exchange)
							.retrieve()
							.bodyToMono(String.class)
							.block(Duration.ofSeconds(10));
						assertThat(peer).isEqualTo("127.0.0.1");
					}
				});
			return log.warnings();
		}
	}

	@Test
	void hostPatternsChooseTheExchangesPool() {
		String[] properties = { "cryptofeed.proxy.exchanges.local.hosts=localhost",
				"cryptofeed.proxy.exchanges.local.http.url=" + this.second.url(),
				"cryptofeed.proxy.default.http.url=" + this.first.url() };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			String viaHostname = client.get()
				.uri("http://localhost:" + this.target.port() + "/whoami")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			assertThat(viaHostname).isEqualTo("127.0.0.12");
			assertThat(whoami(client)).isEqualTo("127.0.0.11");
		});
	}

	@ParameterizedTest(name = "{0}: {1} -> {2}")
	@CsvSource({ "direct-hosts=example.invalid, localhost, 127.0.0.1, 127.0.0.11",
			"exchanges.local.hosts=localhost;exchanges.local.http.url={second}, localhost, localhost, 127.0.0.12",
			"direct-hosts=localhost, localhost, 127.0.0.1, ",
			"direct-hosts=localhost, 127.0.0.1, localhost, ",
			"exchanges.local.hosts=localhost;exchanges.local.http.url={second}, 127.0.0.1, localhost, ",
			"exchanges.local.hosts=localhost;exchanges.local.http.url={second}, localhost, 127.0.0.1, ",
			"exchanges.local.hosts=localhost, 127.0.0.1, localhost, " })
	void aRedirectIsFollowedOnlyWhereItsHostTakesTheSameRoute(String routing, String from, String to, String peer) {
		// the last: the same default pool, but another exchange, whose limits (and proxy service answer) differ
		List<String> properties = new ArrayList<>(List.of("cryptofeed.proxy.default.http.url=" + this.first.url()));
		for (String property : routing.split(";")) {
			properties.add("cryptofeed.proxy." + property.replace("{second}", this.second.url()));
		}
		OwnLoopsServer redirecting = TransportTestSupport.redirecting(this.target);
		try (CapturedLog log = CapturedLog.of(RouteKeepingRedirects.class)) {
			TransportTestSupport.runner().withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				Supplier<ResponseEntity<String>> request = () -> client.get()
					.uri("http://" + from + ":" + redirecting.port() + "/to/" + to)
					.retrieve()
					.toEntity(String.class)
					.block(Duration.ofSeconds(10));
				ResponseEntity<String> answer = request.get();
				if (peer != null) {
					assertThat(answer.getBody()).as("the peer the target saw after the redirect").isEqualTo(peer);
				}
				else {
					assertThat(answer.getStatusCode().value()).as("the redirect, not followed").isEqualTo(302);
					assertThat(request.get().getStatusCode().value()).isEqualTo(302);
					assertThat(this.target.requestsByPeer()).isEmpty();
					assertThat(log.warnings()).singleElement()
						.asString()
						.contains("proxy pools: a redirect from " + from + " to " + to
								+ " was not followed: the pools route that host another way");
				}
			});
		}
		finally {
			// not disposeNow: it would wait for connections the proxies or the pools keep open, and fail
			redirecting.close();
		}
	}

	/**
	 * A server may write a redirect to an internationalized name in Unicode: {@link java.net.URI}
	 * finds no host in such a location, its route went unchecked, and Reactor Netty's follow
	 * failed the request ('Host is not specified'), where a host the pools route another way
	 * (a direct host here) is to give the caller the 302 and a warning.
	 */
	@Test
	void aRedirectToAnInternationalizedHostThePoolsRouteOtherwiseIsNotFollowed() {
		String location = "http://BÜCHER.example.:" + this.target.port() + "/whoami";
		OwnLoopsServer redirecting = OwnLoopsServer.bind((server) -> server.route((routes) -> routes.get("/idn",
				(request, response) -> response.status(302).keepAlive(false).header("Location", location).send())));
		try (CapturedLog log = CapturedLog.of(RouteKeepingRedirects.class)) {
			TransportTestSupport.runner()
				.withPropertyValues("cryptofeed.proxy.default.http.url=" + this.first.url(),
						"cryptofeed.proxy.direct-hosts=xn--bcher-kva.example")
				.run((context) -> {
					ResponseEntity<String> answer = context.getBean(WebClient.Builder.class)
						.build()
						.get()
						.uri("http://localhost:" + redirecting.port() + "/idn")
						.retrieve()
						.toEntity(String.class)
						.block(Duration.ofSeconds(10));
					assertThat(answer.getStatusCode().value()).as("the redirect, not followed").isEqualTo(302);
					assertThat(log.warnings()).singleElement()
						.asString()
						.contains("proxy pools: a redirect from localhost to BÜCHER.example. was not followed");
				});
		}
		finally {
			redirecting.close();
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "localhost", "*.localhost, localhost", "127.0.0.0/8" })
	void aDirectHostIsReachedWithoutAProxyUnlessTheRequestNamesItsExchange(String directHosts) {
		String[] properties = { "cryptofeed.proxy.direct-hosts=" + directHosts,
				"cryptofeed.proxy.default.http.url=" + this.first.url(),
				"cryptofeed.proxy.exchanges.binance.http.url=" + this.second.url() };
		boolean byAddress = directHosts.contains("/");
		String direct = byAddress ? this.target.host() : "localhost";
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			DirectRoutes routes = context.getBean(ProxyPoolHttpClients.class).directRoutes();
			assertThat(whoamiVia(client, direct)).isEqualTo("127.0.0.1");
			assertThat(this.first.accepted()).as("the default block's proxy").isZero();
			assertThat(routes.count(ConnectionType.HTTP, DirectRoutes.Reason.DIRECT_HOST)).isOne();
			assertThat(routes.count(ConnectionType.HTTP, DirectRoutes.Reason.NO_POOL)).isZero();
			if (!byAddress) {
				assertThat(whoami(client)).as("a host that is not direct").isEqualTo("127.0.0.11");
			}
			String named = client.get()
				.uri("http://" + direct + ":" + this.target.port() + "/whoami")
				.attribute(ProxyAttributes.EXCHANGE, "binance")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			assertThat(named).as("a request that names its exchange").isEqualTo("127.0.0.12");
			assertThat(routes.count(ConnectionType.HTTP, DirectRoutes.Reason.DIRECT_HOST)).isOne();
		});
	}

	@Test
	void aGetWhoseTunnelStallsAfterItIsUpIsSentOnceMoreThroughAnotherMember() {
		runWithPool((context, client) -> {
			assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> client.get()
					.uri(this.target.baseUrl() + "/delay/3000")
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(10)))
				.withRootCauseInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
			// the first member's answer never came within the pool timeout; a second member was tried, no third
			assertThat(this.trio.tunnels()).isEqualTo(2);
			// each request was sent before its timeout fired, yet a busy proxy may relay it later
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.target.requestsByPeer()).hasSize(2)
					.allSatisfy((peer, count) -> assertThat(count).isOne()));
			// the exchange was slow through both: no proxy is to blame
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			assertThat(pool(context).members()).allSatisfy((member) -> assertThat(
					breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero());
		}, "cryptofeed.proxy.default.http.timeout=300ms");
	}

	@Test
	void whenAGetStallsThroughTheLastMemberLeftAfterAnotherFailedToConnectTheErrorNamesBoth() {
		this.first.fault(Fault.REFUSE);
		this.second.fault(Fault.STALL);
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", this.first.url(), this.second.url()))
			.withPropertyValues("cryptofeed.proxy.default.http.timeout=" + TransportTestSupport.STALLED_ANSWER_TIMEOUT)
			.run((context) -> {
				ProxyPool pool = pool(context);
				PoolMember stalling = pool.members().get(1);
				// the refusing member is tried first: the stalling one is back once it refused
				pool.setUnavailable(stalling, Unavailability.DRAINED, true);
				WebClient client = context.getBean(WebClient.Builder.class)
					.filter((request, next) -> next.exchange(request)
						.doOnError((error) -> pool.setUnavailable(stalling, Unavailability.DRAINED, false)))
					.build();
				assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoami(client))
					.havingCause()
					.isInstanceOfSatisfying(ProxyConnectFailedException.class, (failure) -> {
						assertThat(failure.getMessage()).contains("exchange=default", "type=http", "tried=2");
						assertThat(failure.failures()).satisfiesExactly(
								(refused) -> assertThat(refused).startsWith(this.first.url() + " -> "),
								(stalled) -> assertThat(stalled)
									.isEqualTo(this.second.url() + " -> ReadTimeoutException"));
					});
			});
	}

	/**
	 * A GET that stalled, to be sent once more while every other member is set aside: the
	 * stall is all that went wrong, and reaches the caller as itself, as through a pool of one
	 * member, not as a failed connect (which a caller may take as never sent).
	 */
	@Test
	void aGetThatStalledWithEveryOtherMemberSetAsideFailsWithTheTimeoutItself() {
		this.first.fault(Fault.STALL);
		runWithPool((context, client) -> {
			ProxyPool pool = pool(context);
			pool.setUnavailable(pool.members().get(1), Unavailability.UNHEALTHY, true);
			pool.setUnavailable(pool.members().get(2), Unavailability.UNHEALTHY, true);
			assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoami(client))
				.withCauseExactlyInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
			assertThat(this.first.tunnels()).isOne();
			// nothing else could tell: the lone stall is blamed, as the docs say
			assertThat(context.getBean(MemberCircuitBreakers.class)
				.breakerOf(pool.members().get(0))
				.getMetrics()
				.getNumberOfFailedCalls()).isOne();
		}, "cryptofeed.proxy.default.http.timeout=" + TransportTestSupport.STALLED_ANSWER_TIMEOUT);
	}

	@Test
	void aMemberWhoseTunnelStallsIsBlamedOnceTheGetItStalledIsAnsweredThroughAnother() {
		this.first.fault(Fault.STALL);
		runWithPool((context, client) -> {
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			PoolMember stalling = pool(context).members().get(0);
			// round-robin meets the stalling member within three requests
			for (int i = 0; i < 3 && this.first.tunnels() == 0; i++) {
				assertThat(whoami(client)).isIn("127.0.0.12", "127.0.0.13");
			}
			assertThat(this.first.tunnels()).isOne();
			assertThat(breakers.breakerOf(stalling).getMetrics().getNumberOfFailedCalls()).isOne();
			assertThat(this.target.requestsByPeer()).doesNotContainKey("127.0.0.11");
		}, "cryptofeed.proxy.default.http.timeout=" + TransportTestSupport.STALLED_ANSWER_TIMEOUT);
	}

	@Test
	void aPostWhoseTunnelStallsIsNeverSentTwice() {
		runWithPool((context, client) -> {
			assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> client.post()
					.uri(this.target.baseUrl() + "/delay/3000")
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(10)))
				.withRootCauseInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
			assertThat(this.trio.tunnels()).isOne();
			// sent before its timeout fired, yet a busy proxy may relay it later
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.target.requestsByPeer().values()).containsExactly(1));
		}, "cryptofeed.proxy.default.http.timeout=300ms");
	}

	/**
	 * A proxy that freezes while a GET waits for its answer holds the answer back. Once its
	 * health check finds it, the GET, quiet since, is cut and sent through the other member,
	 * long before the pool's 30 s response timeout: on a keep-alive connection, and as the
	 * first request of a new tunnel.
	 */
	@ParameterizedTest(name = "keep-alive connection: {0}")
	@ValueSource(booleans = { true, false })
	void aGetStalledByAFrozenProxyIsSentThroughAnotherMemberOnceItsHealthCheckFails(boolean keepAlive) {
		TransportTestSupport.runnerCuttingQuietConnections("default.http")
			.withPropertyValues(TransportTestSupport.pool("default.http", this.first.url(), this.second.url()))
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				StalledRequest stalled = requestStalledByFrozenMember(client, HttpMethod.GET, keepAlive);

				assertThat(stalled.answer().get(15, TimeUnit.SECONDS)).isEqualTo("delayed 2000");
				assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.11", 1),
						Map.entry("127.0.0.12", 1));
				assertThat(pool(context).quietConnectionsCut()).isOne();
			});
	}

	@Test
	void aPostStalledByAFrozenProxyFailsOnceItsHealthCheckFailsAndIsNeverSentTwice() {
		TransportTestSupport.runnerCuttingQuietConnections("default.http")
			.withPropertyValues(TransportTestSupport.pool("default.http", this.first.url(), this.second.url()))
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				StalledRequest stalled = requestStalledByFrozenMember(client, HttpMethod.POST, true);

				assertThat(stalled.answer()).failsWithin(Duration.ofSeconds(15))
					.withThrowableThat()
					.havingRootCause()
					.isInstanceOf(ProxyStalledException.class)
					.withMessageContaining("through proxy " + stalled.proxy().url() + " of pool default/http")
					.withMessageContaining("which failed (unhealthy)");
				assertThat(this.target.requestsByPeer()).hasSize(1).containsValue(1);
			});
	}

	/**
	 * Sends the request to {@code /delay/2000}, on a keep-alive connection (after a request
	 * through each of the two members) or a new one, and freezes the member that carried it
	 * once the target has it.
	 */
	private StalledRequest requestStalledByFrozenMember(WebClient client, HttpMethod method, boolean keepAlive) {
		if (keepAlive) {
			whoami(client);
			whoami(client);
			this.target.resetCounters();
		}
		CompletableFuture<String> answer = client.method(method)
			.uri(this.target.baseUrl() + "/delay/2000")
			.retrieve()
			.bodyToMono(String.class)
			.toFuture();
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.target.requestsByPeer().isEmpty());
		TestProxy carrier = this.target.requestsByPeer().containsKey("127.0.0.11") ? this.first : this.second;
		carrier.fault(Fault.FREEZE);
		return new StalledRequest(answer, carrier);
	}

	private record StalledRequest(CompletableFuture<String> answer, TestProxy proxy) {
	}

	@ParameterizedTest(name = "{0} failing with {1}")
	@CsvSource({ "GET, ConnectException", "POST, ConnectException", "GET, TimeoutException" })
	void aRequestTheExchangeAnsweredIsNeverSentAgainWhenTheApplicationFailsIt(HttpMethod method, String failure) {
		Exception applicationFailure = "ConnectException".equals(failure)
				? new ConnectException("application lost its database") : new TimeoutException("application gave up");
		runWithPool((context, pooled) -> {
			// an application filter inside ours fails the exchange after its answer arrived
			WebClient client = context.getBean(WebClient.Builder.class)
				.filter((request, next) -> next.exchange(request)
					.flatMap((response) -> response.releaseBody().then(Mono.error(applicationFailure))))
				.build();
			assertThatThrownBy(() -> client.method(method)
				.uri(this.target.baseUrl() + "/status/200")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10))).hasRootCause(applicationFailure);
			assertThat(this.target.requestsByPeer().values()).containsExactly(1);
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			assertThat(pool(context).members()).allSatisfy((member) -> assertThat(
					breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero());
		});
	}

	@Test
	void whenEveryMemberFailsTheErrorNamesTheExchangeThatTheHostPatternsFound() {
		this.first.fault(Fault.REFUSE);
		this.second.fault(Fault.STATUS_500);
		// the exchange has no pool of its own: the default block's carries its requests
		String[] properties = { "cryptofeed.proxy.exchanges.local.hosts=localhost",
				"cryptofeed.proxy.default.http.pool[0].url=" + this.first.url(),
				"cryptofeed.proxy.default.http.pool[1].url=" + this.second.url() };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> whoamiVia(client, "localhost"))
				.havingCause()
				.isInstanceOf(ProxyConnectFailedException.class)
				.withMessageContaining("exchange=local")
				.withMessageContaining("tried=2");
		});
	}

	/**
	 * {@code scheme://user@host:port} (a token as the user name, no password) is a valid URL,
	 * and the health probe sends the user with an empty password: so must every connection.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "http", "socks5" })
	void aUserNameWithoutPasswordIsSentWithAnEmptyPassword(String kind) {
		try (TestProxy tokenOnly = kind.equals("http")
				? HttpConnectProxy.builder().bindAddress("127.0.0.1").credentials("token", "").start()
				: Socks5Proxy.builder().bindAddress("127.0.0.1").credentials("token", "").start()) {
			String url = kind + "://token@" + tokenOnly.host() + ":" + tokenOnly.port();
			TransportTestSupport.runner()
				.withPropertyValues(TransportTestSupport.pool("default.http", url))
				.run((context) -> assertThat(whoami(context.getBean(WebClient.Builder.class).build()))
					.isEqualTo("127.0.0.1"));
			assertThat(tokenOnly.tunnels()).isOne();
		}
	}

	@Test
	void idleConnectionsOfAMemberThatLeavesTheSnapshotAreClosed() {
		String[] properties = TransportTestSupport.pool("default.http", this.first.url(), this.second.url());
		ReleasedConnections released = new ReleasedConnections();
		released.observe(TransportTestSupport.runner()).withPropertyValues(properties).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			ProxyPool pool = pool(context);
			PoolMember member = pool.members().get(0);
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			for (int i = 0; i < 4; i++) {
				released.afterRelease(() -> whoami(client));
			}
			// keep-alive: two requests each, one tunnel each
			assertThat(this.first.tunnels()).isOne();
			assertThat(clients.openConnections(member)).isOne();

			pool.setUnavailable(member, Unavailability.UNHEALTHY, true);
			await().atMost(Duration.ofSeconds(5)).until(() -> clients.openConnections(member) == 0);
			pool.setUnavailable(member, Unavailability.UNHEALTHY, false);
			for (int i = 0; i < 2; i++) {
				released.afterRelease(() -> whoami(client));
			}
			// the idle tunnel was closed, so the member needed a new one
			assertThat(this.first.tunnels()).isEqualTo(2);
			assertThat(this.second.tunnels()).isOne();
		});
	}

	@Test
	void inPanicModeTheConnectionsOfTheMembersSetAsideAreStillKeptAlive() {
		String[] properties = TransportTestSupport.pool("default.http", this.first.url(), this.second.url());
		ReleasedConnections released = new ReleasedConnections();
		released.observe(TransportTestSupport.runner()).withPropertyValues(properties).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			ProxyPool pool = pool(context);
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			pool.members().forEach((member) -> pool.setUnavailable(member, Unavailability.UNHEALTHY, true));
			assertThat(pool.isPanicking()).isTrue();
			for (int i = 0; i < 4; i++) {
				released.afterRelease(() -> whoami(client));
			}
			// the members carry every request in panic mode: keep-alive, two requests each, one tunnel each
			assertThat(this.first.tunnels()).isOne();
			assertThat(this.second.tunnels()).isOne();
			assertThat(pool.members()).allSatisfy((member) -> assertThat(clients.openConnections(member)).isOne());
		});
	}

	@Test
	void aRequestThatAFilterOfTheApplicationsSendsAgainGoesThroughThePoolAgain() {
		String[] properties = TransportTestSupport.pool("default.http", this.first.url());
		TransportTestSupport.runner()
			.withPropertyValues(properties)
			.withPropertyValues("cryptofeed.proxy.default.http.strategy=least-connections")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class)
					.filter((request, next) -> sendAgainOn5xx(request, next, 2))
					.build();
				Integer status = client.get()
					.uri(this.target.baseUrl() + "/status/503")
					.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
					.block(Duration.ofSeconds(10));
				assertThat(status).isEqualTo(503);
				assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.11", 3));
				ProxyPool pool = pool(context);
				assertThat(pool.failovers()).as("sends the application repeats are no failovers").isZero();
				await().atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(pool.members().get(0).activeLeases()).isZero());
			});
	}

	@Test
	void leasesAreReleasedWhenARequestIsCancelled() {
		runWithPool((context, client) -> {
			Disposable request = client.get()
				.uri(this.target.baseUrl() + "/delay/5000")
				.retrieve()
				.bodyToMono(String.class)
				.subscribe();
			ProxyPool pool = pool(context);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> pool.members().stream().mapToInt(PoolMember::activeLeases).sum() == 1);
			request.dispose();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> pool.members().stream().mapToInt(PoolMember::activeLeases).sum() == 0);
		}, "cryptofeed.proxy.default.http.strategy=least-connections");
	}

	@Test
	void leasesReturnToZeroAfterSuccessesAndFailures() {
		this.second.fault(Fault.REFUSE);
		runWithPool((context, client) -> {
			PoolMember refusing = pool(context).members().get(1);
			CircuitBreaker.Metrics refusals = context.getBean(MemberCircuitBreakers.class).breakerOf(refusing).getMetrics();
			TransportTestSupport.sendUntilFailedThrough(refusals, () -> whoami(client));
			assertThat(pool(context).members()).allSatisfy((m) -> assertThat(m.activeLeases()).isZero());
		}, "cryptofeed.proxy.default.http.strategy=least-connections");
	}

	@Test
	void withoutAnyPoolRequestsGoDirect() {
		TransportTestSupport.runner().run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThat(whoami(client)).isEqualTo("127.0.0.1");
			assertThat(this.first.accepted() + this.second.accepted() + this.third.accepted()).isZero();
		});
	}

	@Test
	void aTypeWithoutPoolGoesDirectWhileTheOtherUsesItsPool() {
		String[] properties = { "cryptofeed.proxy.exchanges.other.hosts=example.invalid",
				"cryptofeed.proxy.exchanges.other.http.url=" + this.first.url() };
		TransportTestSupport.runner()
			.withPropertyValues(properties)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				// as Boot's metrics auto-configuration binds them
				context.getBeansOfType(MeterBinder.class).values().forEach((binder) -> binder.bindTo(registry));
				WebClient client = context.getBean(WebClient.Builder.class).build();
				assertThat(whoami(client)).isEqualTo("127.0.0.1");
				assertThat(whoami(client)).isEqualTo("127.0.0.1");
				assertThat(this.first.accepted()).isZero();
				assertThat(registry.get("cryptofeed.proxy.direct")
					.tags("type", "http", "reason", "no-pool")
					.functionCounter()
					.count()).as("counted as direct, and why").isEqualTo(2);
				assertThat(registry.find("cryptofeed.proxy.direct").functionCounters()).hasSize(8);
			});
	}

	@Test
	void anotherConnectorIsNamedInAWarningAndItsRequestsGoDirect(CapturedOutput output) {
		runWithPool((context, client) -> {
			assertThat(whoami(client)).isEqualTo("127.0.0.1");
			assertThat(this.first.accepted() + this.second.accepted() + this.third.accepted()).isZero();
			assertThat(output).contains("proxy pools: WebClient requests go direct", "JdkClientHttpConnectorBuilder",
					"spring.http.clients.reactive.connector=reactor");
			assertThat(context.getBean(ProxyPoolHttpClients.class)
				.directRoutes()
				.count(ConnectionType.HTTP, DirectRoutes.Reason.UNPOOLED_CLIENT)).isOne();
		}, "spring.http.clients.reactive.connector=jdk");
	}

	/**
	 * Boot customizes only the connector builder it makes: one of the application's takes its
	 * place as it is, so its requests go direct, though it is Reactor Netty's.
	 */
	@Test
	void aReactorConnectorBuilderOfTheApplicationsIsNamedAtStartUp(CapturedOutput output) {
		TransportTestSupport.runner()
			.withPropertyValues(this.trio.pool("default.http"))
			.withBean("ownConnectorBuilder", ClientHttpConnectorBuilder.class, ClientHttpConnectorBuilder::reactor)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(whoami(context.getBean(WebClient.Builder.class).build())).isEqualTo("127.0.0.1");
				assertThat(this.first.accepted() + this.second.accepted() + this.third.accepted()).isZero();
				assertThat(output).contains("proxy pools: WebClient requests go direct, not through the pools: the "
						+ "ClientHttpConnectorBuilder bean 'ownConnectorBuilder' (ReactorClientHttpConnectorBuilder) is "
						+ "the application's own", "ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder>");
			});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "bean", "builder" })
	void aConnectorOfTheApplicationsIsNamedInAWarningOnce(String where) {
		ApplicationContextRunner runner = TransportTestSupport.runner().withPropertyValues(this.trio.pool("default.http"));
		if (where.equals("bean")) {
			// an application's own connector bean replaces Boot's, and Boot's WebClient.Builder takes it
			runner = runner.withBean(ClientHttpConnector.class,
					() -> new ReactorClientHttpConnector(HttpClient.create().responseTimeout(Duration.ofSeconds(5))));
		}
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			WebClient.Builder builder = context.getBean(WebClient.Builder.class);
			WebClient client = where.equals("bean") ? builder.build()
					: builder.clientConnector(new JdkClientHttpConnector()).build();
			try (CapturedLog log = CapturedLog.of(ProxyPoolExchangeFilter.class)) {
				assertThat(whoami(client)).isEqualTo("127.0.0.1");
				assertThat(whoami(client)).isEqualTo("127.0.0.1");
				assertThat(log.warnings()).singleElement()
					.asString()
					.contains("a WebClient request was answered without the pools");
				assertThat(this.first.accepted() + this.second.accepted() + this.third.accepted()).isZero();
				assertThat(context.getBean(ProxyPoolHttpClients.class)
					.directRoutes()
					.count(ConnectionType.HTTP, DirectRoutes.Reason.UNPOOLED_CLIENT)).as("counted as direct, and why")
					.isEqualTo(2);
			}
		});
	}

	@Test
	void reactorNettysConnectorGivesNoWarning(CapturedOutput output) {
		runWithPool((context, client) -> {
			try (CapturedLog log = CapturedLog.of(ProxyPoolExchangeFilter.class)) {
				for (int i = 0; i < 6; i++) {
					assertThat(whoami(client)).isIn("127.0.0.11", "127.0.0.12", "127.0.0.13");
				}
				assertThat(whoamiVia(client, "localhost")).as("a direct host").isEqualTo("127.0.0.1");
				ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
				WebClient byHand = context.getBean(WebClient.Builder.class)
					.clientConnector(new ReactorClientHttpConnector(
							clients.apply(clients.newHttpClient(), ConnectionType.HTTP)))
					.build();
				assertThat(whoami(byHand)).as("a connector built on the pools by hand")
					.isIn("127.0.0.11", "127.0.0.12", "127.0.0.13");
				assertThat(log.warnings()).isEmpty();
				assertThat(clients.directRoutes().count(ConnectionType.HTTP, DirectRoutes.Reason.UNPOOLED_CLIENT))
					.isZero();
			}
			assertThat(output).doesNotContain("requests go direct");
		}, "cryptofeed.proxy.direct-hosts=localhost");
	}

	/**
	 * A response timeout the caller set on the request, shorter than the pool's, is the caller's
	 * deadline: the GET it ends is not sent again through another member (which would wait as
	 * long once more), and no member is blamed, since a target slower than the caller's patience
	 * says nothing of the proxy. With one attempt allowed, the lone stall was blamed.
	 */
	@ParameterizedTest(name = "max-attempts {0}")
	@ValueSource(ints = { 3, 1 })
	void aGetEndedByTheCallersOwnResponseTimeoutIsNeitherSentAgainNorBlamed(int maxAttempts) {
		runWithPool((context, client) -> {
			assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> client.get()
				.uri(this.target.baseUrl() + "/delay/5000")
				.httpRequest((request) -> request.<reactor.netty.http.client.HttpClientRequest>getNativeRequest()
					.responseTimeout(Duration.ofMillis(300)))
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10))).withCauseInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
			assertThat(this.trio.tunnels()).as("tunnels opened").isOne();
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			assertThat(pool(context).members()).allSatisfy((member) -> {
				assertThat(breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero();
				assertThat(member.isAvailable()).isTrue();
				assertThat(member.activeLeases()).isZero();
			});
			assertThat(this.target.requestsByPeer().values()).containsExactly(1);
		}, "cryptofeed.proxy.default.http.timeout=10s", "cryptofeed.proxy.failover.max-attempts=" + maxAttempts);
	}

	/**
	 * A filter of the application's, inside the pools', that gives the exchange a deadline of
	 * its own ({@code timeout(...)}, a TimeoutException before the answer): the application's
	 * deadline, as a response timeout of its own is, so the GET is not sent again through
	 * another member nor its member blamed. It was taken for a stall of the proxy.
	 */
	@Test
	void aGetAnApplicationFiltersOwnDeadlineEndsIsNeitherSentAgainNorBlamed() {
		runWithPool((context, pooled) -> {
			WebClient client = context.getBean(WebClient.Builder.class)
				.filter((request, next) -> next.exchange(request).timeout(Duration.ofMillis(300)))
				.build();
			assertThatThrownBy(() -> client.get()
				.uri(this.target.baseUrl() + "/delay/5000")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10))).hasRootCauseInstanceOf(TimeoutException.class);
			assertThat(this.trio.tunnels()).as("tunnels opened").isOne();
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			assertThat(pool(context).members()).allSatisfy((member) -> {
				assertThat(breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero();
				assertThat(member.activeLeases()).isZero();
			});
			assertThat(this.target.requestsByPeer().values()).containsExactly(1);
		}, "cryptofeed.proxy.default.http.timeout=10s");
	}

	private void runWithPool(ContextCallback callback, String... extra) {
		String[] pool = this.trio.pool("default.http");
		ApplicationContextRunner runner = TransportTestSupport.runner().withPropertyValues(pool);
		runner.withPropertyValues(extra).run((context) -> {
			assertThat(context).hasNotFailed();
			callback.accept(context, context.getBean(WebClient.Builder.class).build());
		});
	}

	private String whoami(WebClient client) {
		return whoamiVia(client, this.target.host());
	}

	private String whoamiVia(WebClient client, String host) {
		return client.get()
			.uri("http://" + host + ":" + this.target.port() + "/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(15));
	}

	/**
	 * Sends a request that the exchange answers with a 5xx up to {@code more} times again, as
	 * a filter that retries, or signs anew after a refusal, does.
	 */
	private static Mono<ClientResponse> sendAgainOn5xx(ClientRequest request, ExchangeFunction next, int more) {
		return next.exchange(request)
			.flatMap((response) -> (more > 0 && response.statusCode().is5xxServerError())
					? response.releaseBody().then(sendAgainOn5xx(request, next, more - 1)) : Mono.just(response));
	}

	private static ProxyPool pool(AssertableApplicationContext context) {
		return context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
	}

	private static Fault faultNamed(String name) {
		try {
			return (Fault) Fault.class.getField(name).get(null);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalArgumentException(name, ex);
		}
	}

	@FunctionalInterface
	interface ContextCallback {

		void accept(AssertableApplicationContext context, WebClient client) throws Exception;

	}

}
