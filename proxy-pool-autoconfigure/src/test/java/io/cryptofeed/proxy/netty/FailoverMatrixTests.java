package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.Exceptions;
import reactor.core.publisher.Sinks;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * What the caller gets for each sequence of member outcomes, in the order round-robin tries the
 * members, as docs/how-it-works.md (Failover) promises: a failed connect is tried through the
 * next member, up to {@code max-attempts} and the pool's size; a GET or opening handshake whose
 * tunnel stalls is sent once more, a POST never; a request that fails after a member failed to
 * connect names each member tried, with its cause and without its password; two stalls and
 * nothing else are the exchange's, and reach the caller as the timeout itself. No failure
 * reaches the target directly, and each member's breaker counts what the docs say it does.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailoverMatrixTests {

	private static final String PASSWORD = "matrix-s3cret";

	/** Short, so that a hung handshake or a stalled answer costs little; a healthy member's beats it. */
	private static final String WAIT = "1s";

	private final TargetServer target = TargetServer.start("127.0.0.1");

	private final List<TestProxy> proxies = new ArrayList<>();

	@BeforeEach
	void startProxies() {
		for (int i = 1; i <= 2; i++) {
			this.proxies.add(HttpConnectProxy.builder()
				.bindAddress("127.0.0.1")
				.egressAddress("127.0.0.9" + i)
				.credentials("feed", PASSWORD)
				.start());
		}
		// wherever round-robin puts it in a pool of three
		this.proxies.add(Socks5Proxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.93")
			.credentials("feed", PASSWORD)
			.start());
	}

	@AfterEach
	void stop() {
		this.proxies.forEach(TestProxy::close);
		this.target.close();
	}

	/**
	 * What a member does with the connection it is given; a SOCKS5 member rejects the
	 * credentials where an HTTP one answers 407.
	 */
	enum Outcome {

		REFUSE(Fault.REFUSE, "refused"), HANG(Fault.HANG, "timeout"), STATUS_407(Fault.STATUS_407, "407"),
		RESET(Fault.RESET, "Exception"), STALL(Fault.STALL, "ReadTimeoutException"), OK(Fault.NONE, null);

		final Fault fault;

		/** What the failure's entry for the member says of its cause. */
		final String cause;

		Outcome(Fault fault, String cause) {
			this.fault = fault;
			this.cause = cause;
		}

		Fault faultOf(TestProxy proxy) {
			return (this == STATUS_407 && proxy instanceof Socks5Proxy) ? Fault.AUTH_FAIL : this.fault;
		}

		String causeOf(TestProxy proxy) {
			return (this == STATUS_407 && proxy instanceof Socks5Proxy) ? "authStatus: UNKNOWN(1)" : this.cause;
		}

		boolean failsToConnect() {
			return this != STALL && this != OK;
		}

	}

	/** The members' outcomes in the order they are tried, the pool being as large as the list. */
	record Row(int maxAttempts, List<Outcome> outcomes) {

		@Override
		public String toString() {
			return this.outcomes + " max-attempts=" + this.maxAttempts;
		}

	}

	/**
	 * What the documented contract gives the caller for a row: how many members were tried, and
	 * the one that answers, or how many the error names, or that the error is the timeout itself.
	 */
	record Expected(int tried, int answeredBy, int named, boolean timeoutItself) {

		boolean succeeds() {
			return this.answeredBy >= 0;
		}

		static Expected of(Row row, boolean resendsStall) {
			int limit = Math.min(row.maxAttempts(), row.outcomes().size());
			boolean resent = false;
			for (int tried = 1;; tried++) {
				Outcome outcome = row.outcomes().get(tried - 1);
				boolean more = tried < limit;
				if (outcome == Outcome.OK) {
					return new Expected(tried, tried - 1, 0, false);
				}
				if (outcome.failsToConnect() && more) {
					continue;
				}
				if (outcome == Outcome.STALL && resendsStall && !resent && more) {
					resent = true;
					continue;
				}
				boolean connectFailed = row.outcomes().subList(0, tried).stream().anyMatch(Outcome::failsToConnect);
				if (outcome == Outcome.STALL && (!resendsStall || !connectFailed)) {
					return new Expected(tried, -1, 0, true);
				}
				return new Expected(tried, -1, tried, false);
			}
		}

	}

	/**
	 * Failures the breaker of each member tried counts, in the order tried: every failed
	 * connect; a stall only when it is the one stall of a GET or opening handshake (two mean
	 * the exchange stalls, and a POST's counts against no member).
	 */
	static List<Integer> blamed(Row row, boolean resendsStall, int tried) {
		List<Outcome> outcomes = row.outcomes().subList(0, tried);
		long stalls = outcomes.stream().filter((outcome) -> outcome == Outcome.STALL).count();
		return outcomes.stream()
			.map((outcome) -> outcome.failsToConnect() || (outcome == Outcome.STALL && resendsStall && stalls == 1) ? 1 : 0)
			.toList();
	}

	static Stream<Row> rows() {
		return Stream.of(
				// a pool of three, max-attempts 3
				row(3, Outcome.OK), row(3, Outcome.REFUSE, Outcome.OK),
				row(3, Outcome.HANG, Outcome.STATUS_407, Outcome.OK),
				row(3, Outcome.RESET, Outcome.REFUSE, Outcome.STATUS_407),
				row(3, Outcome.REFUSE, Outcome.STALL, Outcome.OK),
				row(3, Outcome.REFUSE, Outcome.STALL, Outcome.STALL),
				row(3, Outcome.STALL, Outcome.REFUSE, Outcome.STALL),
				row(3, Outcome.STALL, Outcome.STALL, Outcome.OK),
				row(3, Outcome.STALL, Outcome.RESET, Outcome.OK),
				row(3, Outcome.STALL, Outcome.REFUSE, Outcome.STATUS_407),
				// max-attempts 2 and 1
				row(2, Outcome.REFUSE, Outcome.REFUSE, Outcome.OK),
				row(2, Outcome.REFUSE, Outcome.STALL, Outcome.OK),
				row(2, Outcome.STALL, Outcome.STATUS_407, Outcome.OK),
				row(1, Outcome.REFUSE, Outcome.OK, Outcome.OK),
				row(1, Outcome.STALL, Outcome.OK, Outcome.OK),
				// a pool of two: max-attempts 3 tries both
				row(3, Outcome.REFUSE, Outcome.REFUSE), row(3, Outcome.REFUSE, Outcome.STALL),
				row(3, Outcome.STALL, Outcome.OK));
	}

	private static Row row(int maxAttempts, Outcome... outcomes) {
		return new Row(maxAttempts, Arrays.asList(outcomes));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rows")
	void webClientGet(Row row, CapturedOutput output) {
		run(TransportTestSupport.runner(), "http", row, true, output, (context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			return new Client(() -> whoami(client, "close"), () -> whoami(client, "keep-alive"),
					WebClientRequestException.class);
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rows")
	void webClientPost(Row row, CapturedOutput output) {
		run(TransportTestSupport.runner(), "http", row, false, output, (context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			return new Client(() -> whoami(client, "close"), () -> client.post()
				.uri(this.target.baseUrl() + "/echo")
				.bodyValue("order")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10)), WebClientRequestException.class);
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rows")
	void restClientGet(Row row, CapturedOutput output) {
		run(RestClientThroughPoolTests.runner(), "http", row, true, output, (context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			return new Client(() -> whoami(client, "close"), () -> whoami(client, "keep-alive"),
					ResourceAccessException.class);
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rows")
	void webSocketHandshake(Row row, CapturedOutput output) {
		run(TransportTestSupport.runner(), "websocket", row, true, output, (context) -> {
			WebSocketClient client = context.getBean(WebSocketClient.class);
			// the error is not wrapped, and block() wraps it only as it is checked
			return new Client(() -> firstFrame(client), () -> firstFrame(client), null);
		});
	}

	/** The proxy's egress address; a probe closes its connection, so that no pooled one carries the row's request. */
	private String whoami(WebClient client, String connection) {
		return client.get()
			.uri(this.target.baseUrl() + "/whoami")
			.header("Connection", connection)
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	private String whoami(RestClient client, String connection) {
		return client.get()
			.uri(this.target.baseUrl() + "/whoami")
			.header("Connection", connection)
			.retrieve()
			.body(String.class);
	}

	/** The session's first frame ({@code peer=<address>}); the session ends with it. */
	private String firstFrame(WebSocketClient client) {
		Sinks.One<String> peer = Sinks.one();
		client
			.execute(URI.create(this.target.wsUrl()),
					(session) -> session.receive()
						.map(WebSocketMessage::getPayloadAsText)
						.next()
						.doOnNext(peer::tryEmitValue)
						.then(session.close()))
			.block(Duration.ofSeconds(10));
		return peer.asMono().block(Duration.ofSeconds(1)).substring("peer=".length());
	}

	/**
	 * A request to learn where round-robin stands, the request of the row, and what the client
	 * wraps a failed connect in ({@code null}: nothing).
	 */
	record Client(Supplier<String> probe, Supplier<String> request, Class<? extends Exception> wrapper) {

		/** What the client's caller gets in place of the transport's error. */
		Throwable unwrapped(Throwable thrown) {
			Throwable error = Exceptions.unwrap(thrown);
			assertThat(error).as("the error").isInstanceOf((this.wrapper != null) ? this.wrapper : Exception.class);
			return (this.wrapper != null) ? error.getCause() : error;
		}

	}

	private void run(ApplicationContextRunner runner, String type, Row row, boolean resendsStall,
			CapturedOutput output, Function<ApplicationContext, Client> clients) {
		List<TestProxy> members = this.proxies.subList(0, row.outcomes().size());
		String block = "default." + type;
		String[] pool = TransportTestSupport.pool(block,
				members.stream().map(TestProxy::url).toArray(String[]::new));
		runner.withPropertyValues(pool)
			.withPropertyValues("cryptofeed.proxy.handshake-timeout=" + WAIT,
					"cryptofeed.proxy." + block + ".timeout=" + WAIT,
					"cryptofeed.proxy.failover.max-attempts=" + row.maxAttempts(),
					// the probe's member has a success: one failure opens its breaker, whose move to
					// half-open would clear the count the row asserts
					"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1m")
			.run((context) -> {
				Client client = clients.apply(context);
				// round-robin starts anywhere: the member after the probe's is tried first
				int first = (egressIndex(client.probe().get()) + 1) % members.size();
				List<TestProxy> inOrder = new ArrayList<>();
				for (int i = 0; i < members.size(); i++) {
					inOrder.add(members.get((first + i) % members.size()));
					inOrder.get(i).fault(row.outcomes().get(i).faultOf(inOrder.get(i)));
				}
				this.target.resetCounters();
				Expected expected = Expected.of(row, resendsStall);

				Throwable error = catchThrowable(() -> assertThat(client.request().get()).isNotNull());
				assertThat(output.getAll()).as("the log").doesNotContain(PASSWORD);
				assertBlamed(context, type, members, inOrder, blamed(row, resendsStall, expected.tried()));

				if (expected.succeeds()) {
					assertThat(error).as("the request's error").isNull();
					assertThat(this.target.requestsByPeer()).as("requests the target saw, by proxy")
						.containsOnly(Map.entry(egress(inOrder.get(expected.answeredBy())), 1));
					return;
				}
				assertThat(this.target.requestsByPeer()).as("requests the target saw").isEmpty();
				assertThat(error).isNotNull();
				assertThat(chain(error)).as("the error's messages").doesNotContain(PASSWORD);
				if (expected.timeoutItself()) {
					client.unwrapped(error);
					assertThat(NestedExceptionUtils.getMostSpecificCause(error)).as("the error's cause")
						.isInstanceOf(ReadTimeoutException.class);
					return;
				}
				assertThat(client.unwrapped(error)).as("the error naming the members, in " + chain(error))
					.isInstanceOf(ProxyConnectFailedException.class);
				ProxyConnectFailedException failure = (ProxyConnectFailedException) client.unwrapped(error);
				assertThat(failure.getMessage()).contains("exchange=default", "type=" + type,
						"tried=" + expected.named());
				assertThat(failure.failures()).hasSize(expected.named());
				for (int i = 0; i < expected.named(); i++) {
					String entry = failure.failures().get(i);
					assertThat(entry).contains(":" + inOrder.get(i).port() + " -> ", row.outcomes().get(i).causeOf(inOrder.get(i)))
						.doesNotContain(PASSWORD);
				}
			});
	}

	private static void assertBlamed(ApplicationContext context, String type, List<TestProxy> members,
			List<TestProxy> inOrder, List<Integer> blamed) {
		ProxyPool pool = context.getBean(ProxyPools.class)
			.resolve(null, ConnectionType.valueOf(type.toUpperCase(Locale.ROOT)))
			.orElseThrow();
		MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			for (int i = 0; i < blamed.size(); i++) {
				PoolMember member = pool.members().get(members.indexOf(inOrder.get(i)));
				assertThat(breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls())
					.as("failures counted against member " + (i + 1) + " tried").isEqualTo(blamed.get(i));
			}
		});
	}

	private static int egressIndex(String peer) {
		return Integer.parseInt(peer.substring("127.0.0.9".length())) - 1;
	}

	private String egress(TestProxy proxy) {
		return "127.0.0.9" + (this.proxies.indexOf(proxy) + 1);
	}

	private static String chain(Throwable error) {
		StringBuilder messages = new StringBuilder();
		for (Throwable t = error; t != null; t = t.getCause()) {
			messages.append(t).append(" <- ");
		}
		return messages.toString();
	}

}
