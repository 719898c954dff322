package io.cryptofeed.proxy.autoconfigure;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.health.HealthCheckSettings;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.health.HealthListener;
import io.cryptofeed.proxy.health.probe.HealthProbe;
import io.cryptofeed.proxy.health.probe.HealthProbes;
import reactor.core.scheduler.Schedulers;
import reactor.netty.tcp.TcpClient;

import org.springframework.beans.factory.ObjectProvider;
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

	/** Checks in flight at once, across all pools; the rest wait their turn briefly. */
	static final int MAX_CONCURRENT_CHECKS = 64;

	/** Timer threads: checks themselves are non-blocking (ping borrows Reactor's bounded elastic pool). */
	static final int TIMER_THREADS = 2;

	@Bean(initMethod = "start")
	@ConditionalOnMissingBean
	public HealthChecker proxyHealthChecker(ProxyPools pools, CompiledProxyConfiguration configuration,
			ObjectProvider<MemberCircuitBreakers> breakers) {
		HealthListener listener = breakers.getIfAvailable(() -> null);
		return new HealthChecker(pools, configuration.healthChecks(), ProxyPoolHealthAutoConfiguration::probe,
				Schedulers.newParallel("proxy-health", TIMER_THREADS, true), Clock.systemUTC(),
				() -> ThreadLocalRandom.current().nextDouble(), MAX_CONCURRENT_CHECKS,
				(listener != null) ? listener : HealthListener.NONE);
	}

	static HealthProbe probe(HealthCheckSettings settings) {
		return switch (settings.method()) {
			case TCP -> HealthProbes.tcp();
			case HTTP -> HealthProbes.http(settings.url(), settings.expectedStatus());
			case PING -> HealthProbes.ping();
		};
	}

}
