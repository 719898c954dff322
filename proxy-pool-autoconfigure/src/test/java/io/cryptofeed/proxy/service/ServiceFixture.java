package io.cryptofeed.proxy.service;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cryptofeed.proxy.autoconfigure.CompiledServiceClient;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolTransportAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyServiceClientAutoConfiguration;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A proxy service played by WireMock, a target that tells which address each request came
 * from, the service's proxy (SOCKS5 with a password, leaving from 127.0.0.31) and an embedded
 * pool's proxy (HTTP CONNECT, leaving from 127.0.0.32). A direct connection reaches the target
 * from 127.0.0.1.
 */
final class ServiceFixture implements AutoCloseable {

	static final String SECRET = "canary-Pa55";

	static final String SERVICE_PEER = "127.0.0.31";

	static final String EMBEDDED_PEER = "127.0.0.32";

	static final String DIRECT_PEER = "127.0.0.1";

	final WireMockServer service;

	/** Answers of the stubs that ask for it ({@code withTransformers(HeldAnswers.NAME)}) wait for the test. */
	final HeldAnswers held = new HeldAnswers();

	final TargetServer target;

	final Socks5Proxy serviceProxy;

	final HttpConnectProxy embeddedProxy;

	ServiceFixture() {
		this.service = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(this.held));
		this.service.start();
		this.target = TargetServer.start("127.0.0.1");
		this.serviceProxy = Socks5Proxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress(SERVICE_PEER)
			.credentials("feed", SECRET)
			.start();
		this.embeddedProxy = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress(EMBEDDED_PEER).start();
		this.service.stubFor(post(urlEqualTo(ProxyFeedback.PATH)).willReturn(aResponse().withStatus(202)));
	}

	/**
	 * The application: pools with the embedded proxy as default for both connection types, the
	 * service's client pointed at WireMock, a meter registry.
	 */
	ApplicationContextRunner runner() {
		return clientRunner()
			.withPropertyValues("cryptofeed.proxy.enabled=true",
					"cryptofeed.proxy.default.http.url=" + this.embeddedProxy.url(),
					"cryptofeed.proxy.default.websocket.url=" + this.embeddedProxy.url(),
					"cryptofeed.proxy.default.http.health-check.enabled=false",
					"cryptofeed.proxy.default.websocket.health-check.enabled=false",
					"cryptofeed.proxy.external-service.enabled=true",
					"cryptofeed.proxy.external-service.endpoints=" + serviceUrl(),
					// the default: the first call in a JVM warms up WebClient, Jackson and WireMock,
					// which took more than 3 s on a busy machine; a test that waits for the
					// timeout sets a shorter one
					"cryptofeed.proxy.external-service.timeout=10s",
					"cryptofeed.proxy.external-service.client-id=feed-7");
	}

	/**
	 * A feed handler's auto-configurations and a meter registry: each test class points it at
	 * its own service. No test here waits for a proxy's handshake to time out, so its timeout
	 * is generous: a busy machine's first handshakes take more than half a second, and the
	 * default 1 s was missed by a mutual-TLS test's first connect through the service's proxy.
	 */
	static ApplicationContextRunner clientRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
					ProxyServiceClientAutoConfiguration.class, ProxyPoolTransportAutoConfiguration.class,
					ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("cryptofeed.proxy.handshake-timeout=5s");
	}

	/** WireMock's base URL on its loopback address. */
	String serviceUrl() {
		return "http://127.0.0.1:" + this.service.port();
	}

	/** The service answers every request with this. */
	void answer(ResponseDefinitionBuilder response) {
		answer(post(urlEqualTo(ProxyRequest.PATH)), response);
	}

	void answer(MappingBuilder request, ResponseDefinitionBuilder response) {
		this.service.stubFor(request.willReturn(response));
	}

	/** The service gives its proxy with this TTL (or none) and fallback policy. */
	void answerWithProxy(Long ttlSeconds, String policy) {
		answer(okJson(json(this.serviceProxy.url(), ttlSeconds, policy)));
	}

	static String json(String proxyUrl, Long ttlSeconds, String policy) {
		return "{\"proxy_url\":" + quoted(proxyUrl) + ",\"strategy\":\"round_robin\",\"ttl_seconds\":" + ttlSeconds
				+ ",\"fallback_policy\":" + quoted(policy) + ",\"metadata\":{\"region\":\"eu\"}}";
	}

	/**
	 * An answer of the protocol, a usable proxy with a password in it, that is larger than the
	 * 256 KB the client reads: its metadata carries the bulk.
	 */
	static String oversizedJson() {
		return "{\"proxy_url\":\"socks5://u:" + SECRET + "@127.0.0.1:1\",\"ttl_seconds\":60,\"fallback_policy\":null,"
				+ "\"metadata\":{\"padding\":\"" + "x".repeat(300 * 1024) + "\"}}";
	}

	private static String quoted(String value) {
		return (value != null) ? "\"" + value + "\"" : "null";
	}

	/**
	 * The application with its source on a clock the test moves: the auto-configured one
	 * steps aside for it.
	 */
	ApplicationContextRunner runner(TestClock clock) {
		return runner().withBean(Clock.class, () -> clock).withUserConfiguration(ClockedSource.class);
	}

	/** Runs the test in a started application with the application's WebClient. */
	static void run(ApplicationContextRunner runner, ClientTest test) {
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			test.run(context, context.getBean(WebClient.Builder.class).build());
		});
	}

	static double counter(ApplicationContext context, String name, String... tags) {
		Counter counter = context.getBean(MeterRegistry.class).find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	/** Calls to the service with this outcome and reason. */
	static long requestCount(ApplicationContext context, String outcome, String reason) {
		Timer timer = context.getBean(MeterRegistry.class)
			.find("cryptofeed.proxy.service.requests")
			.tags("outcome", outcome, "reason", reason)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	@FunctionalInterface
	interface ClientTest {

		void run(AssertableApplicationContext context, WebClient client) throws Exception;

	}

	List<LoggedRequest> requests() {
		return this.service.findAll(postRequestedFor(urlEqualTo(ProxyRequest.PATH)));
	}

	List<LoggedRequest> feedback() {
		return this.service.findAll(postRequestedFor(urlEqualTo(ProxyFeedback.PATH)));
	}

	/** GET /whoami through the application's WebClient: the address the target saw. */
	String whoami(WebClient client) {
		return whoami(client, "binance");
	}

	String whoami(WebClient client, String exchange) {
		return whoami(client, exchange, this.target);
	}

	/** GET /whoami of this target, for a new connection where the first target's is pooled. */
	String whoami(WebClient client, String exchange, TargetServer target) {
		return whoamiAt(target, client, exchange);
	}

	/** GET /whoami of a target through a WebClient as this exchange's connection. */
	static String whoamiAt(TargetServer target, WebClient client, String exchange) {
		return client.get()
			.uri(target.baseUrl() + "/whoami")
			.attribute(ProxyAttributes.EXCHANGE, exchange)
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	@Configuration(proxyBeanMethods = false)
	static class ClockedSource {

		@Bean(destroyMethod = "close")
		ServiceProxySource proxyServiceSource(CompiledServiceClient compiled, ObjectProvider<ServiceGuard> guard,
				ObjectProvider<ServiceMetrics> metrics, Clock clock) {
			return new ServiceProxySource(compiled.settings(), compiled.tls(),
					guard.getIfAvailable(() -> ServiceGuard.NONE), metrics.getIfAvailable(() -> ServiceMetrics.NONE),
					clock, (clock instanceof TestClock test) ? test.ticker() : System::nanoTime);
		}

	}

	@Override
	public void close() {
		this.held.release();
		this.serviceProxy.close();
		this.embeddedProxy.close();
		this.target.close();
		this.service.stop();
	}

}
