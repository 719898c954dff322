package io.cryptofeed.proxy.health;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolHealthAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolTransportAutoConfiguration;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health checks while the application stops: what a check sees then (a proxy going away with
 * the application, as a sidecar does; a probe the stop ends) speaks of the stop, not of the
 * proxy, so no check starts and none is recorded once the application is stopping.
 */
class HealthCheckShutdownTests {

	/** Two rounds and more of the one-second interval. */
	private static final Duration WATCHED = Duration.ofMillis(2500);

	private HttpConnectProxy proxy;

	@BeforeEach
	void start() {
		this.proxy = HttpConnectProxy.builder().bindAddress("127.0.0.1").start();
	}

	@AfterEach
	void stop() {
		this.proxy.close();
	}

	@Test
	void aProxyThatGoesAwayWhileTheApplicationStopsIsNeitherCheckedNorMarkedUnhealthy() {
		AtomicReference<Throwable> duringTheStop = new AtomicReference<>();
		AtomicReference<Runnable> watch = new AtomicReference<>();
		try (CapturedLog log = CapturedLog.of(HealthChecker.class)) {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
						ProxyPoolTransportAutoConfiguration.class, ProxyPoolHealthAutoConfiguration.class))
				.withPropertyValues("cryptofeed.proxy.enabled=true",
						"cryptofeed.proxy.default.http.url=" + this.proxy.url(),
						"cryptofeed.proxy.default.http.health-check.method=tcp",
						"cryptofeed.proxy.default.http.health-check.interval=1s",
						"cryptofeed.proxy.default.http.health-check.timeout=900ms",
						"cryptofeed.proxy.default.http.health-check.retry-count=1",
						"cryptofeed.proxy.default.http.health-check.unhealthy-threshold=1")
				// stopped after the application's own beans, as the web server's graceful shutdown is
				.withBean("proxyGoesAway", SmartLifecycle.class,
						() -> new StopStep(SmartLifecycle.DEFAULT_PHASE - 1024, () -> watch.get().run()))
				.run((context) -> {
					ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
					PoolMember member = pool.members().get(0);
					MemberHealth health = context.getBean(HealthChecker.class).healthOf(member).orElseThrow();
					await().atMost(Duration.ofSeconds(10)).until(() -> health.snapshot().totalChecks() > 0);
					int accepted = this.proxy.accepted();
					// the next check is held open by the proxy when the application stops
					this.proxy.fault(Fault.HOLD);
					await().atMost(Duration.ofSeconds(10)).until(() -> this.proxy.accepted() > accepted);
					long checks = health.snapshot().totalChecks();
					watch.set(() -> {
						try {
							// the held probe is reset, and any later one refused
							this.proxy.fault(Fault.CRASH);
							await().during(WATCHED)
								.atMost(WATCHED.multipliedBy(2))
								.until(() -> health.snapshot().totalChecks() == checks
										&& pool.availableMembers().contains(member));
						}
						catch (Throwable ex) {
							duringTheStop.set(ex);
						}
					});

					((ConfigurableApplicationContext) context.getSourceApplicationContext()).close();

					assertThat(duringTheStop.get()).as("checks recorded, or the member set aside, during the stop")
						.isNull();
					assertThat(health.snapshot().consecutiveFailures()).isZero();
					assertThat(log.warnings()).as("warnings about members").isEmpty();
				});
		}
	}

	/** Runs a step when stopped in its phase. */
	private static final class StopStep implements SmartLifecycle {

		private final int phase;

		private final Runnable step;

		private volatile boolean running;

		StopStep(int phase, Runnable step) {
			this.phase = phase;
			this.step = step;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			this.step.run();
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return this.phase;
		}

	}

}
