package io.cryptofeed.proxy.actuate;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.cryptofeed.proxy.testsupport.OwnReactorResources;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A real application on a random port with the actuator, in-JVM proxies and a target server:
 * health, the proxypool endpoint and metrics read over HTTP while members fail, are drained
 * and checked on demand. No proxy password may show anywhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class OperationsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Configuration JSON = Configuration.defaultConfiguration()
		.addOptions(Option.DEFAULT_PATH_LEAF_TO_NULL);

	private TargetServer target;

	private HttpConnectProxy first;

	private HttpConnectProxy second;

	private Socks5Proxy third;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<String> bodies = new ArrayList<>();

	private WebTestClient actuator;

	@BeforeEach
	void start() {
		this.target = TargetServer.start("127.0.0.1");
		this.first = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.41").start();
		this.second = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.42").start();
		this.third = Socks5Proxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress("127.0.0.43")
			.credentials("feed", TestPools.CANARY)
			.start();
	}

	@AfterEach
	void stop() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.first.close();
		this.second.close();
		this.third.close();
		this.target.close();
	}

	@Test
	void aFailingMemberShowsItsOpenBreakerAndFailedCheckInHealthEndpointAndMetrics(CapturedOutput output) {
		ConfigurableApplicationContext context = run();
		this.first.fault(Fault.REFUSE);
		WebClient webClient = context.getBean(WebClient.Builder.class).baseUrl(this.target.baseUrl()).build();
		for (int i = 0; i < 6; i++) {
			assertThat(webClient.get().uri("/whoami").retrieve().bodyToMono(String.class).block(WAIT))
				.isIn("127.0.0.42", "127.0.0.43");
		}

		String member = get("/actuator/proxypool/default/http/" + id(this.first));
		assertThat(read(member, "$.breaker", String.class)).isEqualTo("OPEN");
		assertThat(read(member, "$.available", Boolean.class)).isFalse();
		assertThat(read(member, "$.selections", Integer.class)).isEqualTo(2);
		assertThat(read(member, "$.failures", Integer.class)).isEqualTo(2);
		assertThat(read(get("/actuator/proxypool/default/http"), "$.failovers", Integer.class)).isEqualTo(2);

		String checked = post("/actuator/proxypool/default/websocket/0", "check");
		assertThat(read(checked, "$.healthy", Boolean.class)).isFalse();
		assertThat(read(checked, "$.lastError", String.class)).isNotBlank();

		String health = get("/actuator/health");
		assertThat(read(health, "$.status", String.class)).isEqualTo("UP");
		assertThat(read(health, "$.components.proxyPool.status", String.class)).isEqualTo("UP");
		assertThat(read(health, "$.components.proxyPool.details['default/http']", Map.class))
			.containsEntry("members", 3)
			.containsEntry("available", 2)
			.containsEntry("openBreakers", 1);
		assertThat(read(health, "$.components.proxyPool.details['default/websocket']", Map.class))
			.containsEntry("unhealthy", 1)
			.containsEntry("available", 2);

		String failures = get("/actuator/metrics/cryptofeed.proxy.selections?tag=outcome:failure&tag=proxy:"
				+ id(this.first));
		assertThat(read(failures, "$.measurements[0].value", Double.class)).isEqualTo(2.0);
		assertThat(read(get("/actuator/metrics/cryptofeed.proxy.failovers?tag=type:http"), "$.measurements[0].value",
				Double.class)).isEqualTo(2.0);
		assertThat(read(get("/actuator/metrics/cryptofeed.proxy.member.healthy?tag=type:websocket&tag=proxy:"
				+ id(this.first)), "$.measurements[0].value", Double.class)).isZero();
		assertThat(read(get("/actuator/metrics/resilience4j.circuitbreaker.state?tag=state:open"),
				"$.measurements[0].value", Double.class)).isEqualTo(1.0);
		assertNoCanary(context, output);
	}

	@Test
	void aDrainedMemberTakesNoNewSessionWhileItsOpenSessionKeepsWorkingUntilUndrained(CapturedOutput output) {
		ConfigurableApplicationContext context = run();
		WebSocketClient client = context.getBean(WebSocketClient.class);
		Session open = Session.open(client, URI.create(this.target.wsUrl()));
		String carrier = open.received(0);
		TestProxy carrying = proxyWithEgress(carrier.substring("peer=".length()));

		String drained = post("/actuator/proxypool/default/websocket/" + id(carrying), "drain");
		assertThat(read(drained, "$.drained", Boolean.class)).isTrue();
		assertThat(read(drained, "$.available", Boolean.class)).isFalse();

		open.send("still flowing after the drain");
		assertThat(open.received(1)).isEqualTo("still flowing after the drain");
		List<String> newSessions = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			newSessions.add(firstFrame(client));
		}
		assertThat(newSessions).doesNotContain(carrier).hasSize(4);
		String member = get("/actuator/proxypool/default/websocket/" + id(carrying));
		assertThat(read(member, "$.openConnections", Integer.class)).isOne();

		String undrained = post("/actuator/proxypool/default/websocket/" + id(carrying), "undrain");
		assertThat(read(undrained, "$.available", Boolean.class)).isTrue();
		List<String> afterwards = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			afterwards.add(firstFrame(client));
		}
		assertThat(afterwards).contains(carrier);
		open.close();
		assertNoCanary(context, output);
	}

	@Test
	void checkingNowUpdatesTheLastCheckOfAMemberOrAWholePool(CapturedOutput output) {
		run();
		String path = "/actuator/proxypool/default/websocket/" + id(this.third);
		await().atMost(WAIT).until(() -> read(get(path), "$.lastCheck", String.class) != null);
		Instant firstRound = Instant.parse(read(get(path), "$.lastCheck", String.class));

		String checked = post(path, "check");
		Instant onDemand = Instant.parse(read(checked, "$.lastCheck", String.class));
		assertThat(onDemand).isAfter(firstRound);
		assertThat(read(checked, "$.healthy", Boolean.class)).isTrue();
		assertThat(read(checked, "$.latencyMillis", Double.class)).isPositive();

		String pool = post("/actuator/proxypool/default/websocket", "check");
		List<String> lastChecks = read(pool, "$.members[*].lastCheck", List.class);
		assertThat(lastChecks).hasSize(3).allSatisfy((at) -> assertThat(Instant.parse(at)).isAfter(onDemand));
		assertNoCanary(this.contexts.get(0), output);
	}

	@Test
	void theEndpointIsNotExposedUnlessNamedAndReadOnlyAccessRefusesWrites(CapturedOutput output) {
		run("management.endpoints.web.exposure.include=health");
		this.actuator.get().uri("/actuator/proxypool").exchange().expectStatus().isNotFound();
		assertThat(read(get("/actuator/health"), "$.components.proxyPool.status", String.class)).isEqualTo("UP");

		run("management.endpoint.proxypool.access=read-only");
		assertThat(read(get("/actuator/proxypool"), "$.pools[*].type", List.class)).containsOnly("http", "websocket");
		this.actuator.post()
			.uri("/actuator/proxypool/default/http/0")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("action", "drain"))
			.exchange()
			.expectStatus()
			.is4xxClientError();
		assertThat(read(get("/actuator/proxypool/default/http/0"), "$.drained", Boolean.class)).isFalse();
		assertNoCanary(this.contexts.get(1), output);
	}

	@Test
	void thePrometheusScrapeHasEveryNameTheDashboardAndTheAlertRulesUse(CapturedOutput output) throws IOException {
		ConfigurableApplicationContext context = run("management.endpoints.web.exposure.include=prometheus");
		Set<String> published = get("/actuator/prometheus").lines()
			.filter((line) -> !line.isBlank() && !line.startsWith("#"))
			.map((line) -> line.split("[{ ]", 2)[0])
			.collect(Collectors.toSet());

		String dashboard = Files.readString(Path.of("../docs/grafana/proxy-pool-dashboard.json"));
		List<String> panelQueries = JsonPath.read(dashboard, "$.panels[*].targets[*].expr");
		assertThat(panelQueries).hasSizeGreaterThan(10);
		String operations = Files.readString(Path.of("../docs/operations.md"));
		String ruleFile = operations.substring(operations.indexOf("```yaml", operations.indexOf("alert rules")) + 7);
		Map<String, List<Map<String, Object>>> rules = new Yaml().load(ruleFile.substring(0, ruleFile.indexOf("```")));
		List<Map<String, Object>> alerts = rules.get("groups").stream()
			.flatMap((group) -> ((List<Map<String, Object>>) group.get("rules")).stream())
			.toList();
		assertThat(alerts).hasSizeGreaterThan(5).allSatisfy((rule) -> assertThat(rule).containsKeys("alert", "expr"));

		Set<String> used = new TreeSet<>();
		Pattern metric = Pattern.compile("\\b(cryptofeed|resilience4j)_[a-z_]+\\b");
		Stream.concat(panelQueries.stream(), alerts.stream().map((rule) -> (String) rule.get("expr")))
			.forEach((query) -> metric.matcher(query).results().map(MatchResult::group).forEach(used::add));
		assertThat(used).hasSizeGreaterThanOrEqualTo(9);
		assertThat(published).containsAll(used);

		// the dashboard's variables filter every panel; only what went direct has no exchange
		assertThat(panelQueries).allSatisfy((query) -> assertThat(query).contains("$type"))
			.filteredOn((query) -> !query.contains("cryptofeed_proxy_direct_total"))
			.allSatisfy((query) -> assertThat(query).contains("$exchange"));
		String breakers = panelQueries.stream()
			.filter((query) -> query.startsWith("resilience4j_circuitbreaker_state"))
			.findFirst()
			.orElseThrow();
		Matcher nameFilter = Pattern.compile("name=~\"([^\"]+)\"").matcher(breakers);
		assertThat(nameFilter.find()).isTrue();
		Pattern httpOfDefault = Pattern.compile(nameFilter.group(1).replace("$exchange", "default").replace("$type", "http"));
		List<String> breakerNames = get("/actuator/prometheus").lines()
			.filter((line) -> line.startsWith("resilience4j_circuitbreaker_state{"))
			.map((line) -> line.replaceAll(".*name=\"([^\"]+)\".*", "$1"))
			.distinct()
			.toList();
		assertThat(breakerNames).filteredOn((name) -> httpOfDefault.matcher(name).matches())
			.hasSize(3)
			.allSatisfy((name) -> assertThat(name).startsWith("default/http#"));
		assertNoCanary(context, output);
	}

	/**
	 * A member set enabled: false shows as disabled, not as out, wherever operators look: the
	 * health details count it apart, the endpoint says enabled false, the scrape reads 0 on
	 * its member.enabled series; the pool stays up.
	 */
	@Test
	void aMemberDisabledByConfigurationShowsAsDisabledInHealthEndpointAndScrape(CapturedOutput output) {
		ConfigurableApplicationContext context = run("cryptofeed.proxy.default.websocket.pool[1].enabled=false",
				"management.endpoints.web.exposure.include=health,proxypool,prometheus");

		String health = get("/actuator/health");
		assertThat(read(health, "$.components.proxyPool.status", String.class)).isEqualTo("UP");
		assertThat(read(health, "$.components.proxyPool.details['default/websocket']", Map.class))
			.containsEntry("members", 3)
			.containsEntry("available", 2)
			.containsEntry("disabled", 1)
			.containsEntry("drained", 0);
		assertThat(read(health, "$.components.proxyPool.details['default/http']", Map.class))
			.containsEntry("disabled", 0);

		String member = get("/actuator/proxypool/default/websocket/" + id(this.second));
		assertThat(read(member, "$.enabled", Boolean.class)).isFalse();
		assertThat(read(member, "$.available", Boolean.class)).isFalse();
		assertThat(read(member, "$.drained", Boolean.class)).isFalse();

		Map<String, String> enabledByMember = get("/actuator/prometheus").lines()
			.filter((line) -> line.startsWith("cryptofeed_proxy_member_enabled{") && line.contains("type=\"websocket\""))
			.collect(Collectors.toMap((line) -> line.replaceAll(".*proxy=\"([^\"]+)\".*", "$1"),
					(line) -> line.substring(line.lastIndexOf(' ') + 1)));
		assertThat(enabledByMember).containsOnlyKeys(id(this.first), id(this.second), id(this.third))
			.containsEntry(id(this.second), "0.0")
			.containsEntry(id(this.first), "1.0")
			.containsEntry(id(this.third), "1.0");
		assertNoCanary(context, output);
	}

	@Test
	void aMemberAnExchangeRateLimitedShowsItsCooldownForThatExchangeOnlyInTheEndpoint(CapturedOutput output) {
		ConfigurableApplicationContext context = run();
		WebClient webClient = context.getBean(WebClient.Builder.class).baseUrl(this.target.baseUrl()).build();
		webClient.get()
			.uri("/status/429")
			.attribute(ProxyAttributes.EXCHANGE, "binance")
			.retrieve()
			.toBodilessEntity()
			.onErrorComplete()
			.block(WAIT);

		List<String> members = Stream.<TestProxy>of(this.first, this.second, this.third)
			.map((proxy) -> get("/actuator/proxypool/default/http/" + id(proxy)))
			.toList();
		List<String> rested = members.stream()
			.filter((member) -> read(member, "$.exchangeLimits.binance", Map.class) != null)
			.toList();
		assertThat(rested).hasSize(1);
		String limits = rested.get(0);
		assertThat(read(limits, "$.exchangeLimits.binance.lastStatus", Integer.class)).isEqualTo(429);
		assertThat(read(limits, "$.exchangeLimits.binance.strikes", Integer.class)).isEqualTo(1);
		assertThat(read(limits, "$.exchangeLimits.binance.coolingUntil", String.class))
			.satisfies((until) -> assertThat(Instant.parse(until)).isAfter(Instant.now()));
		assertThat(read(limits, "$.exchangeLimits.binance.cooldownRemaining", String.class))
			.satisfies((remaining) -> assertThat(Duration.parse(remaining)).isPositive());
		assertThat(members).filteredOn((member) -> !member.equals(limits))
			.allSatisfy((member) -> assertThat(read(member, "$.exchangeLimits", Map.class)).isEmpty());
		assertNoCanary(context, output);
	}

	/**
	 * Over HTTP a member is named by its id as the endpoint shows it, in another spelling of
	 * its host, or with the {@code #} of its serial percent-encoded (a bare one ends the path).
	 */
	@Test
	void aMemberIsNamedOverHttpByItsIdInAnySpellingOrWithItsSerial(CapturedOutput output) {
		ConfigurableApplicationContext context = run(
				"cryptofeed.proxy.default.http.pool[3].url=http://feed:" + TestPools.CANARY + "@" + id(this.first),
				"cryptofeed.proxy.default.http.pool[4].url=http://Proxy-EU.Example.COM:3128");
		String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port")
				+ "/actuator/proxypool/default/http/";

		String twin = keep(this.actuator.get()
			.uri(URI.create(base + id(this.first) + "%233"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class));
		assertThat(read(twin, "$.index", Integer.class)).isEqualTo(3);
		assertThat(read(twin, "$.id", String.class)).isEqualTo(id(this.first) + "#3");
		String drained = keep(this.actuator.post()
			.uri(URI.create(base + "PROXY-EU.example.com:3128"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("action", "drain"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class));
		assertThat(read(drained, "$.id", String.class)).isEqualTo("proxy-eu.example.com:3128");
		assertThat(read(drained, "$.drained", Boolean.class)).isTrue();
		assertNoCanary(context, output);
	}

	/**
	 * What a platform's probes see while a pool has no available member, set to
	 * out-of-service: Boot answers 503 for it as for down, so a probe of /actuator/health
	 * fails all the same; the readiness group takes the application out of rotation while the
	 * liveness group, which the contributor is not part of, keeps it running.
	 */
	@Test
	void aPoolOutOfServiceFailsTheHealthStatusCodeAndReadinessButNotLiveness(CapturedOutput output) {
		ConfigurableApplicationContext context = run("management.health.proxypool.unavailable-status=out-of-service",
				"management.endpoint.health.probes.enabled=true",
				"management.endpoint.health.group.readiness.include=readinessState,proxyPool");
		assertThat(read(health("/actuator/health", 200), "$.status", String.class)).isEqualTo("UP");
		for (TestProxy proxy : List.<TestProxy>of(this.first, this.second, this.third)) {
			post("/actuator/proxypool/default/http/" + id(proxy), "drain");
		}

		String health = health("/actuator/health", 503);
		assertThat(read(health, "$.status", String.class)).isEqualTo("OUT_OF_SERVICE");
		assertThat(read(health, "$.components.proxyPool.status", String.class)).isEqualTo("OUT_OF_SERVICE");
		assertThat(read(health("/actuator/health/readiness", 503), "$.status", String.class))
			.isEqualTo("OUT_OF_SERVICE");
		assertThat(read(health("/actuator/health/liveness", 200), "$.status", String.class)).isEqualTo("UP");
		assertNoCanary(context, output);
	}

	/**
	 * Credentials written every odd but legal way an operator may meet: %-encoded, a SOCKS4
	 * user id, user info on an https member, on a health check's URL and the service's
	 * endpoint, the service's token, and a metadata label holding one as its value or name.
	 * Neither the endpoint, health, metrics, the env and configprops endpoints nor the logs
	 * show any of them, decoded or not; a metadata label's name is shown by env and
	 * configprops only, as Boot shows every key there.
	 */
	@Test
	void credentialsWrittenInOddWaysShowNowhere(CapturedOutput output) {
		// a credential given as a label's name: Boot shows every key in env and configprops
		String labelName = "label-k3y-6b1f";
		ConfigurableApplicationContext context = run(
				"cryptofeed.proxy.default.http.pool[0].url=http://ops%40corp:p%2F" + TestPools.CANARY + "@"
						+ id(this.first),
				"cryptofeed.proxy.default.http.pool[0].metadata.token=" + TestPools.CANARY,
				"cryptofeed.proxy.default.http.pool[1].metadata.secret=" + TestPools.CANARY,
				"cryptofeed.proxy.default.http.pool[1].metadata[" + labelName + "]=zone",
				"cryptofeed.proxy.default.http.pool[3].url=socks4://" + TestPools.CANARY + "@" + id(this.second),
				"cryptofeed.proxy.default.http.pool[4].url=https://ops:" + TestPools.CANARY + "@" + id(this.first),
				"cryptofeed.proxy.default.websocket.pool[3].url=https://ops%40corp:" + TestPools.CANARY + "@"
						+ id(this.second),
				"cryptofeed.proxy.default.websocket.health-check.url=http://ops:" + TestPools.CANARY + "@127.0.0.1:"
						+ URI.create(this.target.baseUrl()).getPort() + "/ping?apikey=" + TestPools.CANARY,
				"management.endpoints.web.exposure.include=health,proxypool,metrics,env,configprops",
				"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always");

		String pools = get("/actuator/proxypool");
		for (String type : List.of("http", "websocket")) {
			String pool = get("/actuator/proxypool/default/" + type);
			int members = read(pool, "$.members.length()", Integer.class);
			assertThat(members).isGreaterThan(3);
			for (int i = 0; i < members; i++) {
				get("/actuator/proxypool/default/" + type + "/" + i);
			}
		}
		post("/actuator/proxypool/default/websocket", "check");
		post("/actuator/proxypool/default/websocket/3", "check");
		get("/actuator/health");
		String names = get("/actuator/metrics");
		for (Object name : read(names, "$.names", List.class)) {
			get("/actuator/metrics/" + name);
		}
		String configprops = get("/actuator/configprops");
		String env = get("/actuator/env");

		assertThat(pools).doesNotContain("metadata");
		assertThat(this.bodies).noneMatch((body) -> body.contains("ops@corp") || body.contains("ops%40corp"));
		assertThat(configprops).contains(labelName);
		assertThat(env).contains(labelName);
		assertThat(this.bodies).filteredOn((body) -> body != configprops && body != env)
			.noneMatch((body) -> body.contains(labelName));
		assertThat(output.getAll()).doesNotContain("ops@corp", "ops%40corp", labelName);
		assertNoCanary(context, output);
	}

	/** Boot checks a group's members at start: one naming the contributor needs it there. */
	@Test
	void aHealthGroupNamingTheContributorStopsTheStartWhereItIsOff() {
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> run("management.health.proxypool.enabled=false",
					"management.endpoint.health.group.readiness.include=readinessState,proxyPool"))
			.withStackTraceContaining("proxyPool");
		run("management.health.proxypool.enabled=false",
				"management.endpoint.health.group.readiness.include=readinessState,proxyPool",
				"management.endpoint.health.validate-group-membership=false");
		assertThat(read(health("/actuator/health/readiness", 200), "$.status", String.class)).isEqualTo("UP");
	}

	@Test
	void aRefusedActionAnswersItsStatusWithWhatIsWrongAndWhatToDo() {
		run();
		String id = id(this.first);
		String unknownAction = refused("/actuator/proxypool/default/http/0", Map.of("action", "explode"), 400);
		assertThat(read(unknownAction, "$.status", Integer.class)).isEqualTo(400);
		assertThat(read(unknownAction, "$.error", String.class)).isEqualTo("Bad Request");
		assertThat(read(unknownAction, "$.message", String.class)).isEqualTo("Unknown action 'explode' for a member");
		assertThat(read(unknownAction, "$.fix", String.class)).contains("\"drain\"", "\"undrain\"", "\"check\"");

		String noAction = refused("/actuator/proxypool/default/http/0", Map.of(), 400);
		assertThat(read(noAction, "$.message", String.class)).isEqualTo("No action given for a member");
		assertThat(read(noAction, "$.fix", String.class)).contains("\"drain\"");

		String poolDrain = refused("/actuator/proxypool/default/http", Map.of("action", "drain"), 400);
		assertThat(read(poolDrain, "$.message", String.class)).isEqualTo("Unknown action 'drain' for a pool");
		assertThat(read(poolDrain, "$.fix", String.class)).contains("{\"action\":\"check\"}", "{member}");

		String unknownMember = refused("/actuator/proxypool/default/http/127.0.0.9:1", Map.of("action", "drain"), 404);
		assertThat(read(unknownMember, "$.status", Integer.class)).isEqualTo(404);
		assertThat(read(unknownMember, "$.error", String.class)).isEqualTo("Not Found");
		assertThat(read(unknownMember, "$.message", String.class)).isEqualTo("Pool default/http has no member 127.0.0.9:1");
		assertThat(read(unknownMember, "$.fix", String.class)).contains("(0 to 2)", id, id(this.third));

		String unknownPool = refused("/actuator/proxypool/kraken/http", Map.of("action", "check"), 404);
		assertThat(read(unknownPool, "$.message", String.class)).isEqualTo("No proxy pool kraken/http");
		assertThat(read(unknownPool, "$.fix", String.class)).contains("default/http", "default/websocket");
		String unknownType = refused("/actuator/proxypool/default/ftp/0", Map.of("action", "drain"), 404);
		assertThat(read(unknownType, "$.message", String.class)).isEqualTo("No proxy pool default/ftp");
		assertThat(read(unknownType, "$.fix", String.class)).contains("http or websocket");

		String notChecked = refused("/actuator/proxypool/default/http/" + id, Map.of("action", "check"), 400);
		assertThat(read(notChecked, "$.message", String.class)).isEqualTo("Pool default/http is not health-checked");
		assertThat(read(notChecked, "$.fix", String.class))
			.contains("cryptofeed.proxy.default.http.health-check.enabled=true");
		String poolNotChecked = refused("/actuator/proxypool/default/http", Map.of("action", "check"), 400);
		assertThat(read(poolNotChecked, "$.message", String.class)).isEqualTo("Pool default/http is not health-checked");

		// what the request names is shown masked: a member named by its URL keeps its password
		String byUrl = refused("/actuator/proxypool/default/websocket/feed:" + TestPools.CANARY + "@" + id(this.third),
				Map.of("action", "drain"), 404);
		assertThat(read(byUrl, "$.message", String.class))
			.isEqualTo("Pool default/websocket has no member ***@" + id(this.third));
		String actionWithSecret = refused("/actuator/proxypool/default/http/0",
				Map.of("action", "socks5://feed:" + TestPools.CANARY + "@10.0.0.1:1080"), 400);
		assertThat(read(actionWithSecret, "$.message", String.class)).contains("socks5://***@10.0.0.1:1080");
		assertThat(this.bodies).hasSize(10).noneMatch((body) -> body.contains(TestPools.CANARY));

		// nothing refused changed anything, and a GET of an unknown pool still answers 404
		assertThat(read(get("/actuator/proxypool/default/http/0"), "$.drained", Boolean.class)).isFalse();
		this.actuator.get().uri("/actuator/proxypool/kraken/http").exchange().expectStatus().isNotFound();
	}

	private ConfigurableApplicationContext run(String... extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.address", "127.0.0.1");
		properties.put("server.port", "0");
		properties.put("management.endpoints.web.exposure.include", "health,proxypool,metrics");
		properties.put("management.endpoint.health.show-details", "always");
		properties.put("cryptofeed.proxy.enabled", "true");
		// no member here hangs, so nothing waits for a timeout: each is generous
		properties.put("cryptofeed.proxy.handshake-timeout", "5s");
		properties.put("cryptofeed.proxy.circuit-breaker.minimum-number-of-calls", "2");
		properties.put("cryptofeed.proxy.circuit-breaker.sliding-window-size", "2");
		properties.put("cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state", "60s");
		List<TestProxy> proxies = List.<TestProxy>of(this.first, this.second, this.third);
		for (int i = 0; i < proxies.size(); i++) {
			properties.put("cryptofeed.proxy.default.http.pool[" + i + "].url", proxies.get(i).url());
			properties.put("cryptofeed.proxy.default.websocket.pool[" + i + "].url", proxies.get(i).url());
		}
		properties.put("cryptofeed.proxy.default.http.health-check.enabled", "false");
		properties.put("cryptofeed.proxy.default.websocket.health-check.interval", "1h");
		properties.put("cryptofeed.proxy.default.websocket.health-check.timeout", "5s");
		properties.put("cryptofeed.proxy.default.websocket.health-check.retry-count", "1");
		properties.put("cryptofeed.proxy.default.websocket.health-check.unhealthy-threshold", "1");
		properties.put("cryptofeed.proxy.default.websocket.health-check.healthy-threshold", "1");
		for (String property : extra) {
			properties.put(property.substring(0, property.indexOf('=')), property.substring(property.indexOf('=') + 1));
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(OperationsApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties(properties)
			.run();
		this.contexts.add(context);
		this.actuator = OwnReactorResources
			.actuatorClient("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"),
					Duration.ofSeconds(40));
		return context;
	}

	private String get(String path) {
		return keep(this.actuator.get().uri(path).exchange().expectStatus().isOk().expectBody(String.class));
	}

	/** A health read answered with this status: its JSON body. */
	private String health(String path, int status) {
		return keep(this.actuator.get().uri(path).exchange().expectStatus().isEqualTo(status).expectBody(String.class));
	}

	private String post(String path, String action) {
		return keep(this.actuator.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("action", action))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class));
	}

	/** A POST the endpoint refuses with this status: its JSON body. */
	private String refused(String path, Map<String, String> body, int status) {
		return keep(this.actuator.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody(String.class));
	}

	private String keep(WebTestClient.BodySpec<String, ?> body) {
		String text = body.returnResult().getResponseBody();
		this.bodies.add(text);
		return text;
	}

	/** Reads the JSON, where fields without a value are left out: those read as {@code null}. */
	private static <T> T read(String json, String path, Class<T> type) {
		return JsonPath.using(JSON).parse(json).read(path, type);
	}

	/** A member's id in the endpoint: its host:port, unique in these pools. */
	private static String id(TestProxy proxy) {
		return proxy.host() + ":" + proxy.port();
	}

	private TestProxy proxyWithEgress(String address) {
		return switch (address) {
			case "127.0.0.41" -> this.first;
			case "127.0.0.42" -> this.second;
			case "127.0.0.43" -> this.third;
			default -> throw new IllegalStateException("unknown egress " + address);
		};
	}

	private String firstFrame(WebSocketClient client) {
		Sinks.One<String> frame = Sinks.one();
		client.execute(URI.create(this.target.wsUrl()),
				(s) -> s.receive().take(1).map(WebSocketMessage::getPayloadAsText).doOnNext(frame::tryEmitValue).then())
			.block(WAIT);
		return frame.asMono().block(Duration.ofSeconds(1));
	}

	private void assertNoCanary(ConfigurableApplicationContext context, CapturedOutput output) {
		assertThat(this.bodies).isNotEmpty().noneMatch((body) -> body.contains(TestPools.CANARY));
		assertThat(context.getBean(MeterRegistry.class).getMeters()).isNotEmpty()
			.flatMap((meter) -> meter.getId().getTags())
			.noneMatch((tag) -> tag.getValue().contains(TestPools.CANARY) || tag.getValue().contains("feed:"));
		assertThat(output.getAll()).contains("proxy pool: pool=default/http").doesNotContain(TestPools.CANARY);
	}

	/** A WebSocket session kept open: frames received in order, text sent on demand. */
	private static final class Session {

		private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();

		private final List<String> inbound = new java.util.concurrent.CopyOnWriteArrayList<>();

		private Disposable subscription;

		static Session open(WebSocketClient client, URI uri) {
			Session session = new Session();
			session.subscription = client
				.execute(uri,
						(ws) -> ws.send(session.outbound.asFlux().map(ws::textMessage))
							.and(ws.receive().map(WebSocketMessage::getPayloadAsText).doOnNext(session.inbound::add)))
				.subscribe();
			return session;
		}

		String received(int index) {
			await().atMost(WAIT).until(() -> this.inbound.size() > index);
			return this.inbound.get(index);
		}

		void send(String text) {
			this.outbound.tryEmitNext(text);
		}

		void close() {
			this.subscription.dispose();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OwnReactorResources.class)
	static class OperationsApplication {

	}

}
