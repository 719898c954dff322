package io.cryptofeed.proxy.secrets;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.netty.ProxyConnectFailedException;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.netty.ProxyPoolRequestInterceptor;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.cryptofeed.proxy.testsupport.OwnReactorResources;
import io.cryptofeed.proxy.testsupport.WebSocketFrames;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.MediaType;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A proxy password, a second one brought by a reload, and the proxy service's token are
 * canaries: a whole application runs every connect failure the test kit can make, health
 * checks, breakers, drains, a valid and an invalid reload, and every actuator endpoint of
 * the starter (and Boot's {@code env} and {@code configprops}, set to show values), and none
 * of the canaries may appear in any log line (the starter's own at TRACE), response body,
 * metric tag or error a caller receives.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsCanaryTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final List<Fault> FAILURES = List.of(Fault.REFUSE, Fault.HANG, Fault.RESET, Fault.STATUS_407,
			Fault.STATUS_500, Fault.AUTH_FAIL, Fault.delay(Duration.ofSeconds(5)));

	private final String password = "pw" + UUID.randomUUID().toString().replace("-", "");

	private final String reloadedPassword = "pw" + UUID.randomUUID().toString().replace("-", "");

	private final String token = "tok" + UUID.randomUUID().toString().replace("-", "");

	private final List<String> seen = new ArrayList<>();

	private final Map<String, Object> reloadable = new LinkedHashMap<>();

	private TargetServer target;

	private List<TestProxy> healthy;

	private List<TestProxy> faulty;

	private ConfigurableApplicationContext context;

	private WebTestClient actuator;

	@BeforeEach
	void start() {
		this.target = TargetServer.start("127.0.0.1");
		this.healthy = List.of(httpProxy(this.password), socksProxy(this.password));
		this.faulty = List.of(httpProxy(this.password), socksProxy(this.password));
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.healthy.forEach(TestProxy::close);
		this.faulty.forEach(TestProxy::close);
		this.target.close();
	}

	@Test
	void noCanaryEverLeavesTheApplication(CapturedOutput output) throws Exception {
		run();
		WebClient client = this.context.getBean(WebClient.Builder.class).baseUrl(this.target.baseUrl()).build();
		WebSocketClient sockets = this.context.getBean(WebSocketClient.class);

		List<PoolMember> faultyMembers = this.context.getBean(ProxyPools.class)
			.resolve(null, ConnectionType.HTTP)
			.orElseThrow()
			.members()
			.subList(2, 4);
		for (Fault failure : FAILURES) {
			List<PoolMember> failing = new ArrayList<>();
			for (int i = 0; i < this.faulty.size(); i++) {
				if (apply(this.faulty.get(i), failure)) {
					failing.add(faultyMembers.get(i));
				}
			}
			assertThat(failing).as("a proxy of the kit can fail with %s", failure).isNotEmpty();
			long[] before = failing.stream().mapToLong(SecretsCanaryTests::connects).toArray();
			// every request succeeds through a healthy member until each failing one was tried
			await(failure.toString()).atMost(WAIT).until(() -> {
				assertThat(get(client, "/whoami")).isNotBlank();
				assertThat(session(sockets)).startsWith("peer=");
				for (int i = 0; i < failing.size(); i++) {
					if (connects(failing.get(i)) <= before[i]) {
						return false;
					}
				}
				return true;
			});
		}
		this.faulty.forEach((proxy) -> proxy.fault(Fault.REFUSE));
		Throwable exhausted = client.get()
			.uri("/whoami")
			.attribute(ProxyAttributes.EXCHANGE, "binance")
			.retrieve()
			.bodyToMono(String.class)
			.map(Object.class::cast)
			.onErrorResume(Mono::just)
			.block(WAIT) instanceof Throwable error ? error : null;
		assertThat(exhausted).as("every member of binance's pool refuses").isNotNull();
		this.seen.add(stackTrace(exhausted));
		Throwable blockingExhausted = catchThrowable(() -> blockingClient().get()
			.uri("/whoami")
			.attribute(ProxyAttributes.EXCHANGE, "binance")
			.retrieve()
			.body(String.class));
		assertThat(blockingExhausted).as("the same through a blocking client")
			.isInstanceOf(ResourceAccessException.class)
			.hasCauseInstanceOf(ProxyConnectFailedException.class);
		this.seen.add(stackTrace(blockingExhausted));

		await().atMost(WAIT).untilAsserted(() -> assertThat(output.getAll()).contains("state=unhealthy"));
		readEveryEndpoint();
		for (String member : memberIds()) {
			post("/actuator/proxypool/default/http/" + member, "drain");
			post("/actuator/proxypool/default/http/" + member, "undrain");
			post("/actuator/proxypool/default/websocket/" + member, "check");
		}
		post("/actuator/proxypool/default/websocket", "check");

		this.healthy.forEach(TestProxy::close);
		this.healthy = List.of(httpProxy(this.reloadedPassword), socksProxy(this.reloadedPassword));
		configure(this.healthy, this.faulty);
		publishChange();
		assertThat(get(client, "/whoami")).isNotBlank();
		this.reloadable.put("cryptofeed.proxy.default.http.pool[0].url",
				"socks5://feed:" + this.reloadedPassword + "@127.0.0.1:0");
		publishChange();
		exchange("POST", "/actuator/refresh", null);
		readEveryEndpoint();

		assertThat(output.getAll()).as("the scenario really ran")
			.contains("proxy breaker: ")
			.contains("state=unhealthy")
			.contains("proxy config reload applied")
			.contains("proxy config reload rejected")
			.contains("operator: action=drain");
		assertThat(this.seen).hasSizeGreaterThan(20);
		List<String> tags = meterTags(this.context);
		assertThat(tags).anyMatch((tag) -> tag.startsWith("proxy="));
		for (String canary : List.of(this.password, this.reloadedPassword, this.token)) {
			assertThat(output.getAll()).doesNotContain(canary);
			assertThat(this.seen).noneMatch((text) -> text.contains(canary));
			assertThat(tags).noneMatch((tag) -> tag.contains(canary));
		}
	}

	/** A RestClient pooled as the starter pools Boot's (this application is reactive, so Boot builds none). */
	private RestClient blockingClient() {
		ProxyPoolHttpClients clients = this.context.getBean(ProxyPoolHttpClients.class);
		return RestClient.builder()
			.baseUrl(this.target.baseUrl())
			.requestFactory(
					new ReactorClientHttpRequestFactory(clients.apply(clients.newHttpClient(), ConnectionType.HTTP)))
			.requestInterceptor(new ProxyPoolRequestInterceptor(clients))
			.build();
	}

	private void run() throws Exception {
		Map<String, Object> properties = showingEverything("health,proxypool,metrics,prometheus,refresh,env,configprops");
		properties.put("logging.level.org.springframework.cloud.context", "debug");
		properties.put("logging.level.org.springframework.web.client", "debug");
		properties.put("cryptofeed.proxy.enabled", "true");
		properties.put("cryptofeed.proxy.handshake-timeout", "300ms");
		properties.put("cryptofeed.proxy.failover.max-attempts", "4");
		properties.put("cryptofeed.proxy.circuit-breaker.minimum-number-of-calls", "2");
		properties.put("cryptofeed.proxy.circuit-breaker.sliding-window-size", "2");
		properties.put("cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state", "100ms");
		properties.put("cryptofeed.proxy.default.http.health-check.enabled", "false");
		properties.put("cryptofeed.proxy.default.websocket.health-check.interval", "1s");
		properties.put("cryptofeed.proxy.default.websocket.health-check.timeout", "300ms");
		properties.put("cryptofeed.proxy.default.websocket.health-check.unhealthy-threshold", "1");
		properties.put("cryptofeed.proxy.exchanges.binance.http.pool[0].url", this.faulty.get(0).url());
		properties.put("cryptofeed.proxy.exchanges.binance.http.pool[1].url", this.faulty.get(1).url());
		// a proxy service that is down: its token goes nowhere but must not be printed either
		properties.put("cryptofeed.proxy.external-service.enabled", "true");
		properties.put("cryptofeed.proxy.external-service.endpoints", "http://127.0.0.1:" + closedPort());
		properties.put("cryptofeed.proxy.external-service.auth-method", "bearer-token");
		properties.put("cryptofeed.proxy.external-service.token", this.token);
		properties.put("cryptofeed.proxy.external-service.timeout", "300ms");
		configure(this.healthy, this.faulty);
		this.context = new SpringApplicationBuilder(CanaryApplication.class).web(WebApplicationType.REACTIVE)
			.properties(properties)
			.initializers((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("reloadable", this.reloadable)))
			.run();
		this.actuator = OwnReactorResources
			.actuatorClient("http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port"), WAIT);
	}

	/** The default pools: healthy members first, then the faulty ones, for HTTP and WebSocket alike. */
	private void configure(List<TestProxy> healthy, List<TestProxy> faulty) {
		this.reloadable.clear();
		List<TestProxy> members = new ArrayList<>(healthy);
		members.addAll(faulty);
		for (int i = 0; i < members.size(); i++) {
			this.reloadable.put("cryptofeed.proxy.default.http.pool[" + i + "].url", members.get(i).url());
			this.reloadable.put("cryptofeed.proxy.default.websocket.pool[" + i + "].url", members.get(i).url());
		}
	}

	private void publishChange() {
		this.context.publishEvent(new EnvironmentChangeEvent(this.context, this.reloadable.keySet()));
	}

	private void readEveryEndpoint() {
		for (String path : List.of("/actuator/health", "/actuator/proxypool", "/actuator/proxypool/default/http",
				"/actuator/proxypool/default/websocket", "/actuator/proxypool/binance/http", "/actuator/metrics",
				"/actuator/prometheus", "/actuator/configprops")) {
			exchange("GET", path, null);
		}
		for (String member : memberIds()) {
			exchange("GET", "/actuator/proxypool/default/http/" + member, null);
		}
		// the environment with its values shown: proxy URLs without their credentials
		assertThat(exchange("GET", "/actuator/env", null)).contains("cryptofeed.proxy.default.http.pool[0].url")
			.contains("://***@127.0.0.1:");
		List<String> names = JsonPath.read(exchange("GET", "/actuator/metrics", null), "$.names");
		names.stream()
			.filter((name) -> name.startsWith("cryptofeed.proxy") || name.startsWith("resilience4j"))
			.forEach((name) -> exchange("GET", "/actuator/metrics/" + name, null));
	}

	private List<String> memberIds() {
		return JsonPath.read(exchange("GET", "/actuator/proxypool/default/http", null), "$.members[*].id");
	}

	private void post(String path, String action) {
		exchange("POST", path, action);
	}

	/** Calls the actuator, keeps the answer for the final check, and returns its body. */
	private String exchange(String method, String path, String action) {
		WebTestClient.RequestBodySpec request = this.actuator.method(org.springframework.http.HttpMethod.valueOf(method))
			.uri(path);
		WebTestClient.ResponseSpec response = (action != null)
				? request.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("action", action)).exchange()
				: request.exchange();
		String body = response.expectStatus().is2xxSuccessful().expectBody(String.class).returnResult().getResponseBody();
		this.seen.add(path + " " + body);
		return body;
	}

	private String get(WebClient client, String path) {
		return client.get().uri(path).retrieve().bodyToMono(String.class).block(WAIT);
	}

	/** Opens a session, reads its first frame and closes it. */
	private String session(WebSocketClient sockets) {
		return WebSocketFrames.firstFrame(sockets, URI.create(this.target.wsUrl()), WAIT);
	}

	/**
	 * Sets the fault where the proxy's protocol has it (407 and 500 are HTTP CONNECT's,
	 * AUTH_FAIL SOCKS5's); elsewhere the proxy keeps failing as before, so that no working
	 * keep-alive tunnel through it would spare later faults a new connect.
	 */
	private static boolean apply(TestProxy proxy, Fault fault) {
		try {
			proxy.fault(fault);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static long connects(PoolMember member) {
		return member.succeededConnects() + member.failedConnects();
	}

	private static HttpConnectProxy httpProxy(String password) {
		return HttpConnectProxy.builder().bindAddress("127.0.0.1").credentials("feed", password).start();
	}

	private static Socks5Proxy socksProxy(String password) {
		return Socks5Proxy.builder().bindAddress("127.0.0.1").credentials("feed", password).start();
	}

	private static int closedPort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static String stackTrace(Throwable error) {
		StringWriter out = new StringWriter();
		error.printStackTrace(new PrintWriter(out));
		return out.toString();
	}

	/**
	 * What a canary application starts with: a server on a free loopback port, the
	 * {@code exposed} actuator endpoints showing their values and details, and the levels a user
	 * turns on to troubleshoot (Reactor Netty's at DEBUG: WiretappedClientTests).
	 */
	static Map<String, Object> showingEverything(String exposed) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.address", "127.0.0.1");
		properties.put("server.port", "0");
		properties.put("management.endpoints.web.exposure.include", exposed);
		properties.put("management.endpoint.env.show-values", "always");
		properties.put("management.endpoint.configprops.show-values", "always");
		properties.put("management.endpoint.health.show-details", "always");
		properties.put("logging.level.io.cryptofeed", "trace");
		properties.put("logging.level.io.github.resilience4j", "debug");
		properties.put("logging.level.org.springframework.web.reactive.function.client", "debug");
		return properties;
	}

	/** Every tag of every meter the application registered, as {@code key=value}. */
	static List<String> meterTags(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class)
			.getMeters()
			.stream()
			.flatMap((meter) -> meter.getId().getTags().stream())
			.map((tag) -> tag.getKey() + "=" + tag.getValue())
			.toList();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OwnReactorResources.class)
	static class CanaryApplication {

	}

}
