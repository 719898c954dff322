package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.Fault;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session of the auto-configured WebSocketClient gives back its member's lease, and closes
 * its connection through the member, however it ends, so that least-connections counts
 * neither a session that is gone nor one twice.
 */
class WebSocketSessionEndsTests {

	private ProxyTrio trio;

	/** An exchange whose paths end a session in different ways, each after its first frame. */
	private OwnLoopsServer exchange;

	@BeforeEach
	void start() {
		this.trio = new ProxyTrio("127.0.0.2", "ends-secret");
		this.exchange = OwnLoopsServer.bind((server) -> server.route((routes) -> routes
				.get("/silent", (request, response) -> Mono.never())
				.get("/open", (request, response) -> response.sendWebsocket((in, out) -> out
					.sendString(Mono.just("first"))
					.then(in.receive().then())))
				.get("/close", (request, response) -> response.sendWebsocket((in, out) -> out
					.sendString(Mono.just("first"))
					.then(out.sendClose())))
				.get("/reset", (request, response) -> response.sendWebsocket((in, out) -> out
					.sendString(Mono.just("first"))
					.then(Mono.fromRunnable(() -> out.withConnection((connection) -> {
						// a close with no linger sends a TCP reset, as a crashing exchange's host does
						connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
						connection.channel().close();
					})))
					.then(Mono.never())))));
	}

	@AfterEach
	void stop() {
		this.exchange.close();
		this.trio.close();
	}

	/** How a session ends: what it opens, and what the test does until it has ended or been cancelled. */
	enum Ending {

		EXCHANGE_CLOSES("/close", (s) -> s.receive().then()),

		EXCHANGE_RESETS("/reset", (s) -> s.receive().then()),

		HANDLER_CLOSES("/open", (s) -> s.receive().take(1).then(s.close())),

		HANDLER_FAILS("/open", (s) -> s.receive().take(1).then(Mono.error(new IllegalStateException("feed failed")))),

		/** The exchange closes the session under a handler that waits for something else. */
		HANDLER_OUTLIVES_SESSION("/close", (s) -> Mono.never()),

		CANCELLED_WHILE_OPEN("/open", (s) -> s.receive().then()),

		CANCELLED_WHILE_THE_EXCHANGE_HOLDS_THE_HANDSHAKE("/silent", (s) -> s.receive().then()),

		CANCELLED_WHILE_THE_PROXY_HOLDS_ITS_HANDSHAKE("/open", (s) -> s.receive().then());

		final String path;

		final Function<WebSocketSession, Mono<Void>> handler;

		Ending(String path, Function<WebSocketSession, Mono<Void>> handler) {
			this.path = path;
			this.handler = handler;
		}

	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(Ending.class)
	void aSessionGivesItsMemberAndItsConnectionBackHoweverItEnds(Ending ending) {
		if (ending == Ending.CANCELLED_WHILE_THE_PROXY_HOLDS_ITS_HANDSHAKE) {
			this.trio.first.fault(Fault.HANG);
			this.trio.second.fault(Fault.HANG);
			this.trio.third.fault(Fault.HANG);
		}
		TransportTestSupport.runner()
			.withPropertyValues(this.trio.pool("default.websocket"))
			.withPropertyValues("cryptofeed.proxy.default.websocket.strategy=least-connections")
			.run((context) -> {
				WebSocketClient client = context.getBean(WebSocketClient.class);
				ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
				ProxyPool pool = context.getBean(ProxyPools.class)
					.resolve(null, ConnectionType.WEBSOCKET)
					.orElseThrow();
				Sinks.Empty<Void> opened = Sinks.empty();
				WebSocketHandler handler = (s) -> {
					opened.tryEmitEmpty();
					return ending.handler.apply(s);
				};
				URI url = URI.create("ws://127.0.0.1:" + this.exchange.port() + ending.path);
				Disposable session = client.execute(url, handler).subscribe(null, (error) -> {
				});
				switch (ending) {
					case CANCELLED_WHILE_OPEN -> {
						opened.asMono().block(Duration.ofSeconds(10));
						session.dispose();
					}
					case CANCELLED_WHILE_THE_EXCHANGE_HOLDS_THE_HANDSHAKE -> {
						// the handshake was sent through the member, which tracks its connection
						await().atMost(Duration.ofSeconds(10)).until(() -> openConnections(pool, clients) == 1);
						session.dispose();
					}
					case CANCELLED_WHILE_THE_PROXY_HOLDS_ITS_HANDSHAKE -> {
						await().atMost(Duration.ofSeconds(10)).until(() -> this.trio.first.accepted()
								+ this.trio.second.accepted() + this.trio.third.accepted() == 1);
						assertThat(pool.members().stream().mapToInt(PoolMember::activeLeases).sum()).isOne();
						session.dispose();
					}
					default -> opened.asMono().block(Duration.ofSeconds(10));
				}
				await().atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(pool.members()).extracting(PoolMember::activeLeases)
						.as("leases by member")
						.containsOnly(0));
				await().atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(pool.members()).extracting(clients::openConnections)
						.as("connections by member")
						.containsOnly(0));
				session.dispose();
			});
	}

	private static int openConnections(ProxyPool pool, ProxyPoolHttpClients clients) {
		return pool.members().stream().mapToInt(clients::openConnections).sum();
	}

}
