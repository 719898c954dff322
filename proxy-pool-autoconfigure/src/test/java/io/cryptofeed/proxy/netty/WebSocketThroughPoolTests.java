package io.cryptofeed.proxy.netty;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolSwitchesAutoConfiguration;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyOutcomes;
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
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The auto-configured WebSocketClient bean through a pool of in-JVM proxies. */
@ExtendWith(OutputCaptureExtension.class)
class WebSocketThroughPoolTests {

	private ProxyTrio trio;

	/** An order book's snapshot, above Reactor Netty's default frame limit of 64 KB. */
	private static final int SNAPSHOT_BYTES = 200_000;

	private TargetServer target;

	private HttpConnectProxy first;

	private HttpConnectProxy second;

	private Socks5Proxy third;

	@BeforeEach
	void start() {
		this.trio = new ProxyTrio("127.0.0.2", "ws-secret");
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
	void sessionsLeaveThroughEachMemberInTurn() {
		run((context, client) -> {
			List<String> peers = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				peers.add(firstFrame(client));
			}
			assertThat(peers).containsOnly("peer=127.0.0.21", "peer=127.0.0.22", "peer=127.0.0.23");
			assertThat(peers.stream().distinct()).hasSize(3);
		});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "REFUSE", "HANG", "RESET", "STATUS_407", "STATUS_500" })
	void aFailingMemberIsSkippedForEverySession(String fault) throws Exception {
		this.first.fault((Fault) Fault.class.getField(fault).get(null));
		run((context, client) -> {
			for (int i = 0; i < 6; i++) {
				assertThat(firstFrame(client)).isIn("peer=127.0.0.22", "peer=127.0.0.23");
			}
		}, TransportTestSupport.FAILED_OVER_HANDSHAKE_TIMEOUT);
	}

	@Test
	void aMemberWhoseTunnelStallsIsBlamedOnceTheHandshakeItStalledIsAnsweredThroughAnother() {
		this.first.fault(Fault.STALL);
		run((context, client) -> {
			PoolMember stalling = context.getBean(ProxyPools.class)
				.resolve(null, ConnectionType.WEBSOCKET)
				.orElseThrow()
				.members()
				.get(0);
			// round-robin meets the stalling member within three sessions
			for (int i = 0; i < 3 && this.first.tunnels() == 0; i++) {
				assertThat(firstFrame(client)).isIn("peer=127.0.0.22", "peer=127.0.0.23");
			}
			assertThat(this.first.tunnels()).isOne();
			assertThat(context.getBean(MemberCircuitBreakers.class)
				.breakerOf(stalling)
				.getMetrics()
				.getNumberOfFailedCalls()).isOne();
		}, "cryptofeed.proxy.default.websocket.timeout=" + TransportTestSupport.STALLED_ANSWER_TIMEOUT);
	}

	@Test
	void aSocksAuthenticationFailureIsSkipped() {
		this.third.fault(Fault.AUTH_FAIL);
		run((context, client) -> {
			for (int i = 0; i < 6; i++) {
				assertThat(firstFrame(client)).isIn("peer=127.0.0.21", "peer=127.0.0.22");
			}
		});
	}

	@Test
	void aMemberWhoseTcpConnectNeverCompletesCostsTheConnectTimeoutAndIsSkipped() {
		try (BlackholeProxy blackhole = BlackholeProxy.start()) {
			String[] properties = { "cryptofeed.proxy.default.websocket.pool[0].url=" + blackhole.url(),
					"cryptofeed.proxy.default.websocket.pool[1].url=" + this.second.url(),
					"cryptofeed.proxy.connect-timeout=300ms", "cryptofeed.proxy.handshake-timeout=30s" };
			TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
				WebSocketClient client = context.getBean(WebSocketClient.class);
				for (int i = 0; i < 4; i++) {
					assertThat(firstFrame(client)).isEqualTo("peer=127.0.0.22");
				}
				// half the sessions chose the blackhole first; each was opened through the other member
				assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.22", 4));
			});
		}
	}

	@Test
	void theBreakerTakesAFailingMemberOutOfNewSessionsAndBringsItBackAfterRecovery() {
		this.first.fault(Fault.REFUSE);
		run((context, client) -> {
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
			PoolMember failing = pool.members().get(0);
			CircuitBreaker breaker = context.getBean(MemberCircuitBreakers.class).breakerOf(failing);
			for (int i = 0; i < 9; i++) {
				assertThat(firstFrame(client)).isIn("peer=127.0.0.22", "peer=127.0.0.23");
			}
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(pool.availableMembers()).doesNotContain(failing);
			int refusedSoFar = this.first.accepted();
			for (int i = 0; i < 9; i++) {
				firstFrame(client);
			}
			assertThat(this.first.accepted()).isEqualTo(refusedSoFar);

			this.first.fault(Fault.NONE);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(firstFrame(client)).isEqualTo("peer=127.0.0.21"));
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				firstFrame(client);
				assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			});
			assertThat(pool.availableMembers()).contains(failing);
		});
	}

	@Test
	void leastConnectionsBalancesOpenSessionsAndTheyCountUntilClosed() {
		run((context, client) -> {
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
			Sinks.Empty<Void> closeAll = Sinks.empty();
			List<Disposable> sessions = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				sessions.add(client
					.execute(URI.create(this.target.wsUrl()),
							(session) -> session.receive().takeUntilOther(closeAll.asMono()).then())
					.subscribe());
				int opened = i + 1;
				await().atMost(Duration.ofSeconds(5))
					.until(() -> pool.members().stream().mapToInt(PoolMember::activeLeases).sum() == opened);
			}
			assertThat(pool.members()).allSatisfy((member) -> assertThat(member.activeLeases()).isEqualTo(2));
			closeAll.tryEmitEmpty();
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(pool.members())
					.allSatisfy((member) -> assertThat(member.activeLeases()).isZero()));
			sessions.forEach(Disposable::dispose);
		}, "cryptofeed.proxy.default.websocket.strategy=least-connections");
	}

	/**
	 * A feed's sessions opened under round-robin, then a reload that adds a member and turns
	 * the pool to least-connections: the sessions already open count, so the new member takes
	 * the next ones until it carries as many.
	 */
	@Test
	void aReloadToLeastConnectionsCountsTheSessionsAlreadyOpen() {
		Map<String, Object> reloadable = new LinkedHashMap<>();
		reloadable.put("cryptofeed.proxy.default.websocket.pool[0].url", this.first.url());
		reloadable.put("cryptofeed.proxy.default.websocket.pool[1].url", this.second.url());
		TransportTestSupport.reloadableRunner(reloadable)
			.run((context) -> {
				WebSocketClient client = context.getBean(WebSocketClient.class);
				ProxyPool pool = context.getBean(ProxyPools.class)
					.resolve(null, ConnectionType.WEBSOCKET)
					.orElseThrow();
				Sinks.Empty<Void> closeAll = Sinks.empty();
				List<String> peers = new CopyOnWriteArrayList<>();
				List<Disposable> sessions = new ArrayList<>();
				Runnable open = () -> sessions.add(client
					.execute(URI.create(this.target.wsUrl()),
							(session) -> session.receive()
								.map(WebSocketMessage::getPayloadAsText)
								.doOnNext(peers::add)
								.takeUntilOther(closeAll.asMono())
								.then())
					.subscribe());
				for (int i = 0; i < 20; i++) {
					open.run();
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> peers.size() == 20);

				reloadable.put("cryptofeed.proxy.default.websocket.pool[2].url", this.third.url());
				reloadable.put("cryptofeed.proxy.default.websocket.strategy", "least-connections");
				context.publishEvent(new EnvironmentChangeEvent(context, reloadable.keySet()));
				assertThat(pool.strategyName()).isEqualTo("least-connections");
				for (int i = 0; i < 10; i++) {
					open.run();
					int opened = 21 + i;
					await().atMost(Duration.ofSeconds(10)).until(() -> peers.size() == opened);
				}
				try {
					assertThat(pool.members()).extracting(PoolMember::activeLeases)
						.as("leases of the open sessions, by member")
						.containsExactly(10, 10, 10);
					assertThat(peers.subList(20, 30)).as("the sessions opened after the reload")
						.containsOnly("peer=127.0.0.23");
				}
				finally {
					closeAll.tryEmitEmpty();
					sessions.forEach(Disposable::dispose);
				}
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(pool.members()).extracting(PoolMember::activeLeases)
						.containsOnly(0));
			});
	}

	@Test
	void aCancelledSessionReleasesItsLease() {
		run((context, client) -> {
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
			Disposable session = client.execute(URI.create(this.target.wsUrl()), (s) -> s.receive().then())
				.subscribe();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> pool.members().stream().mapToInt(PoolMember::activeLeases).sum() == 1);
			session.dispose();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> pool.members().stream().mapToInt(PoolMember::activeLeases).sum() == 0);
		}, "cryptofeed.proxy.default.websocket.strategy=least-connections");
	}

	/**
	 * A feed reconnects from the session's end (repeat, retryWhen, then): by then the session
	 * closed, so least-connections must not count it against its member any more.
	 */
	@Test
	void aSessionNoLongerCountsOnceItsEndReachesTheFeedThatReconnects() {
		run((context, client) -> {
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
			URI url = URI.create(this.target.wsUrl());
			Mono<Integer> afterClose = client.execute(url, (s) -> s.receive().take(1).then())
				.then(Mono.fromSupplier(() -> activeLeases(pool)));
			assertThat(afterClose.block(Duration.ofSeconds(10))).as("leases when the closed session completes").isZero();

			IllegalStateException handlerFailure = new IllegalStateException("feed handler failed");
			Mono<Integer> afterError = client.execute(url, (s) -> s.receive().take(1).then(Mono.error(handlerFailure)))
				.then(Mono.<Integer>error(new AssertionError("the handler's error was swallowed")))
				.onErrorResume((error) -> error != handlerFailure && error.getCause() != handlerFailure,
						Mono::error)
				.onErrorResume((error) -> Mono.fromSupplier(() -> activeLeases(pool)));
			assertThat(afterError.block(Duration.ofSeconds(10))).as("leases when the failed session errors").isZero();
		}, "cryptofeed.proxy.default.websocket.strategy=least-connections");
	}

	/**
	 * A handler whose Mono outlives its session (it ends on a stop signal of the application's,
	 * say): once the session is closed its member no longer counts it, though execute has not
	 * completed, so least-connections does not steer new sessions away from a member for one
	 * that is gone.
	 */
	@Test
	void aSessionClosedUnderAHandlerThatOutlivesItNoLongerCounts() {
		run((context, client) -> {
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
			Sinks.Empty<Void> stop = Sinks.empty();
			CompletableFuture<Void> execute = client
				.execute(URI.create(this.target.wsUrl()), (s) -> s.receive().take(1).then(s.close()).then(stop.asMono()))
				.toFuture();
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(pool.members()).extracting(clients::openConnections)
					.as("connections once the session closed")
					.containsOnly(0));
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(pool.members()).extracting(PoolMember::activeLeases)
					.as("leases once the session closed")
					.containsOnly(0));
			assertThat(execute).as("the handler still runs").isNotDone();
			stop.tryEmitEmpty();
			assertThat(execute).succeedsWithin(Duration.ofSeconds(5));
			assertThat(pool.members()).extracting(PoolMember::activeLeases)
				.as("leases once execute completed")
				.containsOnly(0);
		}, "cryptofeed.proxy.default.websocket.strategy=least-connections");
	}

	/**
	 * A Reactor Netty client of the application's own, from {@code apply}, used without
	 * {@code withFailover}: its sessions count on their members as the pooled client's do, so
	 * least-connections opens the next one through another member.
	 */
	@Test
	void aSessionOfAnOwnClientFromApplyHoldsItsMemberUntilItCloses() {
		run((context, client) -> {
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
			HttpClient own = clients.apply(clients.newHttpClient(), ConnectionType.WEBSOCKET);
			Sinks.Empty<Void> closeAll = Sinks.empty();
			OpenSession first = OpenSession.open(own, this.target.wsUrl(), closeAll.asMono());
			String firstPeer = first.greeting();
			assertThat(pool.members()).extracting(PoolMember::activeLeases)
				.as("leases by member while one session is open")
				.containsExactlyElementsOf(leasesOn(firstPeer));

			OpenSession second = OpenSession.open(own, this.target.wsUrl(), closeAll.asMono());
			assertThat(second.greeting()).as("the second session's member").isNotEqualTo(firstPeer);
			assertThat(activeLeases(pool)).as("leases while two sessions are open").isEqualTo(2);

			closeAll.tryEmitEmpty();
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(pool.members()).extracting(PoolMember::activeLeases)
					.containsOnly(0));
			first.session().dispose();
			second.session().dispose();
		}, "cryptofeed.proxy.default.websocket.strategy=least-connections");
	}

	/**
	 * A session of an own client from {@code apply} gives its lease back however it ends: a
	 * handshake the exchange refuses, the proxy that carries it crashing, a cancel before the
	 * connection came.
	 */
	@Test
	void aSessionOfAnOwnClientFromApplyGivesItsMemberBackHoweverItEnds() {
		run((context, client) -> {
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
			HttpClient own = clients.apply(clients.newHttpClient(), ConnectionType.WEBSOCKET);

			Mono<Void> refused = own.websocket()
				.uri(this.target.wsUrl() + "?status=403")
				.handle((in, out) -> in.receive().then())
				.then();
			assertThatThrownBy(() -> refused.block(Duration.ofSeconds(10))).hasMessageContaining("403");
			assertThat(pool.members()).extracting(PoolMember::activeLeases)
				.as("leases once the refusal reached the caller")
				.containsOnly(0);

			OpenSession crashed = OpenSession.open(own, this.target.wsUrl(), Mono.never());
			proxyOf(crashed.greeting()).fault(Fault.CRASH);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(pool.members()).extracting(PoolMember::activeLeases)
					.as("leases once the proxy carrying the session crashed")
					.containsOnly(0));
			crashed.session().dispose();

			this.first.fault(Fault.HANG);
			this.second.fault(Fault.HANG);
			this.third.fault(Fault.HANG);
			Disposable connecting = own.websocket()
				.uri(this.target.wsUrl())
				.handle((in, out) -> in.receive().then())
				.subscribe();
			await().atMost(Duration.ofSeconds(5)).until(() -> activeLeases(pool) == 1);
			connecting.dispose();
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(pool.members()).extracting(PoolMember::activeLeases)
					.as("leases once the connect was cancelled")
					.containsOnly(0));
		}, "cryptofeed.proxy.default.websocket.strategy=least-connections");
	}

	/**
	 * A client applied for WebSocket connections that also sends plain requests keeps their
	 * connection in the pool for the next one: a lease per request held until the connection
	 * closes would pile up on its member while it carries nothing.
	 */
	@Test
	void aRequestOfAnOwnWebSocketClientFromApplyHoldsNoMemberOnceItsConnectionIsBackInThePool() {
		run((context, client) -> {
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
			HttpClient own = clients.apply(clients.newHttpClient(), ConnectionType.WEBSOCKET);
			for (int i = 0; i < 3; i++) {
				String peer = own.get()
					.uri(this.target.baseUrl() + "/whoami")
					.responseContent()
					.aggregate()
					.asString()
					.block(Duration.ofSeconds(10));
				assertThat(peer).isIn("127.0.0.21", "127.0.0.22", "127.0.0.23");
			}
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(pool.members()).extracting(PoolMember::activeLeases)
					.containsOnly(0));
		}, "cryptofeed.proxy.default.websocket.strategy=least-connections");
	}

	/** The leases each member holds when only the session whose greeting this is is open. */
	private static List<Integer> leasesOn(String greeting) {
		return List.of("peer=127.0.0.21", "peer=127.0.0.22", "peer=127.0.0.23")
			.stream()
			.map((peer) -> peer.equals(greeting) ? 1 : 0)
			.toList();
	}

	/** The proxy of the trio that left from the peer a greeting names. */
	private TestProxy proxyOf(String greeting) {
		return switch (greeting) {
			case "peer=127.0.0.21" -> this.first;
			case "peer=127.0.0.22" -> this.second;
			case "peer=127.0.0.23" -> this.third;
			default -> throw new AssertionError("no proxy of the trio left from " + greeting);
		};
	}

	/**
	 * A session of a Reactor Netty client, open until {@code closed} ends: it keeps reading, so
	 * that nothing but {@code closed} (or the session's own end) closes it.
	 */
	private record OpenSession(Disposable session, Mono<String> firstFrame) {

		static OpenSession open(HttpClient client, String url, Mono<Void> closed) {
			Sinks.One<String> greeting = Sinks.one();
			Disposable session = client.websocket()
				.uri(url)
				.handle((in, out) -> in.receive().asString().doOnNext(greeting::tryEmitValue).takeUntilOther(closed))
				.subscribe();
			return new OpenSession(session, greeting.asMono());
		}

		String greeting() {
			return this.firstFrame.block(Duration.ofSeconds(10));
		}

	}

	private static int activeLeases(ProxyPool pool) {
		return pool.members().stream().mapToInt(PoolMember::activeLeases).sum();
	}

	/**
	 * A tunnel that closes before the opening handshake is answered, as a proxy that drops it
	 * after its CONNECT does: Reactor Netty reports it as a handshake exception without a
	 * response, not as the premature close a GET gets, and it is failed over as that is.
	 */
	@Test
	void aHandshakeWhoseTunnelClosesBeforeTheAnswerIsOpenedThroughAnotherMemberAndBlamesTheFirst() {
		Map<String, Integer> upgrades = new ConcurrentHashMap<>();
		OwnLoopsServer exchange = OwnLoopsServer.bind((server) -> server.route((routes) -> routes.get("/ws", (request, response) -> {
				String peer = request.remoteAddress().getAddress().getHostAddress();
				upgrades.merge(peer, 1, Integer::sum);
				if (peer.equals("127.0.0.21")) {
					// the connection through the first member ends before any answer
					return response.withConnection((connection) -> connection.channel().close()).then();
				}
				return response.sendWebsocket((in, out) -> out.sendString(Mono.just("peer=" + peer)));
			})));
		try {
			run((context, client) -> {
				PoolMember closing = context.getBean(ProxyPools.class)
					.resolve(null, ConnectionType.WEBSOCKET)
					.orElseThrow()
					.members()
					.get(0);
				URI url = URI.create("ws://127.0.0.1:" + exchange.port() + "/ws");
				// round-robin meets the first member within three sessions
				for (int i = 0; i < 3; i++) {
					assertThat(firstFrame(client, url)).isIn("peer=127.0.0.22", "peer=127.0.0.23");
				}
				assertThat(upgrades).containsKey("127.0.0.21");
				// each handshake it closed counts against it (round-robin may choose it twice)
				assertThat(context.getBean(MemberCircuitBreakers.class)
					.breakerOf(closing)
					.getMetrics()
					.getNumberOfFailedCalls()).isEqualTo(upgrades.get("127.0.0.21"));
			});
		}
		finally {
			exchange.close();
		}
	}

	@Test
	void aHandshakeTheExchangeNeverAnswersTimesOutAndIsTriedOnceMoreThroughAnotherMember() {
		run((context, client) -> {
			// the target answers this path after 3 s, long after the pool's timeout
			URI stalling = URI.create("ws://" + this.target.host() + ":" + this.target.port() + "/delay/3000");
			Mono<Void> session = client.execute(stalling, (s) -> s.receive().then());
			assertThatExceptionOfType(Exception.class).isThrownBy(() -> session.block(Duration.ofSeconds(10)))
				.satisfies((error) -> assertThat(NestedExceptionUtils.getMostSpecificCause(error))
					.isInstanceOf(ReadTimeoutException.class));
			// the first member's handshake stalled; a second member was tried, no third
			assertThat(this.trio.tunnels()).isEqualTo(2);
			// each handshake was sent before its timeout fired, yet a busy proxy may relay it later
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.target.requestsByPeer()).hasSize(2)
					.allSatisfy((peer, count) -> assertThat(count).isOne()));
			// the exchange was slow through both: no proxy is to blame
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
			assertThat(pool.members()).allSatisfy((member) -> assertThat(
					breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero());
		}, "cryptofeed.proxy.default.websocket.timeout=300ms");
	}

	/**
	 * A proxy slower to open its tunnel than the pool's {@code timeout}, though within
	 * {@code handshake-timeout}: the opening handshake waits in the client until the tunnel is
	 * up, so its timeout counts from then and the session opens.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "http", "socks5" })
	void aTunnelSlowerToOpenThanThePoolsTimeoutButWithinTheHandshakeTimeoutCarriesTheSession(String kind) {
		TestProxy slow = kind.equals("http") ? this.first : this.third;
		slow.fault(Fault.delay(Duration.ofMillis(900)));
		String[] properties = { "cryptofeed.proxy.default.websocket.url=" + slow.url(),
				"cryptofeed.proxy.default.websocket.timeout=300ms", "cryptofeed.proxy.handshake-timeout=10s" };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			assertThat(firstFrame(context.getBean(WebSocketClient.class)))
				.isEqualTo(kind.equals("http") ? "peer=127.0.0.21" : "peer=127.0.0.23");
			assertThat(slow.tunnels()).isOne();
		});
	}

	@Test
	void whenAHandshakeStallsThroughTheLastMemberLeftAfterAnotherFailedToConnectTheErrorNamesBoth() {
		this.trio.first.fault(Fault.REFUSE);
		this.trio.second.fault(Fault.STALL);
		// the stalling member is drained until the refusing one failed, so that it comes second
		ProxyOutcomes undrainOnFailure = new ProxyOutcomes() {

			@Override
			public void failed(ProxyPool pool, PoolMember member, Duration elapsed, Throwable cause) {
				pool.setUnavailable(pool.members().get(1), Unavailability.DRAINED, false);
			}

		};
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.websocket", this.trio.first.url(),
					this.trio.second.url()))
			.withPropertyValues("cryptofeed.proxy.default.websocket.timeout=" + TransportTestSupport.STALLED_ANSWER_TIMEOUT)
			.withBean(ProxyOutcomes.class, () -> undrainOnFailure)
			.run((context) -> {
				ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
				pool.setUnavailable(pool.members().get(1), Unavailability.DRAINED, true);
				Mono<Void> session = context.getBean(WebSocketClient.class)
					.execute(URI.create(this.target.wsUrl()), (s) -> s.receive().then());
				// block() wraps the checked exception
				assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> session.block(Duration.ofSeconds(10)))
					.havingCause()
					.isInstanceOfSatisfying(ProxyConnectFailedException.class, (failure) -> {
						assertThat(failure.getMessage()).contains("exchange=default", "type=websocket", "tried=2");
						assertThat(failure.failures()).satisfiesExactly(
								(refused) -> assertThat(refused).startsWith(this.trio.first.url() + " -> "),
								(stalled) -> assertThat(stalled)
									.isEqualTo(this.trio.second.url() + " -> ReadTimeoutException"));
					});
			});
	}

	/** As {@code WebClientThroughPoolTests#aGetThatStalledWithEveryOtherMemberSetAsideFailsWithTheTimeoutItself}. */
	@Test
	void aHandshakeThatStalledWithEveryOtherMemberSetAsideFailsWithTheTimeoutItself() {
		this.first.fault(Fault.STALL);
		run((context, client) -> {
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
			pool.setUnavailable(pool.members().get(1), Unavailability.UNHEALTHY, true);
			pool.setUnavailable(pool.members().get(2), Unavailability.UNHEALTHY, true);
			Mono<Void> session = client.execute(URI.create(this.target.wsUrl()), (s) -> s.receive().then());
			assertThatThrownBy(() -> session.block(Duration.ofSeconds(10)))
				.isExactlyInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
			assertThat(this.first.tunnels()).isOne();
		}, "cryptofeed.proxy.default.websocket.timeout=" + TransportTestSupport.STALLED_ANSWER_TIMEOUT);
	}

	@Test
	void aSessionWhoseHandlerFailsIsNeverOpenedAgainBehindIt() {
		ConnectException applicationFailure = new ConnectException("application lost its database");
		run((context, client) -> {
			Mono<Void> session = client.execute(URI.create(this.target.wsUrl()),
					(s) -> s.receive().take(1).then(Mono.error(applicationFailure)));
			assertThatThrownBy(() -> session.block(Duration.ofSeconds(10))).hasRootCause(applicationFailure);
			assertThat(this.target.requestsByPeer().values()).containsExactly(1);
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.WEBSOCKET).orElseThrow();
			assertThat(pool.members()).allSatisfy((member) -> assertThat(
					breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero());
		});
	}

	@Test
	void anOpenSessionMayStayQuietForLongerThanThePoolTimeout() {
		// quiet for longer than the timeout (1 s, which a healthy handshake meets on a busy
		// machine): a handshake timer left running would fire meanwhile
		run((context, client) -> assertAQuietSessionStaysOpen(client, "peer=127.0.0.21", "peer=127.0.0.22",
				"peer=127.0.0.23"), "cryptofeed.proxy.default.websocket.timeout=1s");
	}

	/**
	 * A proxy that freezes stalls the sessions through it without closing them. Once its health
	 * check finds it, its session, which reads nothing any more, is closed so that the feed can
	 * reconnect through another member; the sessions through the others stay open.
	 */
	@Test
	void aSessionStalledByAFrozenProxyIsClosedOnceItsHealthCheckFailsAndTheOthersStayOpen() {
		TransportTestSupport.runnerCuttingQuietConnections("default.websocket")
			.withPropertyValues(this.trio.pool("default.websocket"))
			.run((context) -> {
				WebSocketClient client = context.getBean(WebSocketClient.class);
				Map<String, CompletableFuture<Void>> sessionsByPeer = TransportTestSupport.openSessionsByPeer(client,
						this.target, 3);
				assertThat(sessionsByPeer).containsOnlyKeys("peer=127.0.0.21", "peer=127.0.0.22", "peer=127.0.0.23");

				this.first.fault(Fault.FREEZE);
				CompletableFuture<Void> frozen = sessionsByPeer.get("peer=127.0.0.21");
				await().atMost(Duration.ofSeconds(10)).until(frozen::isDone);
				assertThat(frozen).isCompleted();
				assertThat(context.getBean(ProxyPools.class)
					.resolve(null, ConnectionType.WEBSOCKET)
					.orElseThrow()
					.quietConnectionsCut()).isOne();
				assertThat(sessionsByPeer.get("peer=127.0.0.22")).isNotDone();
				assertThat(sessionsByPeer.get("peer=127.0.0.23")).isNotDone();
				assertThat(firstFrame(client)).isIn("peer=127.0.0.22", "peer=127.0.0.23");
				sessionsByPeer.values().forEach((session) -> session.cancel(true));
			});
	}

	/**
	 * A proxy that freezes with several sessions on it: the first one closed is a WARN, the
	 * others DEBUG, and one WARN counts them once the quiet timeout has passed.
	 */
	@Test
	void theSessionsAFrozenProxyStalledAreLoggedAsOneBurst() {
		TransportTestSupport.runnerCuttingQuietConnections("default.websocket")
			.withPropertyValues(this.trio.pool("default.websocket"))
			.run((context) -> {
				WebSocketClient client = context.getBean(WebSocketClient.class);
				try (CapturedLog log = CapturedLog.of(QuietCutLog.class)) {
					List<CompletableFuture<Void>> throughFirst = TransportTestSupport.openSessions(client, this.target, 9)
						.stream()
						.filter((session) -> session.getKey().equals("peer=127.0.0.21"))
						.map(Map.Entry::getValue)
						.toList();
					assertThat(throughFirst).hasSize(3);

					this.first.fault(Fault.FREEZE);
					await().atMost(Duration.ofSeconds(10))
						.until(() -> throughFirst.stream().allMatch(CompletableFuture::isDone));
					await().atMost(Duration.ofSeconds(5)).until(() -> log.warnings().size() == 2);
					assertThat(log.warnings()).satisfiesExactly(
							(line) -> assertThat(line).startsWith("WARNING proxy session closed: "
									+ "pool=default/websocket member=" + this.first.url() + " quiet-for="),
							(line) -> assertThat(line).isEqualTo("WARNING proxy connections cut: "
									+ "pool=default/websocket member=" + this.first.url()
									+ " sessions=3 requests=0 within=500ms repeats-at-debug=2"));
					assertThat(log.lines()).filteredOn((line) -> line.startsWith("FINE proxy session closed:"))
						.hasSize(2);
				}
			});
	}

	/**
	 * A proxy that freezes while an opening handshake waits for the exchange's answer holds the
	 * answer back. Once its health check finds it, the handshake is cut and sent through another
	 * member, whose answer (here a plain 200, which opens no session) comes long before the
	 * pool's 30 s timeout.
	 */
	@Test
	void aHandshakeStalledByAFrozenProxyIsSentThroughAnotherMemberOnceItsHealthCheckFails() {
		TransportTestSupport.runnerCuttingQuietConnections("default.websocket")
			.withPropertyValues(TransportTestSupport.pool("default.websocket", this.first.url(), this.second.url()))
			.run((context) -> {
				WebSocketClient client = context.getBean(WebSocketClient.class);
				// the target answers this path with a 200 after 2 s: no session, but an answer
				URI slow = URI.create("ws://" + this.target.host() + ":" + this.target.port() + "/delay/2000");
				CompletableFuture<Void> handshake = client.execute(slow, (session) -> session.receive().then())
					.toFuture();
				await().atMost(Duration.ofSeconds(5)).until(() -> !this.target.requestsByPeer().isEmpty());
				(this.target.requestsByPeer().containsKey("127.0.0.21") ? this.first : this.second)
					.fault(Fault.FREEZE);

				assertThat(handshake).failsWithin(Duration.ofSeconds(15))
					.withThrowableThat()
					.havingRootCause()
					.withMessageContaining("200 OK");
				assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.21", 1),
						Map.entry("127.0.0.22", 1));
				assertThat(context.getBean(ProxyPools.class)
					.resolve(null, ConnectionType.WEBSOCKET)
					.orElseThrow()
					.quietConnectionsCut()).isOne();
			});
	}

	@Test
	void theExchangeCanBeNamedInTheReactorContext() {
		String[] properties = { "cryptofeed.proxy.exchanges.kraken.websocket.url=" + this.second.url(),
				"cryptofeed.proxy.default.websocket.url=" + this.first.url() };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			WebSocketClient client = context.getBean(WebSocketClient.class);
			String viaKraken = firstFrame(client, (mono) -> mono.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE,
					"kraken")));
			assertThat(viaKraken).isEqualTo("peer=127.0.0.22");
			assertThat(firstFrame(client)).isEqualTo("peer=127.0.0.21");
		});
	}

	/** A value of the application's own type (an enum) is read by its toString, as a WebClient request attribute is. */
	@Test
	void theExchangeCanBeNamedInTheReactorContextByAnEnum() {
		String[] properties = { "cryptofeed.proxy.exchanges.kraken.websocket.url=" + this.second.url(),
				"cryptofeed.proxy.default.websocket.url=" + this.first.url() };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			WebSocketClient client = context.getBean(WebSocketClient.class);
			String viaKraken = firstFrame(client, (mono) -> mono.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE,
					Venue.KRAKEN)));
			assertThat(viaKraken).isEqualTo("peer=127.0.0.22");
		});
	}

	/** Ids match ignoring case, '-' and '_': the enum constant COINBASE_PRO names exchange coinbase-pro. */
	@Test
	void anEnumConstantInTheReactorContextNamesTheExchangeConfiguredWithADash() {
		String[] properties = { "cryptofeed.proxy.exchanges.coinbase-pro.websocket.url=" + this.second.url(),
				"cryptofeed.proxy.default.websocket.url=" + this.first.url() };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			WebSocketClient client = context.getBean(WebSocketClient.class);
			String viaCoinbase = firstFrame(client, (mono) -> mono.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE,
					Venue.COINBASE_PRO)));
			assertThat(viaCoinbase).isEqualTo("peer=127.0.0.22");
			assertThat(this.second.tunnels()).isOne();
			assertThat(this.first.tunnels()).isZero();
		});
	}

	@Test
	void aSessionToADirectHostOpensWithoutAProxy() {
		String[] properties = { "cryptofeed.proxy.direct-hosts=127.0.0.0/8",
				"cryptofeed.proxy.exchanges.kraken.websocket.url=" + this.second.url(),
				"cryptofeed.proxy.default.websocket.url=" + this.first.url() };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			WebSocketClient client = context.getBean(WebSocketClient.class);
			assertThat(firstFrame(client)).isEqualTo("peer=127.0.0.1");
			assertThat(this.first.accepted()).isZero();
			assertThat(context.getBean(ProxyPoolHttpClients.class)
				.directRoutes()
				.count(ConnectionType.WEBSOCKET, DirectRoutes.Reason.DIRECT_HOST)).isOne();
			String viaKraken = firstFrame(client, (mono) -> mono.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE,
					"kraken")));
			assertThat(viaKraken).as("a session that names its exchange").isEqualTo("peer=127.0.0.22");
		});
	}

	/**
	 * A direct host that accepts the connection and does not answer the opening handshake: the
	 * handshake is bounded, as one through a proxy is by its pool's timeout, so that a feed
	 * hears of it and reconnects instead of waiting for ever.
	 */
	@Test
	void aHandshakeADirectHostDoesNotAnswerTimesOut() {
		String[] properties = { "cryptofeed.proxy.direct-hosts=127.0.0.0/8",
				"cryptofeed.proxy.default.websocket.url=" + this.first.url(),
				"cryptofeed.proxy.websocket-client.direct-handshake-timeout=300ms" };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			WebSocketClient client = context.getBean(WebSocketClient.class);
			// the target answers this path after 3 s, long after the bound
			URI stalling = URI.create("ws://" + this.target.host() + ":" + this.target.port() + "/delay/3000");
			Mono<Void> session = client.execute(stalling, (s) -> s.receive().then());
			assertThatExceptionOfType(Exception.class).isThrownBy(() -> session.block(Duration.ofSeconds(10)))
				.satisfies((error) -> assertThat(NestedExceptionUtils.getMostSpecificCause(error))
					.isInstanceOf(ReadTimeoutException.class));
			assertThat(this.first.accepted()).isZero();
			assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.1", 1));
		});
	}

	/** The bound on a direct handshake ends with the handshake: the open session may stay quiet. */
	@Test
	void anOpenSessionToADirectHostMayStayQuietForLongerThanItsHandshakeBound() {
		String[] properties = { "cryptofeed.proxy.direct-hosts=127.0.0.0/8",
				"cryptofeed.proxy.default.websocket.url=" + this.first.url(),
				"cryptofeed.proxy.websocket-client.direct-handshake-timeout=1s" };
		TransportTestSupport.runner()
			.withPropertyValues(properties)
			.run((context) -> assertAQuietSessionStaysOpen(context.getBean(WebSocketClient.class), "peer=127.0.0.1"));
	}

	/**
	 * Opens a session whose target sends one frame (one of those given) and then nothing, and
	 * checks it stays open for 1.5 s, longer than the 1 s bound on its handshake.
	 */
	private void assertAQuietSessionStaysOpen(WebSocketClient client, String... firstFrames) {
		Sinks.Empty<Void> close = Sinks.empty();
		List<String> frames = new CopyOnWriteArrayList<>();
		Disposable session = client.execute(URI.create(this.target.wsUrl()),
				(s) -> s.receive()
					.map(WebSocketMessage::getPayloadAsText)
					.doOnNext(frames::add)
					.takeUntilOther(close.asMono())
					.then())
			.subscribe();
		await().atMost(Duration.ofSeconds(5)).until(() -> frames.size() == 1);
		assertThat(frames.get(0)).isIn((Object[]) firstFrames);
		await().during(Duration.ofMillis(1500))
			.atMost(Duration.ofSeconds(5))
			.until(() -> !session.isDisposed() && frames.size() == 1);
		close.tryEmitEmpty();
		session.dispose();
	}

	@Test
	void aSnapshotAboveReactorNettysFrameLimitFailsTheSessionUnlessTheLimitIsRaised() {
		run((context, client) -> {
			assertThatThrownBy(() -> snapshotFrames(client, SNAPSHOT_BYTES)).as("Reactor Netty's 64 KB by default")
				.hasStackTraceContaining("Max frame length of 65536 has been exceeded");
		});
		run((context, client) -> {
			List<String> frames = snapshotFrames(client, SNAPSHOT_BYTES);
			assertThat(frames.get(0)).isIn("peer=127.0.0.21", "peer=127.0.0.22", "peer=127.0.0.23");
			assertThat(frames.get(1)).hasSize(SNAPSHOT_BYTES);
		}, "cryptofeed.proxy.websocket-client.max-frame-payload-length=1MB");
	}

	@ParameterizedTest(name = "compress={0}")
	@ValueSource(booleans = { true, false })
	void sessionsOfferCompressionWhereConfigured(boolean compress) {
		run((context, client) -> {
			Sinks.One<String> extensions = Sinks.one();
			Sinks.One<String> first = Sinks.one();
			client.execute(URI.create(this.target.wsUrl()), (session) -> {
				extensions.tryEmitValue(String.valueOf(
						session.getHandshakeInfo().getHeaders().getFirst("Sec-WebSocket-Extensions")));
				return session.receive().take(1).map(WebSocketMessage::getPayloadAsText).doOnNext(first::tryEmitValue).then();
			}).block(Duration.ofSeconds(15));
			assertThat(first.asMono().block(Duration.ofSeconds(1))).isIn("peer=127.0.0.21", "peer=127.0.0.22",
					"peer=127.0.0.23");
			String negotiated = extensions.asMono().block(Duration.ofSeconds(1));
			if (compress) {
				assertThat(negotiated).contains("permessage-deflate");
			}
			else {
				assertThat(negotiated).isEqualTo("null");
			}
		}, "cryptofeed.proxy.websocket-client.compress=" + compress);
	}

	@Test
	void aReloadRaisesTheFrameLimitForTheNextSession() {
		Map<String, Object> reloadable = new LinkedHashMap<>();
		TransportTestSupport.reloadableRunner(reloadable)
			.withPropertyValues(this.trio.pool("default.websocket"))
			.run((context) -> {
				WebSocketClient client = context.getBean(WebSocketClient.class);
				assertThatThrownBy(() -> snapshotFrames(client, SNAPSHOT_BYTES))
					.hasStackTraceContaining("Max frame length");
				reloadable.put("cryptofeed.proxy.websocket-client.max-frame-payload-length", "1MB");
				context.publishEvent(new EnvironmentChangeEvent(context, reloadable.keySet()));
				assertThat(snapshotFrames(client, SNAPSHOT_BYTES).get(1)).hasSize(SNAPSHOT_BYTES);
			});
	}

	/** As docs/migration.md tells a user to build one with a WebSocket spec of their own. */
	@Test
	void aClientBuiltByHandWithItsOwnSpecGoesThroughThePool() {
		run((context, bootsClient) -> {
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			WebSocketClient client = new ProxyPoolWebSocketClient(clients, clients.newHttpClient(),
					() -> WebsocketClientSpec.builder().maxFramePayloadLength(1 << 20));
			this.first.fault(Fault.REFUSE);
			for (int i = 0; i < 4; i++) {
				List<String> frames = snapshotFrames(client, SNAPSHOT_BYTES);
				assertThat(frames.get(0)).isIn("peer=127.0.0.22", "peer=127.0.0.23");
				assertThat(frames.get(1)).hasSize(SNAPSHOT_BYTES);
			}
		});
	}

	@Test
	void aWebSocketClientBeanOfTheApplicationsIsNamedInAWarningAndItsSessionsGoDirect(CapturedOutput output) {
		TransportTestSupport.runner()
			.withPropertyValues(this.trio.pool("default.websocket"))
			.withBean("feedSocket", WebSocketClient.class, ReactorNettyWebSocketClient::new)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(ProxyPoolWebSocketClient.class);
				assertThat(firstFrame(context.getBean(WebSocketClient.class))).isEqualTo("peer=127.0.0.1");
				assertThat(output).contains("proxy pools: WebSocket sessions of the bean 'feedSocket' "
						+ "(ReactorNettyWebSocketClient) go direct, not through the pools");
			});
	}

	@Test
	void aServletStackWebSocketClientBeanIsNamedInAWarningBesideThePooledOne(CapturedOutput output) {
		TransportTestSupport.runner()
			.withPropertyValues(this.trio.pool("default.websocket"))
			.withBean("stompSocket", org.springframework.web.socket.client.WebSocketClient.class,
					ServletStackClient::new)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ProxyPoolWebSocketClient.class);
				assertThat(output).contains("proxy pools: WebSocket sessions of the bean 'stompSocket' "
						+ "(ServletStackClient) go direct, not through the pools: the servlet stack's")
					.doesNotContain("took the place of the pooled WebSocketClient");
			});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "built on ProxyPoolWebSocketClient", "without a WebSocket pool" })
	void noWarningForAWebSocketClientBeanThatIsPooledOrHasNoPoolToUse(String kind, CapturedOutput output) {
		boolean pooled = kind.startsWith("built");
		ApplicationContextRunner runner = TransportTestSupport.runner()
			.withPropertyValues(this.trio.pool(pooled ? "default.websocket" : "default.http"));
		runner = pooled ? runner.withUserConfiguration(PooledFeedSocket.class)
				: runner.withBean("feedSocket", WebSocketClient.class, ReactorNettyWebSocketClient::new);
		runner.run((context) -> {
			String peer = firstFrame(context.getBean(WebSocketClient.class));
			if (pooled) {
				assertThat(peer).isIn("peer=127.0.0.21", "peer=127.0.0.22", "peer=127.0.0.23");
			}
			else {
				assertThat(peer).isEqualTo("peer=127.0.0.1");
			}
			assertThat(output).doesNotContain("go direct, not through the pools");
		});
	}

	/**
	 * With {@code spring.main.lazy-initialization=true} the application's pooled client is made
	 * only when asked for, after the start-up check: the check must not take it for unpooled.
	 */
	@Test
	void noWarningForAPooledWebSocketClientBeanOfALazyApplication(CapturedOutput output) {
		TransportTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(ProxyPoolSwitchesAutoConfiguration.class))
			.withInitializer((context) -> context
				.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.withPropertyValues(this.trio.pool("default.websocket"))
			.withUserConfiguration(PooledFeedSocket.class)
			.run((context) -> {
				assertThat(firstFrame(context.getBean(WebSocketClient.class))).isIn("peer=127.0.0.21",
						"peer=127.0.0.22", "peer=127.0.0.23");
				assertThat(output).doesNotContain("go direct, not through the pools");
			});
	}

	/** The first two frames of a session to {@code /ws?snapshot=<bytes>}: the peer, then the snapshot. */
	private List<String> snapshotFrames(WebSocketClient client, int bytes) {
		List<String> frames = new CopyOnWriteArrayList<>();
		client
			.execute(URI.create(this.target.wsUrl() + "?snapshot=" + bytes),
					(s) -> s.receive().take(2).map(WebSocketMessage::getPayloadAsText).doOnNext(frames::add).then())
			.block(Duration.ofSeconds(15));
		assertThat(frames).hasSize(2);
		return frames;
	}

	private void run(ContextCallback callback, String... extra) {
		String[] pool = this.trio.pool("default.websocket");
		ApplicationContextRunner runner = TransportTestSupport.runner().withPropertyValues(pool);
		runner.withPropertyValues(extra).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(WebSocketClient.class);
			callback.accept(context, context.getBean(WebSocketClient.class));
		});
	}

	private String firstFrame(WebSocketClient client) {
		return firstFrame(client, (mono) -> mono);
	}

	private String firstFrame(WebSocketClient client, java.util.function.UnaryOperator<Mono<Void>> decorate) {
		return firstFrame(client, URI.create(this.target.wsUrl()), decorate);
	}

	private String firstFrame(WebSocketClient client, URI url) {
		return firstFrame(client, url, (mono) -> mono);
	}

	private String firstFrame(WebSocketClient client, URI url, java.util.function.UnaryOperator<Mono<Void>> decorate) {
		Sinks.One<String> frame = Sinks.one();
		Mono<Void> session = client.execute(url,
				(s) -> s.receive().take(1).map(WebSocketMessage::getPayloadAsText).doOnNext(frame::tryEmitValue).then());
		decorate.apply(session).block(Duration.ofSeconds(15));
		return frame.asMono().block(Duration.ofSeconds(1));
	}

	/**
	 * A WebSocket client of the servlet stack, as a bean: Spring's own need a JSR-356 container
	 * to be built, and the warning is about the bean's type, not what it does.
	 */
	static class ServletStackClient implements org.springframework.web.socket.client.WebSocketClient {

		@Override
		public CompletableFuture<WebSocketSession> execute(WebSocketHandler handler, String uriTemplate,
				Object... uriVariables) {
			return CompletableFuture.failedFuture(new UnsupportedOperationException("never opened by the test"));
		}

		@Override
		public CompletableFuture<WebSocketSession> execute(WebSocketHandler handler, WebSocketHttpHeaders headers,
				URI uri) {
			return CompletableFuture.failedFuture(new UnsupportedOperationException("never opened by the test"));
		}

	}

	/** As docs/migration.md tells a user to declare a WebSocketClient bean of their own. */
	@Configuration(proxyBeanMethods = false)
	static class PooledFeedSocket {

		@Bean
		WebSocketClient feedSocket(ProxyPoolHttpClients clients) {
			return new ProxyPoolWebSocketClient(clients, HttpClient.create());
		}

	}

	@FunctionalInterface
	interface ContextCallback {

		void accept(org.springframework.boot.test.context.assertj.AssertableApplicationContext context,
				WebSocketClient client) throws Exception;

	}

}
