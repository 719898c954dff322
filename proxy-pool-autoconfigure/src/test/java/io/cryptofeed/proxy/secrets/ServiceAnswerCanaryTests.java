package io.cryptofeed.proxy.secrets;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.jayway.jsonpath.JsonPath;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.cryptofeed.proxy.testsupport.OwnReactorResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A proxy password that comes from the proxy service's answers is a canary: an application
 * without embedded pools connects through the service's proxies (one that works, one that
 * answers 407, one that refuses, one through which the exchange answers 429), gets answers that cannot be used (a scheme the transport does
 * not speak, malformed JSON, a field of the wrong type), each carrying the password, with the
 * starter's logs at TRACE; then every actuator endpoint of the starter, and Boot's
 * {@code env}, {@code configprops} and metrics, are read. The password may appear in no log
 * line, response body, metric tag, error a caller receives, nor in the feedback sent back.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServiceAnswerCanaryTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String REQUEST = "/api/v1/proxy/request";

	private static final String FEEDBACK = "/api/v1/proxy/feedback";

	private final String password = "pw" + UUID.randomUUID().toString().replace("-", "");

	private final List<String> seen = new ArrayList<>();

	private final TargetServer target = TargetServer.start("127.0.0.1");

	private final WireMockServer service = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

	private final Socks5Proxy working = Socks5Proxy.builder()
		.bindAddress("127.0.0.1")
		.credentials("feed", this.password)
		.start();

	private final HttpConnectProxy refusingCredentials = HttpConnectProxy.builder()
		.bindAddress("127.0.0.1")
		.credentials("feed", this.password)
		.start();

	private final Socks5Proxy refusing = Socks5Proxy.builder()
		.bindAddress("127.0.0.1")
		.credentials("feed", this.password)
		.start();

	private ConfigurableApplicationContext context;

	private WebTestClient actuator;

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.working.close();
		this.refusingCredentials.close();
		this.refusing.close();
		this.target.close();
		this.service.stop();
	}

	@Test
	void noPasswordFromTheServicesAnswersEverLeavesTheApplication(CapturedOutput output) {
		this.refusingCredentials.fault(Fault.STATUS_407);
		this.refusing.fault(Fault.REFUSE);
		this.service.start();
		this.service.stubFor(post(urlEqualTo(FEEDBACK)).willReturn(aResponse().withStatus(202)));
		answer("binance", json(withPassword("socks5", this.working.port()), "fail"));
		answer("coinbase", json(withPassword("socks5", this.working.port()), "fail"));
		answer("kraken", json(withPassword("http", this.refusingCredentials.port()), "fail"));
		answer("bybit", json(withPassword("socks5", this.refusing.port()), "direct_connection"));
		answer("okx", json(withPassword("ftp", 21), "fail"));
		answer("deribit", "{\"proxy_url\":\"" + withPassword("socks5", 1) + "\",\"ttl_seconds\":\"soon\","
				+ "\"fallback_policy\":\"fail\"}");
		answer("bitmex", "{\"proxy_url\":\"" + withPassword("socks5", 1) + "\", ");
		run();
		WebClient client = this.context.getBean(WebClient.Builder.class).baseUrl(this.target.baseUrl()).build();

		assertThat(whoami(client, "binance")).isEqualTo("127.0.0.1");
		for (String exchange : List.of("kraken", "okx", "deribit")) {
			assertThat(whoami(client, exchange)).as(exchange).isInstanceOf(Throwable.class);
		}
		assertThat(whoami(client, "bybit")).isEqualTo("127.0.0.1");
		assertThat(whoami(client, "bitmex")).isEqualTo("127.0.0.1");
		assertThat(client.get()
			.uri("/status/429?retry-after=60")
			.attribute(ProxyAttributes.EXCHANGE, "coinbase")
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(WAIT)).isEqualTo(429);
		await().atMost(WAIT)
			.until(() -> feedback().size() >= 4
					&& feedback().stream().anyMatch((report) -> report.getBodyAsString().contains("\"status\":429")));
		readEveryEndpoint();

		assertThat(output.getAll()).as("the scenario really ran")
			.contains("proxy service's proxy failed")
			.contains("proxy service's proxy rate-limited")
			.contains("reason=unsupported_proxy")
			.contains("reason=malformed");
		assertThat(feedback()).allSatisfy((report) -> assertThat((String) JsonPath.read(report.getBodyAsString(),
				"$.proxy_url")).doesNotContain(this.password)
			.satisfiesAnyOf((url) -> assertThat(url).startsWith("socks5://feed@"),
					(url) -> assertThat(url).startsWith("http://feed@")));
		List<String> tags = SecretsCanaryTests.meterTags(this.context);
		assertThat(output.getAll()).doesNotContain(this.password);
		assertThat(this.seen).hasSizeGreaterThan(10).noneMatch((text) -> text.contains(this.password));
		assertThat(tags).noneMatch((tag) -> tag.contains(this.password));
	}

	private void run() {
		Map<String, Object> properties = SecretsCanaryTests
			.showingEverything("health,proxypool,metrics,prometheus,env,configprops");
		properties.put("cryptofeed.proxy.enabled", "true");
		properties.put("cryptofeed.proxy.handshake-timeout", "2s");
		properties.put("cryptofeed.proxy.external-service.enabled", "true");
		properties.put("cryptofeed.proxy.external-service.endpoints", "http://127.0.0.1:" + this.service.port());
		this.context = new SpringApplicationBuilder(SecretsCanaryTests.CanaryApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties(properties)
			.run();
		this.actuator = OwnReactorResources
			.actuatorClient("http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port"), WAIT);
	}

	private void answer(String exchange, String body) {
		this.service.stubFor(post(urlEqualTo(REQUEST)).withRequestBody(matchingJsonPath("$.exchange_id", equalTo(exchange)))
			.willReturn(okJson(body)));
	}

	private String withPassword(String scheme, int port) {
		return scheme + "://feed:" + this.password + "@127.0.0.1:" + port;
	}

	private static String json(String proxyUrl, String policy) {
		return "{\"proxy_url\":\"" + proxyUrl + "\",\"ttl_seconds\":0,\"fallback_policy\":\"" + policy + "\"}";
	}

	/** The peer the target saw, or the error the caller got (its stack trace kept for the final check). */
	private Object whoami(WebClient client, String exchange) {
		Object answer = client.get()
			.uri("/whoami")
			.attribute(ProxyAttributes.EXCHANGE, exchange)
			.retrieve()
			.bodyToMono(String.class)
			.map(Object.class::cast)
			.onErrorResume(Mono::just)
			.block(WAIT);
		if (answer instanceof Throwable error) {
			StringWriter trace = new StringWriter();
			error.printStackTrace(new PrintWriter(trace));
			this.seen.add(trace.toString());
		}
		return answer;
	}

	private List<LoggedRequest> feedback() {
		return this.service.findAll(postRequestedFor(urlEqualTo(FEEDBACK)));
	}

	private void readEveryEndpoint() {
		for (String path : List.of("/actuator/health", "/actuator/proxypool", "/actuator/metrics",
				"/actuator/prometheus", "/actuator/configprops", "/actuator/env")) {
			read(path);
		}
		List<String> names = JsonPath.read(read("/actuator/metrics"), "$.names");
		names.stream().filter((name) -> name.startsWith("cryptofeed.proxy")).forEach((name) -> read("/actuator/metrics/" + name));
	}

	private String read(String path) {
		String body = this.actuator.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.is2xxSuccessful()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		this.seen.add(path + " " + body);
		return body;
	}

}
