package io.cryptofeed.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;

import com.jayway.jsonpath.JsonPath;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.sample.activity.ConnectCounts;
import io.cryptofeed.sample.demo.DemoConfiguration;
import io.cryptofeed.sample.demo.DemoNetwork;
import io.cryptofeed.sample.demo.DemoProperties;
import io.cryptofeed.sample.demo.DemoProxy;
import io.cryptofeed.sample.feed.FeedStats;
import io.cryptofeed.sample.feed.MarketDataFeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app as the README runs it: its main method, its embedded defaults (the demo
 * profile), a real server on a random port. Only the exchange's streams and the summaries are
 * shortened, and the flapping proxy runs on virtual time: it fails and recovers when a test
 * advances that time, so an outage lasts as long as the test needs, on a loaded machine too.
 */
@SpringBootTest(useMainMethod = UseMainMethod.ALWAYS, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.exchange.session-lifetime=2s", "feed.summary-interval=2s" })
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	private static final Duration BOUND = Duration.ofSeconds(40);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	private int port;

	@Autowired
	private DemoNetwork network;

	@Autowired
	private DemoProperties demo;

	@Autowired
	@Qualifier(DemoConfiguration.FLAPPER_TIMER)
	private VirtualTimeScheduler flapperTime;

	@Autowired
	private ProxyPools pools;

	@Autowired
	private MarketDataFeed feed;

	@Autowired
	private ConnectCounts connects;

	@Test
	void feedKeepsFlowingWhileAProxyFailsAndRecovers(CapturedOutput output) {
		PoolMember flapping = member("demo-a", ConnectionType.HTTP, this.network.proxy("bravo"));
		// a whole outage: from a working member to set aside and back
		await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(flapping::isAvailable);
		this.flapperTime.advanceTimeBy(this.demo.flap().upFor());
		await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(() -> !flapping.isAvailable());
		long pollsWhenSetAside = total(FeedStats::polls);
		long tradesWhenSetAside = total(FeedStats::trades);
		long sessionsWhenSetAside = total(FeedStats::sessions);

		// while the member is out, the others carry the feed: polls answered, trades received, streams
		// reopened; and it was set aside while its connects failed. The outage lasts until the test ends it.
		// The log is awaited: once in CI the captured output lacked the "fails now" line that the console showed
		await().atMost(BOUND).untilAsserted(() -> {
			assertThat(total(FeedStats::polls)).isGreaterThan(pollsWhenSetAside);
			assertThat(total(FeedStats::trades)).isGreaterThan(tradesWhenSetAside);
			assertThat(total(FeedStats::sessions)).isGreaterThan(sessionsWhenSetAside);
			assertThat(output).contains("demo: proxy bravo fails now")
				.contains("state=unhealthy")
				.contains("summary: pool=demo-a/http member=" + flapping.endpoint() + " state=set-aside(unhealthy");
		});
		this.flapperTime.advanceTimeBy(this.demo.flap().downFor());
		await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(flapping::isAvailable);

		// every pool keeps at least two healthy members, so no request or stream may have failed
		assertThat(this.feed.stats().values()).allSatisfy((stats) -> {
			assertThat(stats.polls()).as("polls of %s", stats.exchange()).isPositive();
			assertThat(stats.failedPolls()).as("failed polls of %s", stats.exchange()).isZero();
			assertThat(stats.failedSessions()).as("failed stream sessions of %s", stats.exchange()).isZero();
		});
		// and the member was taken back once its proxy worked again
		await().atMost(BOUND)
			.untilAsserted(() -> assertThat(output).contains("demo: proxy bravo works again").contains("state=healthy"));
		// a stream the pool cut after its proxy froze ended as one the exchange closed: the feed cannot tell
		assertThat(output).contains("trade stream ended, reconnecting").doesNotContain("closed by the exchange");
	}

	@Test
	void trafficIsSpreadOverTheMembersOfEachPool() {
		for (ProxyPool pool : List.of(pool("demo-a", ConnectionType.HTTP), pool("demo-b", ConnectionType.HTTP))) {
			await().atMost(BOUND).untilAsserted(() -> assertThat(pool.members())
				.as("members of %s with tunnels the pool opened and the proxy relayed", pool.key())
				.allSatisfy((member) -> {
					assertThat(this.connects.opened(member)).isPositive();
					assertThat(demoProxy(member).proxy().tunnels()).isPositive();
				}));
		}
		if (this.network.hasDistinctEgress()) {
			// the exchange saw requests arrive from each member's own address
			await().atMost(BOUND)
				.untilAsserted(() -> assertThat(pool("demo-b", ConnectionType.HTTP).members()).allSatisfy(
						(member) -> assertThat(this.network.carried(member.endpoint(), ConnectionType.HTTP).orElse(0))
							.isPositive()));
		}
	}

	@Test
	void logsNeverShowAProxyPassword(CapturedOutput output) {
		await().atMost(BOUND).until(() -> output.getOut().contains("summary: pool=demo-b/http"));
		List<String> passwords = this.network.proxies()
			.values()
			.stream()
			.map((proxy) -> ProxyEndpoint.parse(proxy.proxy().url()).password())
			.filter(Objects::nonNull)
			.toList();
		assertThat(passwords).hasSize(3);
		assertThat(output).contains("http://***@127.0.0.1:" + this.network.proxy("bravo").proxy().port())
			.doesNotContain(passwords);
	}

	@Test
	void actuatorEndpointsOfTheDemoProfileAnswer(CapturedOutput output) throws Exception {
		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(health.body(), "$.status")).isEqualTo("UP");
		HttpResponse<String> metrics = get("/actuator/metrics");
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<List<String>>read(metrics.body(), "$.names")).contains("jvm.memory.used");
		HttpResponse<String> refresh = this.http.send(
				HttpRequest.newBuilder(uri("/actuator/refresh")).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(refresh.statusCode()).isEqualTo(200);
		assertThat(output).as("a refresh rebinds no demo setting, and says nothing about them")
			.doesNotContain("Cannot create default instance");
		assertThat(get("/actuator/env").statusCode()).as("not exposed").isEqualTo(404);
	}

	/**
	 * Passes once the {@code proxyPool} health contributor (operations issue) is merged: until
	 * then {@code /actuator/health} has no such component.
	 */
	@Test
	void healthEndpointReportsTheProxyPool() throws Exception {
		HttpResponse<String> health = get("/actuator/health");
		Map<String, Object> components = JsonPath.read(health.body(), "$.components");
		assertThat(components).as("components of /actuator/health").containsKey("proxyPool");
		assertThat((String) JsonPath.read(health.body(), "$.components.proxyPool.status")).isNotBlank();
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private long total(ToLongFunction<FeedStats> counter) {
		return this.feed.stats().values().stream().mapToLong(counter).sum();
	}

	private ProxyPool pool(String exchange, ConnectionType type) {
		return this.pools.resolve(exchange, type).orElseThrow();
	}

	private PoolMember member(String exchange, ConnectionType type, DemoProxy proxy) {
		return pool(exchange, type).members()
			.stream()
			.filter((member) -> member.endpoint().port() == proxy.proxy().port())
			.findFirst()
			.orElseThrow();
	}

	private DemoProxy demoProxy(PoolMember member) {
		return this.network.proxies()
			.values()
			.stream()
			.filter((proxy) -> proxy.proxy().port() == member.endpoint().port())
			.findFirst()
			.orElseThrow();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class FlapperOnVirtualTime {

		@Bean(DemoConfiguration.FLAPPER_TIMER)
		VirtualTimeScheduler flapperTime() {
			return VirtualTimeScheduler.create();
		}

	}

}
