package io.cryptofeed.proxy.autoconfigure;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.health.HealthCheckSettings;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.health.HealthListener;
import io.cryptofeed.proxy.health.probe.HealthProbe;
import io.cryptofeed.proxy.health.probe.ProbeResources;
import reactor.core.scheduler.Schedulers;
import reactor.netty.tcp.TcpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Background health checks of every pool whose settings block has {@code health-check.enabled}
 * (the default). The checker starts with the application context and stops with it.
 */
@AutoConfiguration(after = ProxyPoolTransportAutoConfiguration.class)
@ConditionalOnClass(TcpClient.class)
@ConditionalOnBean(ProxyPools.class)
public class ProxyPoolHealthAutoConfiguration {

	/** The checker's timer thread; checks are non-blocking (ping blocks on threads of its own). */
	static final int TIMER_THREADS = 1;

	/** Event-loop threads of the probes, which also run their timeouts. */
	static final int PROBE_THREADS = 2;

	/** Probes on event loops of their own; closed after the checker that uses them. */
	@Bean
	@ConditionalOnMissingBean
	public ProbeResources proxyHealthProbeResources() {
		return ProbeResources.create("proxy-health-io", PROBE_THREADS);
	}

	/** Tells every {@link HealthListener} bean (the circuit breakers, metrics) about each check. */
	@Bean
	@ConditionalOnMissingBean
	public HealthChecker proxyHealthChecker(ProxyPools pools, CompiledProxyConfiguration configuration,
			ProbeResources probes, ObjectProvider<HealthListener> listeners) {
		return new HealthChecker(pools, configuration.healthChecks(), (settings) -> probe(probes, settings),
				Schedulers.newParallel("proxy-health", TIMER_THREADS, true), Clock.systemUTC(),
				() -> ThreadLocalRandom.current().nextDouble(), configuration.maxConcurrentHealthChecks(),
				HealthListener.all(listeners.orderedStream().toList()));
	}

	/**
	 * Starts the checker, the application's too: one declared without an init method would
	 * never check, and dead members would stay in rotation.
	 */
	@Bean
	HealthCheckerStart proxyHealthCheckerStart(ObjectProvider<HealthChecker> checker) {
		return new HealthCheckerStart(checker);
	}

	/** No health check once the application is stopping (see {@link HealthCheckerStop}). */
	@Bean
	HealthCheckerStop proxyHealthCheckerStop(ObjectProvider<HealthChecker> checker) {
		return new HealthCheckerStop(checker);
	}

	static HealthProbe probe(ProbeResources probes, HealthCheckSettings settings) {
		return switch (settings.method()) {
			case TCP -> probes.tcp(settings.proxyTls());
			case HTTP -> probes.http(settings.url(), settings.expectedStatus(), settings.proxyTls());
			case PING -> probes.ping();
		};
	}

	static final class HealthCheckerStart implements SmartInitializingSingleton {

		private final ObjectProvider<HealthChecker> checker;

		HealthCheckerStart(ObjectProvider<HealthChecker> checker) {
			this.checker = checker;
		}

		@Override
		public void afterSingletonsInstantiated() {
			this.checker.ifAvailable(HealthChecker::start);
		}

	}

}
