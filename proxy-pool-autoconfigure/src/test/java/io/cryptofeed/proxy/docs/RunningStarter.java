package io.cryptofeed.proxy.docs;

import java.time.Duration;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolEndpointAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolHealthAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolHealthContributorAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolMetricsAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolReloadAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolSwitchesAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolTransportAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyServiceClientAutoConfiguration;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.service.ServiceMetrics;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter as an application runs it, with Boot's Prometheus registry, the endpoint, the
 * health contributor and the proxy service's client, and the meters that appear only once
 * something happened made to appear: a member rested for an exchange, the service failed and
 * was done without. Nothing connects anywhere: health checks are off and the service is never
 * called.
 */
final class RunningStarter {

	static final String CANARY = "docs-canary-pass";

	private static final ApplicationContextRunner RUNNER = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, PrometheusMetricsExportAutoConfiguration.class,
				ProxyPoolSwitchesAutoConfiguration.class, ProxyPoolAutoConfiguration.class,
				ProxyServiceClientAutoConfiguration.class, ProxyPoolTransportAutoConfiguration.class,
				ProxyPoolHealthAutoConfiguration.class, ProxyPoolReloadAutoConfiguration.class,
				ProxyPoolHealthContributorAutoConfiguration.class, ProxyPoolEndpointAutoConfiguration.class,
				ProxyPoolMetricsAutoConfiguration.class))
		.withPropertyValues("cryptofeed.proxy.enabled=true",
				"cryptofeed.proxy.default.http.pool[0].url=http://127.0.0.1:3128",
				"cryptofeed.proxy.default.http.pool[1].url=socks5://feed:" + CANARY + "@127.0.0.2:1080",
				"cryptofeed.proxy.default.http.strategy=least-connections",
				"cryptofeed.proxy.default.http.health-check.enabled=false",
				"cryptofeed.proxy.default.http.budget.max-requests=10",
				"cryptofeed.proxy.default.http.budget.window=1s",
				"cryptofeed.proxy.default.websocket.url=socks5://127.0.0.3:1080",
				"cryptofeed.proxy.default.websocket.health-check.enabled=false",
				"cryptofeed.proxy.external-service.enabled=true",
				"cryptofeed.proxy.external-service.endpoints[0]=http://127.0.0.1:9",
				"management.endpoints.web.exposure.include=proxypool,prometheus",
				"management.endpoint.health.show-details=always");

	private RunningStarter() {
	}

	static void run(ContextConsumer<AssertableApplicationContext> consumer) {
		RUNNER.run((context) -> {
			assertThat(context).hasNotFailed();
			ProxyPool http = context.getBean(ProxyPools.class).pools().get(PoolKey.ofDefault(ConnectionType.HTTP));
			context.getBean(RateLimits.class).forExchange("binance").responded(http, http.members().get(0), 429, "30");
			ServiceMetrics service = context.getBean(ServiceMetrics.class);
			service.requestFailed("timeout", Duration.ofMillis(5));
			service.fallbackUsed("embedded");
			consumer.accept(context);
		});
	}

}
