package io.cryptofeed.proxy.netty;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link ProxySource} (the external proxy service's role) asked before the pools of three
 * in-JVM proxies (egress 127.0.0.71, .72, .73), with a proxy of its own (egress 127.0.0.74).
 */
@ExtendWith(OutputCaptureExtension.class)
class ProxySourceThroughPoolTests {

	private ProxyTrio trio;

	private HttpConnectProxy sourced;

	@BeforeEach
	void start() {
		this.trio = new ProxyTrio("127.0.0.7", "source-secret");
		this.sourced = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.74").start();
	}

	@AfterEach
	void stop() {
		this.sourced.close();
		this.trio.close();
	}

	@Test
	void aSourcesProxyThatTakesOverFromARestingMemberHearsOfItsTunnelAndTheMemberDoesNot() {
		ScriptedSource source = new ScriptedSource(ProxyEndpoint.parse(this.sourced.url()));
		RateLimitTestSupport.runner(new TestClock())
			.withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues("cryptofeed.proxy.default.rate-limit.retry-on-cooldown=true")
			.withBean(ProxySource.class, () -> source)
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				// every member's address is rate limited; the source's proxy is not
				String body = client.get()
					.uri(this.trio.target.baseUrl() + "/status/429?peer=127.0.0.71&peer=127.0.0.72&peer=127.0.0.73")
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(10));
				assertThat(body).isEqualTo("status 200");
				assertThat(this.trio.target.requestsByPeer()).containsEntry("127.0.0.74", 1).hasSize(2);
				assertThat(source.connected).hasValue(1);
				assertThat(source.failures).isEmpty();
				// the member that answered 429 had one tunnel of its own, and no other credited to it
				MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
				List<PoolMember> members = context.getBean(ProxyPools.class)
					.resolve("binance", ConnectionType.HTTP)
					.orElseThrow()
					.members();
				assertThat(members.stream()
					.mapToInt((member) -> breakers.breakerOf(member).getMetrics().getNumberOfSuccessfulCalls())
					.sum()).isOne();
			});
	}

	/**
	 * No pool, the proxy service's client off, and a source of the application's: the
	 * transport asks it, so the start-up line must not say that every connection goes direct.
	 */
	@Test
	void withoutPoolsASourceOfTheApplicationsCarriesTheRequestsAndTheStartUpLineSaysItIsAsked(CapturedOutput output) {
		ProxyEndpoint sourcedProxy = ProxyEndpoint.parse(this.sourced.url());
		ProxySource source = (exchange, type) -> Mono
			.just(ProxyChoice.proxy(sourcedProxy, ProxyChoice.direct(), new ProxyChoice.Feedback() {

				@Override
				public void connected(Duration elapsed) {
				}

				@Override
				public void failed(Duration elapsed, Throwable cause) {
				}

			}));
		TransportTestSupport.runner().withBean("ownSource", ProxySource.class, () -> source).run((context) -> {
			assertThat(context).hasNotFailed();
			String peer = context.getBean(WebClient.Builder.class)
				.build()
				.get()
				.uri(this.trio.target.baseUrl() + "/whoami")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			assertThat(peer).isEqualTo("127.0.0.74");
			assertThat(output).contains("proxy pools: none configured, so every connection asks the ProxySource bean "
					+ "'ownSource', with no embedded pool to fall back on")
				.doesNotContain("every connection goes direct");
		});
	}

	/**
	 * Naming no exchange, a connection whose host an exchange's {@code hosts} claim asks the
	 * source about that exchange, on every client: WebClient, RestClient and WebSocket alike
	 * (the routing that finds the exchange runs before the source is asked, for each of them).
	 */
	@Test
	void aHostThatAnExchangesPatternsClaimAsksTheSourceAboutThatExchangeOnEveryClient() {
		ProxyEndpoint sourcedProxy = ProxyEndpoint.parse(this.sourced.url());
		List<String> asked = new CopyOnWriteArrayList<>();
		ProxySource source = (exchange, type) -> {
			asked.add(exchange + "/" + type.id());
			return Mono.just(ProxyChoice.proxy(sourcedProxy, ProxyChoice.embedded(), new ProxyChoice.Feedback() {

				@Override
				public void connected(Duration elapsed) {
				}

				@Override
				public void failed(Duration elapsed, Throwable cause) {
				}

			}));
		};
		TransportTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class))
			.withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues("cryptofeed.proxy.exchanges.kraken.hosts=localhost")
			.withBean(ProxySource.class, () -> source)
			.run((context) -> {
				String local = "localhost:" + this.trio.target.port();
				assertThat(context.getBean(WebClient.Builder.class)
					.build()
					.get()
					.uri("http://" + local + "/whoami")
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(10))).isEqualTo("127.0.0.74");
				assertThat(context.getBean(RestClient.Builder.class)
					.build()
					.get()
					.uri("http://" + local + "/whoami")
					.retrieve()
					.body(String.class)).isEqualTo("127.0.0.74");
				Sinks.One<String> frame = Sinks.one();
				context.getBean(WebSocketClient.class)
					.execute(URI.create("ws://" + local + "/ws"),
							(session) -> session.receive()
								.take(1)
								.map(WebSocketMessage::getPayloadAsText)
								.doOnNext(frame::tryEmitValue)
								.then())
					.block(Duration.ofSeconds(10));
				assertThat(frame.asMono().block(Duration.ofSeconds(1))).isEqualTo("peer=127.0.0.74");
				assertThat(asked).containsExactly("kraken/http", "kraken/http", "kraken/websocket");
			});
	}

	/** Leaves the first connect to the embedded pools and names its own proxy for every later one. */
	private static final class ScriptedSource implements ProxySource {

		private final ProxyEndpoint endpoint;

		private final AtomicInteger asked = new AtomicInteger();

		final AtomicInteger connected = new AtomicInteger();

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		ScriptedSource(ProxyEndpoint endpoint) {
			this.endpoint = endpoint;
		}

		@Override
		public Mono<ProxyChoice> choose(String exchange, ConnectionType type) {
			if (this.asked.getAndIncrement() == 0) {
				return Mono.just(ProxyChoice.embedded());
			}
			return Mono.just(ProxyChoice.proxy(this.endpoint, ProxyChoice.embedded(), new ProxyChoice.Feedback() {

				@Override
				public void connected(Duration elapsed) {
					ScriptedSource.this.connected.incrementAndGet();
				}

				@Override
				public void failed(Duration elapsed, Throwable cause) {
					ScriptedSource.this.failures.add(cause);
				}

			}));
		}

	}

}
