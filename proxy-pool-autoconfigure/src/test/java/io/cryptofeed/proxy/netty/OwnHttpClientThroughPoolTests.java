package io.cryptofeed.proxy.netty;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.ProxyProvider;
import reactor.util.context.Context;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Reactor Netty HttpClient the application builds itself, given the pools through the public API. */
class OwnHttpClientThroughPoolTests {

	private TargetServer target;

	private HttpConnectProxy refusing;

	private Socks5Proxy working;

	@BeforeEach
	void start() {
		this.target = TargetServer.start("127.0.0.1");
		this.refusing = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.61").start();
		this.working = Socks5Proxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.62").start();
		this.refusing.fault(Fault.REFUSE);
	}

	@AfterEach
	void stop() {
		this.refusing.close();
		this.working.close();
		this.target.close();
	}

	@Test
	void applyAndWithFailoverGiveAnOwnClientTheSameRoutingAndFailover() {
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", this.refusing.url(), this.working.url()))
			.run((context) -> {
				ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
				HttpClient own = pools.apply(HttpClient.create().responseTimeout(Duration.ofSeconds(5)),
						ConnectionType.HTTP);
				for (int i = 0; i < 6; i++) {
					String peer = pools
						.withFailover(ConnectionType.HTTP,
								() -> own.get().uri(this.target.baseUrl() + "/whoami").responseContent().aggregate().asString())
						.block(Duration.ofSeconds(10));
					assertThat(peer).isEqualTo("127.0.0.62");
				}
				assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.62", 6));
			});
	}

	/**
	 * A client of the application's used without withFailover reads the exchange from the
	 * Reactor context itself: a value of the application's own type (an enum) by its
	 * toString, as a request attribute is. The default pool refuses, so a request that lost
	 * its exchange would fail.
	 */
	@Test
	void anOwnClientReadsAnExchangeNamedInTheReactorContextByAnEnum() {
		TransportTestSupport.runner()
			.withPropertyValues("cryptofeed.proxy.default.http.url=" + this.refusing.url(),
					"cryptofeed.proxy.exchanges.binance.http.url=" + this.working.url())
			.run((context) -> {
				ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
				HttpClient own = pools.apply(HttpClient.create().responseTimeout(Duration.ofSeconds(5)),
						ConnectionType.HTTP);
				String peer = own.get()
					.uri(this.target.baseUrl() + "/whoami")
					.responseContent()
					.aggregate()
					.asString()
					.contextWrite(Context.of(ProxyAttributes.EXCHANGE, Venue.BINANCE))
					.block(Duration.ofSeconds(10));
				assertThat(peer).isEqualTo("127.0.0.62");
			});
	}

	/**
	 * An own client's request finds its exchange by the host it goes to, however its URL is
	 * given: on a base URL ({@code baseUrl(...)} and a path), on the client's host and port
	 * ({@code host(...)}, {@code port(...)} and a path), or with characters a strict URI
	 * parser rejects, which Reactor Netty sends as they are (Binance's
	 * {@code symbols=["BTCUSDT","BNBUSDT"]}). Each once lost its host and went through the
	 * default pool, which refuses here.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "base URL", "host and port", "unencoded query" })
	void anOwnClientsRequestFindsItsExchangeByHostHoweverItsUrlIsGiven(String given) {
		TransportTestSupport.runner()
			.withPropertyValues("cryptofeed.proxy.default.http.url=" + this.refusing.url(),
					"cryptofeed.proxy.exchanges.binance.hosts=localhost",
					"cryptofeed.proxy.exchanges.binance.http.url=" + this.working.url())
			.run((context) -> {
				ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
				HttpClient own = pools.apply(HttpClient.create().responseTimeout(Duration.ofSeconds(5)),
						ConnectionType.HTTP);
				String base = "http://localhost:" + this.target.port();
				HttpClient.ResponseReceiver<?> request = switch (given) {
					case "base URL" -> own.baseUrl(base).get().uri("/whoami");
					case "host and port" -> own.host("localhost").port(this.target.port()).get().uri("/whoami");
					default -> own.get().uri(base + "/whoami?symbols=[\"BTCUSDT\",\"BNBUSDT\"]");
				};
				String peer = request.responseContent().aggregate().asString().block(Duration.ofSeconds(10));
				assertThat(peer).isEqualTo("127.0.0.62");
			});
	}

	/**
	 * A WebClient of the application's on the pooled connector but without the pools' filter
	 * (docs/migration.md): its requests go through the pools, yet a connect refused by one
	 * member is not tried through another; with the filter it is.
	 */
	@Test
	void aWebClientOnThePooledConnectorWithoutTheFilterDoesNotFailOver() {
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", this.refusing.url(), this.working.url()))
			.run((context) -> {
				ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
				WebClient.Builder builder = WebClient.builder()
					.clientConnector(new ReactorClientHttpConnector(
							pools.apply(pools.newHttpClient(), ConnectionType.HTTP)));
				WebClient withoutFilter = builder.build();
				WebClient withFilter = builder.filter(new ProxyPoolExchangeFilter(pools)).build();
				List<Throwable> failures = new ArrayList<>();
				// round-robin over two members: one of two requests goes to the refusing one
				for (int i = 0; i < 2; i++) {
					try {
						whoami(withoutFilter);
					}
					catch (WebClientRequestException ex) {
						failures.add(ex);
					}
				}
				assertThat(failures).singleElement()
					.satisfies((failure) -> assertThat(failure).hasRootCauseInstanceOf(ConnectException.class));
				for (int i = 0; i < 2; i++) {
					assertThat(whoami(withFilter)).isEqualTo("127.0.0.62");
				}
			});
	}

	private String whoami(WebClient client) {
		return client.get()
			.uri(this.target.baseUrl() + "/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	/**
	 * A client the pools were applied to twice (a customizer of the application's that calls
	 * {@code apply} on Boot's client, which the starter's customizer already did): each connect
	 * chooses its member once, so round-robin still takes each member in turn. A second
	 * selection would take a lease on a member the connect never uses, and in a pool of two
	 * send every request through the same member.
	 */
	@Test
	void applyingThePoolsTwiceChoosesEachConnectsMemberOnce() {
		try (HttpConnectProxy first = HttpConnectProxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.64")
			.start();
				HttpConnectProxy second = HttpConnectProxy.builder()
					.bindAddress("127.0.0.1")
					.egressAddress("127.0.0.65")
					.start()) {
			TransportTestSupport.runner()
				.withPropertyValues(TransportTestSupport.pool("default.http", first.url(), second.url()))
				.withPropertyValues("cryptofeed.proxy.default.http.strategy=round-robin")
				.run((context) -> {
					ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
					HttpClient once = pools.apply(HttpClient.create(), ConnectionType.HTTP);
					HttpClient twice = pools.apply(once, ConnectionType.HTTP);
					for (int i = 0; i < 4; i++) {
						twice.get()
							.uri(this.target.baseUrl() + "/whoami")
							.responseContent()
							.aggregate()
							.asString()
							.block(Duration.ofSeconds(10));
					}
					assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.64", 2),
							Map.entry("127.0.0.65", 2));
					assertThatThrownBy(() -> pools.apply(once, ConnectionType.WEBSOCKET))
						.isInstanceOf(IllegalArgumentException.class)
						.hasMessageContaining("already goes through the pools for http");
				});
		}
	}

	@Test
	void anOwnClientUsedAloneBlamesAMemberThatStallsItsTlsHandshakesSinceNothingRetriesThem() {
		try (HttpConnectProxy stalling = HttpConnectProxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.63")
			.start(); TargetServer tls = TargetServer.startTls("127.0.0.1")) {
			stalling.fault(Fault.STALL);
			// each stall costs both timeouts; nearly all of it is the first, which bounds the
			// proxy's own handshake alone
			TransportTestSupport.runner()
				.withPropertyValues("cryptofeed.proxy.default.http.url=" + stalling.url(),
						"cryptofeed.proxy.handshake-timeout=1s", "cryptofeed.proxy.tls-handshake-timeout=200ms",
						"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1m")
				.run((context) -> {
					ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
					HttpClient own = pools.apply(pools.newHttpClient()
						.secure((spec) -> spec.sslContext(TargetServer.trustingClientSslContext())), ConnectionType.HTTP);
					for (int i = 0; i < 2; i++) {
						// used on its own, without withFailover
						assertThatThrownBy(() -> own.get()
							.uri(tls.baseUrl() + "/whoami")
							.responseContent()
							.aggregate()
							.asString()
							.block(Duration.ofSeconds(5))).hasRootCauseInstanceOf(SslHandshakeTimeoutException.class);
					}
					PoolMember member = context.getBean(ProxyPools.class)
						.resolve(null, ConnectionType.HTTP)
						.orElseThrow()
						.members()
						.get(0);
					assertThat(context.getBean(MemberCircuitBreakers.class).breakerOf(member).getState())
						.isEqualTo(CircuitBreaker.State.OPEN);
					assertThat(stalling.tunnels()).isEqualTo(2);
					assertThat(tls.requestsByPeer()).isEmpty();
				});
		}
	}

	@Test
	void anOwnClientsFailureAfterTheAnswerIsNoFailureOfTheMemberThatCarriedIt() {
		ConnectException applicationFailure = new ConnectException("application lost its database");
		TransportTestSupport.runner()
			.withPropertyValues("cryptofeed.proxy.default.http.url=" + this.working.url())
			.run((context) -> {
				ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
				HttpClient own = pools.apply(HttpClient.create(), ConnectionType.HTTP);
				// used on its own, without withFailover
				Mono<String> request = own.get()
					.uri(this.target.baseUrl() + "/whoami")
					.responseSingle((response, body) -> body.then(Mono.error(applicationFailure)));
				assertThatThrownBy(() -> request.block(Duration.ofSeconds(10))).hasRootCause(applicationFailure);
				assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.62", 1));
				PoolMember member = context.getBean(ProxyPools.class)
					.resolve(null, ConnectionType.HTTP)
					.orElseThrow()
					.members()
					.get(0);
				CircuitBreaker breaker = context.getBean(MemberCircuitBreakers.class).breakerOf(member);
				assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
			});
	}

	/**
	 * A proxy set on the client by hand gives way to the pools: a pooled host goes through
	 * the pool's member, and one of the direct hosts directly, not through that proxy.
	 */
	@Test
	void applyReplacesAProxySetOnTheClientByHand() {
		try (HttpConnectProxy byHand = HttpConnectProxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.66")
			.start()) {
			TransportTestSupport.runner()
				.withPropertyValues("cryptofeed.proxy.default.http.url=" + this.working.url(),
						"cryptofeed.proxy.direct-hosts=localhost")
				.run((context) -> {
					ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
					HttpClient own = pools.apply(HttpClient.create()
						.proxy((proxy) -> proxy.type(ProxyProvider.Proxy.HTTP).host("127.0.0.1").port(byHand.port())),
							ConnectionType.HTTP);
					assertThat(whoami(own, this.target.baseUrl())).isEqualTo("127.0.0.62");
					assertThat(whoami(own, "http://localhost:" + this.target.port())).isEqualTo("127.0.0.1");
					assertThat(byHand.tunnels()).isZero();
				});
		}
	}

	/**
	 * A client on a connection provider of the application's, used with and without
	 * withFailover, with a member that refuses: every lease goes back, so least-connections
	 * counts each member at 0 again. Least-connections breaks the ties between the two idle
	 * members at random, so the requests go on until one alone met the refusing member; no
	 * breaker takes that member out meanwhile.
	 */
	@Test
	void anOwnClientOnItsOwnConnectionProviderGivesBackEveryLease() {
		ConnectionProvider provider = ConnectionProvider.create("own", 4);
		try {
			TransportTestSupport.runner()
				.withPropertyValues(TransportTestSupport.pool("default.http", this.refusing.url(), this.working.url()))
				.withPropertyValues("cryptofeed.proxy.default.http.strategy=least-connections",
						"cryptofeed.proxy.circuit-breaker.enabled=false")
				.run((context) -> {
					ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
					HttpClient own = pools.apply(HttpClient.create(provider), ConnectionType.HTTP);
					int failed = 0;
					for (int i = 0; i < 10 || (failed == 0 && i < 200); i++) {
						String body = "failed-over-" + i;
						try {
							post(own, "alone-" + i).block(Duration.ofSeconds(10));
						}
						catch (RuntimeException ex) {
							// nothing fails it over
							failed++;
						}
						assertThat(pools.withFailover(ConnectionType.HTTP, () -> post(own, body))
							.block(Duration.ofSeconds(10))).isEqualTo(body);
					}
					assertThat(failed).as("requests alone through the refusing member").isPositive();
					assertThat(context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow().members())
						.allSatisfy((member) -> assertThat(member.activeLeases()).isZero());
				});
		}
		finally {
			provider.disposeLater().block(Duration.ofSeconds(10));
		}
	}

	private Mono<String> post(HttpClient client, String body) {
		return client.post()
			.uri(this.target.baseUrl() + "/echo")
			.send(ByteBufFlux.fromString(Mono.just(body)))
			.responseContent()
			.aggregate()
			.asString();
	}

	private static String whoami(HttpClient client, String baseUrl) {
		return client.get().uri(baseUrl + "/whoami").responseContent().aggregate().asString().block(Duration.ofSeconds(10));
	}

}
