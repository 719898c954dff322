package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.testsupport.OwnReactorResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A request or session begun between a context's {@code stop()} and its next {@code start()},
 * by a client on the event loops the stop shut down: it fails at once with the pools'
 * {@link ConnectStoppedException}, saying the application is stopped, where it failed with the
 * loops' bare {@code RejectedExecutionException: event executor terminated}; and no member is
 * blamed. (A RestClient, and a client of yours on Reactor Netty's global loops, meet no shut
 * down loops: Reactor Netty makes new global ones, and their requests go through.)
 */
class RequestsWhileStoppedTests {

	private static final Duration ANSWER = Duration.ofSeconds(10);

	private static final String SECRET = "stopped-secret";

	private ProxyTrio trio;

	@BeforeEach
	void start() {
		this.trio = new ProxyTrio("127.0.0.9", SECRET);
	}

	@AfterEach
	void stop() {
		this.trio.close();
	}

	@ParameterizedTest(name = "own Reactor Netty resources: {0}")
	@ValueSource(booleans = { false, true })
	void aWebClientRequestBetweenStopAndStartSaysTheApplicationIsStopped(boolean ownResources) {
		run(ownResources, (context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			String url = this.trio.target.baseUrl() + "/whoami";
			assertThat(client.get().uri(url).retrieve().bodyToMono(String.class).block(ANSWER)).startsWith("127.0.0.9");

			List<ConnectStoppedException> stopped = whileStopped(context, () -> {
				Throwable thrown = catchThrowable(() -> client.get().uri(url).retrieve().bodyToMono(String.class).block(ANSWER));
				assertThat(thrown).isInstanceOf(WebClientRequestException.class);
				return thrown.getCause();
			});

			assertSaysStopped(stopped, ConnectionType.HTTP);
			assertNoMemberBlamed(context, ConnectionType.HTTP);
			assertThat(client.get().uri(url).retrieve().bodyToMono(String.class).block(ANSWER)).startsWith("127.0.0.9");
		});
	}

	@ParameterizedTest(name = "own Reactor Netty resources: {0}")
	@ValueSource(booleans = { false, true })
	void aWebSocketSessionBetweenStopAndStartSaysTheApplicationIsStopped(boolean ownResources) {
		run(ownResources, (context) -> {
			WebSocketClient client = context.getBean(WebSocketClient.class);
			URI uri = URI.create(this.trio.target.wsUrl());

			List<ConnectStoppedException> stopped = whileStopped(context,
					() -> catchThrowable(() -> client.execute(uri, (session) -> session.close()).block(ANSWER)));

			assertSaysStopped(stopped, ConnectionType.WEBSOCKET);
			assertNoMemberBlamed(context, ConnectionType.WEBSOCKET);
			client.execute(uri, (session) -> session.close()).block(ANSWER);
		});
	}

	/** A client of yours from {@code apply} on the application's loops, with and without {@code withFailover}. */
	@ParameterizedTest(name = "own Reactor Netty resources: {0}")
	@ValueSource(booleans = { false, true })
	void anOwnClientOnTheApplicationsLoopsSaysTheApplicationIsStopped(boolean ownResources) {
		run(ownResources, (context) -> {
			ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
			HttpClient own = pools.apply(
					HttpClient.create().runOn(context.getBean(ReactorResourceFactory.class).getLoopResources()),
					ConnectionType.HTTP);
			String url = this.trio.target.baseUrl() + "/whoami";
			Supplier<Mono<String>> whoami = () -> own.get().uri(url).responseContent().aggregate().asString();
			assertThat(pools.withFailover(ConnectionType.HTTP, whoami).block(ANSWER)).startsWith("127.0.0.9");

			List<ConnectStoppedException> withFailover = whileStopped(context,
					() -> catchThrowable(() -> pools.withFailover(ConnectionType.HTTP, whoami).block(ANSWER)));
			List<ConnectStoppedException> onItsOwn = whileStopped(context,
					() -> catchThrowable(() -> whoami.get().block(ANSWER)));

			assertSaysStopped(withFailover, ConnectionType.HTTP);
			assertSaysStopped(onItsOwn, ConnectionType.HTTP);
			assertNoMemberBlamed(context, ConnectionType.HTTP);
		});
	}

	/**
	 * Stops the context, makes three tries (each member's turn: the SOCKS member has a
	 * password), each of which must end in the pools' error, and starts the context again.
	 */
	private static List<ConnectStoppedException> whileStopped(AssertableApplicationContext assertable,
			Supplier<Throwable> oneTry) {
		ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
		context.stop();
		List<ConnectStoppedException> stopped = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				Throwable error = Exceptions.unwrap(oneTry.get());
				assertThat(error).isInstanceOf(ConnectStoppedException.class);
				stopped.add((ConnectStoppedException) error);
			}
		}
		finally {
			context.start();
		}
		return stopped;
	}

	private void assertSaysStopped(List<ConnectStoppedException> stopped, ConnectionType type) {
		assertThat(stopped).allSatisfy((error) -> {
			assertThat(error.type()).isEqualTo(type);
			assertThat(error).hasMessageStartingWith("connect through ")
				.hasMessageContaining(" for exchange=default type=" + type
						+ " is not made: the application is stopped, and its event loops are shut down")
				.hasMessageNotContaining(SECRET)
				.hasRootCauseInstanceOf(RejectedExecutionException.class);
		});
		assertThat(stopped).as("the SOCKS member's turn, its password masked")
			.anySatisfy((error) -> assertThat(error)
				.hasMessageContaining("socks5://" + ProxyUrls.MASK + "@127.0.0.1:" + this.trio.third.port()));
	}

	private static void assertNoMemberBlamed(AssertableApplicationContext context, ConnectionType type) {
		MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
		List<PoolMember> members = context.getBean(ProxyPools.class).resolve(null, type).orElseThrow().members();
		assertThat(members).hasSize(3)
			.allSatisfy((member) -> assertThat(breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls())
				.as(member.toString())
				.isZero());
	}

	private void run(boolean ownResources, ContextConsumer<AssertableApplicationContext> test) {
		ApplicationContextRunner runner = TransportTestSupport.runner()
			.withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues(this.trio.pool("default.websocket"))
			.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s");
		(ownResources ? runner.withUserConfiguration(OwnReactorResources.class) : runner).run(test);
	}

}
