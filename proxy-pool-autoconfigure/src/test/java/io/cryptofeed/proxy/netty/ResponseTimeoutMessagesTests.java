package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.time.Duration;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a caller reads when a response timeout of the pools' ends a request: Netty's
 * {@code ReadTimeoutException} has no message, so each client's error names the timeout, the
 * member (masked), the exchange and the connection type, with the timeout where it always was
 * in the cause chain. Through a SOCKS5 member with a password, which must not show.
 */
class ResponseTimeoutMessagesTests {

	private static final String SECRET = "canary-T1meout";

	private final ProxyTrio trio = new ProxyTrio("127.0.0.1", SECRET);

	@AfterEach
	void stop() {
		this.trio.close();
	}

	@Test
	void aWebClientRequestsErrorSaysWhatTimedOut() {
		run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> client.post()
					.uri(stalling("http"))
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(10)))
				.withCauseExactlyInstanceOf(ReadTimeoutException.class)
				.satisfies((error) -> assertNamesTheTimeout(error.getMessage(), "http"));
		});
	}

	@Test
	void aRestClientRequestsErrorSaysWhatTimedOut() {
		run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> client.post()
					.uri(stalling("http"))
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.retrieve()
					.body(String.class))
				.withRootCauseExactlyInstanceOf(ReadTimeoutException.class)
				.satisfies((error) -> assertNamesTheTimeout(error.getMessage(), "http"));
		});
	}

	/**
	 * A response timeout the request set on its own HttpClient, shorter than the pool's: Reactor
	 * Netty's, with no message of its own, so WebClient's error named nothing at all.
	 */
	@Test
	void aWebClientRequestsErrorSaysWhatItsOwnTimeoutRanOutOn() {
		run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> client.post()
					.uri(stalling("http"))
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.httpRequest((request) -> request.<HttpClientRequest>getNativeRequest()
						.responseTimeout(Duration.ofMillis(300)))
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(10)))
				.withCauseExactlyInstanceOf(ReadTimeoutException.class)
				.satisfies((error) -> assertNamesTheOwnTimeout(error.getMessage()));
		}, "cryptofeed.proxy.exchanges.binance.http.timeout=10s");
	}

	/** Boot's read timeout, shorter than the pool's: Spring's I/O error had no message either. */
	@Test
	void aRestClientRequestsErrorSaysWhatItsOwnTimeoutRanOutOn() {
		run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> client.post()
					.uri(stalling("http"))
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.retrieve()
					.body(String.class))
				.withRootCauseExactlyInstanceOf(ReadTimeoutException.class)
				.satisfies((error) -> assertNamesTheOwnTimeout(error.getMessage()));
		}, "cryptofeed.proxy.exchanges.binance.http.timeout=10s", "spring.http.clients.read-timeout=300ms");
	}

	/** No client wraps these: the timeout itself is what the caller gets, its story suppressed in it. */
	@Test
	void aWebSocketHandshakesAndAnOwnClientsTimeoutsCarryWhatTimedOut() {
		run((context) -> {
			Mono<Void> session = context.getBean(WebSocketClient.class)
				.execute(URI.create(stalling("ws")), (s) -> s.receive().then())
				.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE, "binance"));
			assertThatExceptionOfType(ReadTimeoutException.class).isThrownBy(() -> session.block(Duration.ofSeconds(10)))
				.satisfies((error) -> assertThat(error.getSuppressed()).anySatisfy(
						(suppressed) -> assertNamesTheTimeout(suppressed.getMessage(), "websocket")));
			ProxyPoolHttpClients pools = context.getBean(ProxyPoolHttpClients.class);
			HttpClient own = pools.apply(HttpClient.create(), ConnectionType.HTTP);
			Mono<String> request = pools
				.withFailover(ConnectionType.HTTP,
						() -> own.get().uri(stalling("http")).responseContent().aggregate().asString())
				.contextWrite((c) -> c.put(ProxyAttributes.EXCHANGE, "binance"));
			assertThatExceptionOfType(ReadTimeoutException.class).isThrownBy(() -> request.block(Duration.ofSeconds(10)))
				.satisfies((error) -> assertThat(error.getSuppressed()).anySatisfy(
						(suppressed) -> assertNamesTheTimeout(suppressed.getMessage(), "http")));
		});
	}

	private void assertNamesTheTimeout(String message, String type) {
		assertThat(message).isNotNull()
			.contains("response timeout of 300ms", "through proxy " + ProxyUrls.mask(this.trio.third.url()),
					"exchange=binance", "type=" + type)
			.doesNotContain(SECRET);
	}

	private void assertNamesTheOwnTimeout(String message) {
		assertThat(message).isNotNull()
			.contains("client's own read or response timeout",
					"through proxy " + ProxyUrls.mask(this.trio.third.url()), "exchange=binance", "type=http")
			.doesNotContain(SECRET);
	}

	/** A path the target answers after 3 s, long after the pool's timeout. */
	private String stalling(String scheme) {
		return scheme + "://" + this.trio.target.host() + ":" + this.trio.target.port() + "/delay/3000";
	}

	private void run(java.util.function.Consumer<AssertableApplicationContext> test, String... more) {
		RestClientThroughPoolTests.runner()
			.withPropertyValues("cryptofeed.proxy.exchanges.binance.http.url=" + this.trio.third.url(),
					"cryptofeed.proxy.exchanges.binance.http.timeout=300ms",
					"cryptofeed.proxy.exchanges.binance.websocket.url=" + this.trio.third.url(),
					"cryptofeed.proxy.exchanges.binance.websocket.timeout=300ms")
			.withPropertyValues(more)
			.run(test::accept);
	}

}
