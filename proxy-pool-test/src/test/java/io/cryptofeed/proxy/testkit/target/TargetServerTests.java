package io.cryptofeed.proxy.testkit.target;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

class TargetServerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final HttpClient client = HttpClient.newBuilder()
		.connectTimeout(TIMEOUT)
		.proxy(HttpClient.Builder.NO_PROXY)
		.build();

	private TargetServer server;

	@BeforeEach
	void start() {
		this.server = TargetServer.start("127.0.0.1");
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void urlsPointAtTheBoundAddress() {
		assertThat(this.server.host()).isEqualTo("127.0.0.1");
		assertThat(this.server.port()).isPositive();
		assertThat(this.server.baseUrl()).isEqualTo("http://127.0.0.1:" + this.server.port());
		assertThat(this.server.wsUrl()).isEqualTo("ws://127.0.0.1:" + this.server.port() + "/ws");
	}

	@Test
	void whoamiAnswersThePeerAddress() throws Exception {
		HttpResponse<String> response = get("/whoami");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("127.0.0.1");
		assertThat(this.server.requestsByPeer()).isEqualTo(Map.of("127.0.0.1", 1));
	}

	@Test
	void aTlsServerIsTrustedByAClientThatTrustsItsTestCertificateOnly() {
		try (TargetServer tls = TargetServer.startTls("127.0.0.1")) {
			assertThat(tls.baseUrl()).isEqualTo("https://127.0.0.1:" + tls.port());
			assertThat(tls.wsUrl()).isEqualTo("wss://127.0.0.1:" + tls.port() + "/ws");
			reactor.netty.http.client.HttpClient trusting = reactor.netty.http.client.HttpClient.create()
				.secure((spec) -> spec.sslContext(TargetServer.trustingClientSslContext()));
			assertThat(whoami(trusting, tls)).isEqualTo("127.0.0.1");

			// the JDK's authorities do not know the test certificate
			reactor.netty.http.client.HttpClient untrusting = reactor.netty.http.client.HttpClient.create().secure();
			Throwable refused = catchThrowable(() -> whoami(untrusting, tls));
			assertThat(Stream.iterate(refused, Objects::nonNull, Throwable::getCause))
				.hasAtLeastOneElementOfType(SSLHandshakeException.class);
			assertThat(tls.requestsByPeer()).isEqualTo(Map.of("127.0.0.1", 1));
		}
	}

	private static String whoami(reactor.netty.http.client.HttpClient client, TargetServer server) {
		return client.get()
			.uri(server.baseUrl() + "/whoami")
			.responseContent()
			.aggregate()
			.asString()
			.block(TIMEOUT);
	}

	@Test
	void statusAnswersTheRequestedCode() throws Exception {
		assertThat(get("/status/503").statusCode()).isEqualTo(503);
		assertThat(get("/status/418").body()).isEqualTo("status 418");
		assertThat(get("/status/abc").statusCode()).isEqualTo(400);
		assertThat(this.server.requestsByPeer()).isEqualTo(Map.of("127.0.0.1", 3));
	}

	@Test
	void statusCanCarryRetryAfterAndBeAimedAtOnePeer() throws Exception {
		HttpResponse<String> limited = get("/status/429?retry-after=2");
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("Retry-After")).hasValue("2");
		assertThat(get("/status/451?peer=127.0.0.1").statusCode()).isEqualTo(451);
		HttpResponse<String> other = get("/status/451?peer=127.0.0.9&retry-after=60");
		assertThat(other.statusCode()).isEqualTo(200);
		assertThat(other.headers().firstValue("Retry-After")).isEmpty();
		HttpResponse<String> posted = this.client.send(HttpRequest.newBuilder(URI.create(this.server.baseUrl()
				+ "/status/418")).POST(HttpRequest.BodyPublishers.noBody()).timeout(TIMEOUT).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(posted.statusCode()).isEqualTo(418);
	}

	@Test
	void aWebSocketHandshakeCanBeRefusedWithAStatus() throws Exception {
		HttpResponse<String> refused = get("/ws?status=429&retry-after=5");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
		List<String> received = new CopyOnWriteArrayList<>();
		WebSocket webSocket = this.client.newWebSocketBuilder()
			.buildAsync(URI.create(this.server.wsUrl() + "?status=403&peer=127.0.0.9"), new CollectingListener(received))
			.get(5, TimeUnit.SECONDS);
		await().atMost(TIMEOUT).until(() -> received.contains("peer=127.0.0.1"));
		webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
	}

	@Test
	void delayAnswersAfterTheDelay() throws Exception {
		long start = System.nanoTime();

		HttpResponse<String> response = get("/delay/300");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(get("/delay/-1").statusCode()).isEqualTo(400);
	}

	@Test
	void echoReturnsTheBody() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.server.baseUrl() + "/echo"))
			.timeout(TIMEOUT)
			.POST(HttpRequest.BodyPublishers.ofString("ping ".repeat(10_000)))
			.build();

		HttpResponse<String> response = this.client.send(request, HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("ping ".repeat(10_000));
	}

	@Test
	void webSocketGreetsWithThePeerAndEchoesTextFrames() throws Exception {
		List<String> received = new CopyOnWriteArrayList<>();
		WebSocket webSocket = this.client.newWebSocketBuilder()
			.connectTimeout(TIMEOUT)
			.buildAsync(URI.create(this.server.wsUrl()), new CollectingListener(received))
			.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		try {
			await().atMost(TIMEOUT).until(() -> received.size() == 1);
			webSocket.sendText("hello", true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			webSocket.sendText("world", true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(received).containsExactly("peer=127.0.0.1", "hello",
					"world"));
			assertThat(this.server.requestsByPeer()).isEqualTo(Map.of("127.0.0.1", 1));
		}
		finally {
			webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Test
	void countersCanBeReset() throws Exception {
		get("/whoami");

		this.server.resetCounters();

		assertThat(this.server.requestsByPeer()).isEmpty();
	}

	private HttpResponse<String> get(String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.server.baseUrl() + path)).timeout(TIMEOUT).build();
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/** Collects every complete text message. */
	private static final class CollectingListener implements WebSocket.Listener {

		private final List<String> received;

		private final StringBuilder partial = new StringBuilder();

		CollectingListener(List<String> received) {
			this.received = received;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				this.received.add(this.partial.toString());
				this.partial.setLength(0);
			}
			webSocket.request(1);
			return CompletableFuture.completedFuture(null);
		}

	}

}
