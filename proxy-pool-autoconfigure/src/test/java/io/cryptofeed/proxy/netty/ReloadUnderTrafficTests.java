package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolHealthAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolMetricsAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolReloadAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolReloader;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolTransportAutoConfiguration;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 100 reloads through Spring Cloud's {@link EnvironmentChangeEvent} while requests flow
 * through real in-JVM proxies: no request fails, and nothing a reload creates outlives it.
 */
class ReloadUnderTrafficTests {

	private static final int RELOADS = 100;

	private static TargetServer target;

	private static final List<TestProxy> proxies = new ArrayList<>();

	private final Map<String, Object> reloadable = new LinkedHashMap<>();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyPoolTransportAutoConfiguration.class, ProxyPoolHealthAutoConfiguration.class,
				ProxyPoolReloadAutoConfiguration.class, ProxyPoolMetricsAutoConfiguration.class,
				ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("reloadable", this.reloadable)))
		// no retry can hide a connection closed under a request
		.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.failover.retry-idempotent=false");

	@BeforeAll
	static void start() {
		target = TargetServer.start("127.0.0.1");
		for (int i = 1; i <= 4; i++) {
			proxies.add(HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.3" + i).start());
		}
	}

	@AfterAll
	static void stop() {
		proxies.forEach(TestProxy::close);
		target.close();
	}

	@Test
	void hundredReloadsWhileTrafficFlowsFailNothingAndLeakNothing() {
		configure(0, 1, 2);
		this.runner.run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			Mono<String> request = client.get().uri(target.baseUrl() + "/whoami").retrieve().bodyToMono(String.class);
			request.block(Duration.ofSeconds(5));
			reloadTwice(context);
			await().atMost(Duration.ofSeconds(10)).until(() -> trackedMembers(context) <= 3);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			List<String> meters = meterIds(registry);
			assertThat(meters).anyMatch((id) -> id.contains(String.valueOf(port(2))));
			long healthThreads = threadsNamed("proxy-health");
			long nettyThreads = threadsNamed("reactor-http");

			AtomicBoolean flowing = new AtomicBoolean(true);
			AtomicInteger served = new AtomicInteger();
			Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
			Disposable traffic = Flux.range(0, Integer.MAX_VALUE)
				.takeWhile((i) -> flowing.get())
				.flatMap((i) -> request.doOnNext((body) -> served.incrementAndGet()).onErrorResume((error) -> {
					failures.add(error);
					return Mono.empty();
				}), 4)
				.subscribe();
			try {
				for (int i = 0; i < RELOADS; i++) {
					int before = served.get();
					if (i % 2 == 0) {
						configure(0, 1, 3);
					}
					else {
						configure(0, 1, 2);
					}
					publishChange(context);
					// a few requests between reloads, so they run on every version of the pools
					await().atMost(Duration.ofSeconds(10)).until(() -> served.get() >= before + 3 || !failures.isEmpty());
				}
			}
			finally {
				flowing.set(false);
			}
			await().atMost(Duration.ofSeconds(10)).until(traffic::isDisposed);

			assertThat(failures).isEmpty();
			assertThat(served.get()).isGreaterThanOrEqualTo(3 * RELOADS);
			ProxyPools pools = context.getBean(ProxyPools.class);
			ProxyPool pool = pools.resolve(null, ConnectionType.HTTP).orElseThrow();
			assertThat(pool.members()).extracting((m) -> m.endpoint().port())
				.containsExactly(port(0), port(1), port(2));
			assertThat(context.getBean(ProxyPoolReloader.class).status().reloads()).isEqualTo(RELOADS + 2);
			assertThat(context.getBean(MemberCircuitBreakers.class).registry().getAllCircuitBreakers()).hasSize(3);
			assertThat(context.getBean(HealthChecker.class).checkedMembers()).isEqualTo(3);
			assertThat(meterIds(registry)).as("the same members have the same meters").isEqualTo(meters);
			assertThat(meterIds(registry)).noneMatch((id) -> id.contains(String.valueOf(port(3))));
			await().atMost(Duration.ofSeconds(10)).until(() -> trackedMembers(context) <= 3);
			assertThat(threadsNamed("proxy-health")).isEqualTo(healthThreads);
			assertThat(threadsNamed("reactor-http")).isEqualTo(nettyThreads);
			// every proxy that was ever a member carried requests: reloads really switched members
			assertThat(target.requestsByPeer()).containsKeys("127.0.0.31", "127.0.0.32", "127.0.0.33", "127.0.0.34");
		});
	}

	@Test
	void keptMembersKeepTheirStateAcrossReloads() {
		configure(0, 1, 2);
		// no health checks: one that times out on a busy machine and then passes shows a
		// recovery and half-opens the breaker this test opened, before the reload
		this.runner.withPropertyValues("cryptofeed.proxy.default.http.health-check.enabled=false").run((context) -> {
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
			PoolMember first = pool.members().get(0);
			context.getBean(MemberCircuitBreakers.class).breakerOf(first).transitionToOpenState();
			assertThat(first.isAvailable()).isFalse();

			configure(2, 0, 3);
			publishChange(context);

			assertThat(pool.members().get(1)).isSameAs(first);
			assertThat(first.isAvailable()).as("its breaker is still open").isFalse();
			assertThat(context.getBean(MemberCircuitBreakers.class).breakerOf(first).getState().name())
				.isEqualTo("OPEN");
		});
	}

	private void reloadTwice(AssertableApplicationContext context) {
		configure(0, 1, 3);
		publishChange(context);
		configure(0, 1, 2);
		publishChange(context);
	}

	private void configure(int... members) {
		this.reloadable.clear();
		for (int i = 0; i < members.length; i++) {
			this.reloadable.put("cryptofeed.proxy.default.http.pool[" + i + "].url", proxies.get(members[i]).url());
		}
	}

	private void publishChange(AssertableApplicationContext context) {
		context.publishEvent(new EnvironmentChangeEvent(context, this.reloadable.keySet()));
	}

	private static int trackedMembers(AssertableApplicationContext context) {
		ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
		return clients.trackedMembers();
	}

	private static int port(int proxy) {
		return Integer.parseInt(proxies.get(proxy).url().replaceAll(".*:", ""));
	}

	/** Every meter of the pools, by name and tags, sorted. */
	private static List<String> meterIds(MeterRegistry registry) {
		return registry.getMeters()
			.stream()
			.map((meter) -> meter.getId().getName() + meter.getId().getTags())
			.filter((id) -> id.startsWith("cryptofeed.proxy"))
			.sorted()
			.toList();
	}

	private static long threadsNamed(String prefix) {
		return Thread.getAllStackTraces().keySet().stream().filter((t) -> t.getName().startsWith(prefix)).count();
	}

}
