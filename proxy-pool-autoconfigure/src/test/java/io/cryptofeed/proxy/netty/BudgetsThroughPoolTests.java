package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.core.ratelimit.PoolRateLimitedException;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.testkit.Fault;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Connect budgets and refused WebSocket handshakes through three in-JVM proxies (egress
 * 127.0.0.51, .52, .53), with a test clock.
 */
class BudgetsThroughPoolTests {

	private final TestClock clock = new TestClock();

	private ProxyTrio trio;

	@BeforeEach
	void start() {
		this.trio = new ProxyTrio("127.0.0.5", "budget-secret");
	}

	@AfterEach
	void stop() {
		this.trio.close();
	}

	@Test
	void aConnectBudgetSpreadsABurstOfReconnectsOverTheMembersAndNoneExceedsIt() {
		// weights 4:1:1 would send two thirds of the sessions through the first member
		RateLimitTestSupport.runner(this.clock)
			.withPropertyValues(this.trio.pool("default.websocket"))
			.withPropertyValues("cryptofeed.proxy.default.websocket.strategy=weighted",
					"cryptofeed.proxy.default.websocket.pool[0].weight=4",
					"cryptofeed.proxy.exchanges.binance.websocket.budget.max-connects=2",
					"cryptofeed.proxy.exchanges.binance.websocket.budget.window=5m")
			.run((context) -> {
				WebSocketClient client = context.getBean(WebSocketClient.class);
				List<String> peers = new ArrayList<>();
				for (int i = 0; i < 6; i++) {
					peers.add(firstFrame(client, "binance"));
				}
				assertThat(peers).containsExactlyInAnyOrder("peer=127.0.0.51", "peer=127.0.0.51", "peer=127.0.0.52",
						"peer=127.0.0.52", "peer=127.0.0.53", "peer=127.0.0.53");

				// N + 1: every member has spent its budget, so the session fails at once, the exchange untouched
				assertThatThrownBy(() -> firstFrame(client, "binance")).isInstanceOf(PoolRateLimitedException.class)
					.hasMessageContaining("exchange=binance")
					.hasMessageContaining("budget spent 3");
				assertThat(this.trio.target.requestsByPeer().values()).containsOnly(2);
				ProxyPool pool = pool(context);
				RateLimits limits = context.getBean(RateLimits.class);
				assertThat(pool.members()).allSatisfy(
						(member) -> assertThat(limits.stateOf(member).get("binance").budgetTokens()).isZero());

				// other exchanges have budgets of their own (none, here)
				assertThat(firstFrame(client, "kraken")).startsWith("peer=127.0.0.5");
				this.clock.advance(Duration.ofMinutes(5));
				assertThat(firstFrame(client, "binance")).startsWith("peer=127.0.0.5");
			});
	}

	@Test
	void anHttpBudgetCountsRequestsOverKeptAliveConnectionsAndSpreadsThem() {
		// coinbase-like: 3 requests per second per address, the first member weighted to take most
		RateLimitTestSupport.runner(this.clock)
			.withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues("cryptofeed.proxy.default.http.strategy=weighted",
					"cryptofeed.proxy.default.http.pool[0].weight=8",
					"cryptofeed.proxy.exchanges.coinbase.http.budget.max-requests=3",
					"cryptofeed.proxy.exchanges.coinbase.http.budget.window=1s")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				for (int i = 0; i < 9; i++) {
					assertThat(whoami(client, "coinbase")).startsWith("127.0.0.5");
				}
				assertThat(this.trio.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.51", 3),
						Map.entry("127.0.0.52", 3), Map.entry("127.0.0.53", 3));
				assertThatThrownBy(() -> whoami(client, "coinbase")).isInstanceOf(WebClientRequestException.class)
					.cause()
					.isInstanceOf(PoolRateLimitedException.class)
					.hasMessageContaining("exchange=coinbase");
				assertThat(whoami(client, "kraken")).startsWith("127.0.0.5");
				this.clock.advance(Duration.ofSeconds(1));
				assertThat(whoami(client, "coinbase")).startsWith("127.0.0.5");
			});
	}

	/**
	 * A request cancelled before it was sent (its proxy had not answered the CONNECT yet)
	 * never reached the exchange: its use goes back, or a burst of cancelled requests would
	 * spend a healthy member's budget and rest it.
	 */
	@Test
	void aRequestCancelledBeforeItWasSentGivesItsBudgetUseBack() {
		RateLimitTestSupport.runner(this.clock)
			.withPropertyValues(TransportTestSupport.pool("default.http", this.trio.first.url()))
			.withPropertyValues("cryptofeed.proxy.exchanges.coinbase.http.budget.max-requests=1",
					"cryptofeed.proxy.exchanges.coinbase.http.budget.window=1m")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				PoolMember member = context.getBean(ProxyPools.class)
					.resolve(null, ConnectionType.HTTP)
					.orElseThrow()
					.members()
					.get(0);
				RateLimits limits = context.getBean(RateLimits.class);
				this.trio.first.fault(Fault.HOLD);
				for (int i = 0; i < 3; i++) {
					int accepted = this.trio.first.accepted();
					Disposable request = client.get()
						.uri(this.trio.target.baseUrl() + "/whoami")
						.attribute(ProxyAttributes.EXCHANGE, "coinbase")
						.retrieve()
						.bodyToMono(String.class)
						.subscribe();
					// the lease and its use are taken before the proxy sees the connect
					await().atMost(Duration.ofSeconds(10)).until(() -> this.trio.first.accepted() > accepted);
					assertThat(limits.stateOf(member).get("coinbase").budgetTokens()).isZero();
					request.dispose();
					assertThat(limits.stateOf(member).get("coinbase").budgetTokens()).isOne();
					assertThat(member.activeLeases()).isZero();
				}
				// one that reached the exchange through its new tunnel keeps its use, cancelled or not
				this.trio.first.fault(Fault.NONE);
				Disposable reached = client.get()
					.uri(this.trio.target.baseUrl() + "/delay/30000")
					.attribute(ProxyAttributes.EXCHANGE, "coinbase")
					.retrieve()
					.bodyToMono(String.class)
					.subscribe();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> this.trio.target.requestsByPeer().containsKey("127.0.0.51"));
				reached.dispose();
				assertThat(limits.stateOf(member).get("coinbase").budgetTokens()).isZero();
				this.clock.advance(Duration.ofMinutes(1));
				assertThat(whoami(client, "coinbase")).isEqualTo("127.0.0.51");
			});
	}

	/**
	 * A blocking request whose thread is interrupted while its proxy holds the CONNECT never
	 * reached the exchange either: its use goes back, as a cancelled reactive request's does.
	 */
	@Test
	void aBlockingRequestInterruptedBeforeItWasSentGivesItsBudgetUseBack() {
		RestClientThroughPoolTests.withBlockingClients(RateLimitTestSupport.runner(this.clock))
			.withPropertyValues(TransportTestSupport.pool("default.http", this.trio.first.url()))
			.withPropertyValues("cryptofeed.proxy.exchanges.coinbase.http.budget.max-requests=1",
					"cryptofeed.proxy.exchanges.coinbase.http.budget.window=1m")
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				PoolMember member = context.getBean(ProxyPools.class)
					.resolve(null, ConnectionType.HTTP)
					.orElseThrow()
					.members()
					.get(0);
				RateLimits limits = context.getBean(RateLimits.class);
				this.trio.first.fault(Fault.HOLD);
				AtomicReference<Throwable> thrown = new AtomicReference<>();
				Thread caller = new Thread(() -> {
					try {
						client.get()
							.uri(this.trio.target.baseUrl() + "/whoami")
							.attribute(ProxyAttributes.EXCHANGE, "coinbase")
							.retrieve()
							.body(String.class);
					}
					catch (RuntimeException ex) {
						thrown.set(ex);
					}
				}, "interrupted-caller");
				caller.start();
				// the lease and its use are taken before the proxy sees the connect
				await().atMost(Duration.ofSeconds(10)).until(() -> this.trio.first.accepted() > 0);
				assertThat(limits.stateOf(member).get("coinbase").budgetTokens()).isZero();

				caller.interrupt();

				await().atMost(Duration.ofSeconds(10)).until(() -> !caller.isAlive());
				assertThat(thrown.get()).hasRootCauseInstanceOf(InterruptedException.class);
				assertThat(limits.stateOf(member).get("coinbase").budgetTokens()).isOne();
				assertThat(member.activeLeases()).isZero();
			});
	}

	private String whoami(WebClient client, String exchange) {
		return client.get()
			.uri(this.trio.target.baseUrl() + "/whoami")
			.attribute(ProxyAttributes.EXCHANGE, exchange)
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	@Test
	void aWebSocketHandshakeTheExchangeRefusesRestsTheMemberWithoutFailingIt() {
		RateLimitTestSupport.runner(this.clock).withPropertyValues(this.trio.pool("default.websocket")).run((context) -> {
			WebSocketClient client = context.getBean(WebSocketClient.class);
			URI limited = URI.create(this.trio.target.wsUrl() + "?status=429&retry-after=60");
			for (int i = 0; i < 3; i++) {
				assertThatThrownBy(() -> session(client, limited, "binance").block(Duration.ofSeconds(10)))
					.isInstanceOf(WebSocketClientHandshakeException.class)
					.hasMessageContaining("429");
			}
			assertThat(this.trio.target.requestsByPeer()).hasSize(3);
			assertThatThrownBy(() -> session(client, limited, "binance").block(Duration.ofSeconds(10)))
				.isInstanceOf(PoolRateLimitedException.class)
				.hasMessageContaining("cooling down 3");
			assertThat(firstFrame(client, "kraken")).startsWith("peer=127.0.0.5");
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			assertThat(pool(context).members()).allSatisfy((member) -> {
				assertThat(breakers.breakerOf(member).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
				assertThat(breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero();
			});
			// each refusal came through a new tunnel, which worked, as did the kraken session's
			assertThat(pool(context).members()).extracting(PoolMember::succeededConnects)
				.as("new connections through the members")
				.satisfies((counts) -> assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(4))
				.allSatisfy((count) -> assertThat(count).isPositive());
			// and each was one success for its member's breaker too, not one more for the refusal
			assertThat(pool(context).members()).allSatisfy((member) -> assertThat(
					breakers.breakerOf(member).getMetrics().getNumberOfSuccessfulCalls())
				.isEqualTo((int) member.succeededConnects()));
		});
	}

	@Test
	void withRetryOnCooldownARefusedHandshakeOpensThroughAnotherMember() {
		RateLimitTestSupport.runner(this.clock)
			.withPropertyValues(this.trio.pool("default.websocket"))
			.withPropertyValues("cryptofeed.proxy.default.rate-limit.retry-on-cooldown=true")
			.run((context) -> {
				WebSocketClient client = context.getBean(WebSocketClient.class);
				PoolMember refused = pool(context).members().get(0);
				// the first member's address is refused with 403 at the handshake, the others get the stream
				URI url = URI.create(this.trio.target.wsUrl() + "?status=403&peer=127.0.0.51");
				for (int i = 0; i < 3; i++) {
					assertThat(firstFrame(client, url, "bybit")).isIn("peer=127.0.0.52", "peer=127.0.0.53");
				}
				assertThat(context.getBean(RateLimits.class).stateOf(refused).get("bybit").lastStatus()).isEqualTo(403);
				assertThat(this.trio.target.requestsByPeer()).containsEntry("127.0.0.51", 1);
				assertThat(this.trio.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum())
					.isEqualTo(4);
			});
	}

	/**
	 * With retry-on-cooldown, a handshake the exchange refused, opened again through the member
	 * left, which refuses the connect: the caller gets the exchange's refusal, as a WebClient's
	 * and a RestClient's caller gets the exchange's answer (docs/exchange-limits.md), not a
	 * failed connect that names only the member that could not connect.
	 */
	@Test
	void withRetryOnCooldownARefusedHandshakeWhoseRetryFailsToConnectEndsWithTheExchangesRefusal() {
		this.trio.second.fault(Fault.REFUSE);
		// the refusing proxy is drained until the exchange refused the other member, so that it comes second
		ProxyOutcomes undrainOnTunnel = new ProxyOutcomes() {

			@Override
			public void succeeded(ProxyPool pool, PoolMember member, Duration elapsed) {
				pool.setUnavailable(pool.members().get(1), Unavailability.DRAINED, false);
			}

		};
		RateLimitTestSupport.runner(this.clock)
			.withPropertyValues(TransportTestSupport.pool("default.websocket", this.trio.first.url(),
					this.trio.second.url()))
			.withPropertyValues("cryptofeed.proxy.default.rate-limit.retry-on-cooldown=true")
			.withBean(ProxyOutcomes.class, () -> undrainOnTunnel)
			.run((context) -> {
				PoolMember refusingConnects = pool(context).members().get(1);
				pool(context).setUnavailable(refusingConnects, Unavailability.DRAINED, true);
				URI url = URI.create(this.trio.target.wsUrl() + "?status=403&peer=127.0.0.51");
				assertThatThrownBy(
						() -> session(context.getBean(WebSocketClient.class), url, "bybit").block(Duration.ofSeconds(10)))
					.isInstanceOf(WebSocketClientHandshakeException.class)
					.hasMessageContaining("403");
				// the failed connect still counts against its member
				assertThat(context.getBean(MemberCircuitBreakers.class)
					.breakerOf(refusingConnects)
					.getMetrics()
					.getNumberOfFailedCalls()).isOne();
			});
	}

	@Test
	void aMemberThatRefusedAHandshakeHoldsNoLeaseForTheSessionOpenedElsewhere() {
		RateLimitTestSupport.runner(this.clock)
			.withPropertyValues(this.trio.pool("default.websocket"))
			.withPropertyValues("cryptofeed.proxy.default.websocket.strategy=least-connections",
					"cryptofeed.proxy.default.rate-limit.retry-on-cooldown=true")
			.run((context) -> {
				WebSocketClient client = context.getBean(WebSocketClient.class);
				PoolMember refusing = pool(context).members().get(0);
				URI url = URI.create(this.trio.target.wsUrl() + "?status=403&peer=127.0.0.51");
				Sinks.Empty<Void> closeAll = Sinks.empty();
				List<Disposable> sessions = new ArrayList<>();
				// an exchange per session, so the refusal rests the member for that one only: with
				// fewest leases, the refusing member is tried first by the third session at the latest
				for (int i = 0; i < 4; i++) {
					String exchange = "exchange-" + i;
					Sinks.One<String> frame = Sinks.one();
					sessions.add(client
						.execute(url,
								(s) -> s.receive()
									.map(WebSocketMessage::getPayloadAsText)
									.doOnNext(frame::tryEmitValue)
									.takeUntilOther(closeAll.asMono())
									.then())
						.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE, exchange))
						.subscribe());
					assertThat(frame.asMono().block(Duration.ofSeconds(10))).isIn("peer=127.0.0.52", "peer=127.0.0.53");
				}
				assertThat(this.trio.target.requestsByPeer()).containsKey("127.0.0.51");
				assertThat(refusing.activeLeases()).isZero();
				assertThat(pool(context).members().stream().mapToInt(PoolMember::activeLeases).sum()).isEqualTo(4);
				closeAll.tryEmitEmpty();
				await().atMost(Duration.ofSeconds(5))
					.until(() -> pool(context).members().stream().mapToInt(PoolMember::activeLeases).sum() == 0);
				sessions.forEach(Disposable::dispose);
			});
	}

	private String firstFrame(WebSocketClient client, String exchange) {
		return firstFrame(client, URI.create(this.trio.target.wsUrl()), exchange);
	}

	private static String firstFrame(WebSocketClient client, URI url, String exchange) {
		Sinks.One<String> frame = Sinks.one();
		client.execute(url,
				(s) -> s.receive().take(1).map(WebSocketMessage::getPayloadAsText).doOnNext(frame::tryEmitValue).then())
			.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE, exchange))
			.block(Duration.ofSeconds(10));
		return frame.asMono().block(Duration.ofSeconds(1));
	}

	private static Mono<Void> session(WebSocketClient client, URI url, String exchange) {
		return client.execute(url, (s) -> s.receive().take(1).then())
			.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE, exchange));
	}

	private static ProxyPool pool(AssertableApplicationContext context) {
		return context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
	}

}
