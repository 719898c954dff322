package io.cryptofeed.proxy.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.health.HealthListener;
import io.cryptofeed.proxy.health.probe.ProbeResources;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.TestProxiesExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A bean of the application's in place of one of the starter's: the starter's steps back and
 * the rest of the starter works with the application's.
 */
class BeanReplacementTests {

	@RegisterExtension
	final TestProxiesExtension proxies = new TestProxiesExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolSwitchesAutoConfiguration.class,
				ProxyPoolAutoConfiguration.class, ProxyPoolTransportAutoConfiguration.class,
				ProxyPoolHealthAutoConfiguration.class, ProxyPoolReloadAutoConfiguration.class));

	/** Declared as the docs say, without an init method: its checks must run all the same. */
	@Test
	void aHealthCheckerOfYourOwnChecks() {
		HttpConnectProxy proxy = this.proxies.http();
		this.runner.withUserConfiguration(OwnHealthChecker.class)
			.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.url=" + proxy.url())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanNamesForType(HealthChecker.class)).containsExactly("ownHealthChecker");
				HealthChecker checker = context.getBean(HealthChecker.class);
				PoolMember member = context.getBean(ProxyPools.class).pools().values().iterator().next().members().get(0);
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(checker.healthOf(member)).hasValueSatisfying(
							(health) -> assertThat(health.snapshot().totalChecks()).isPositive()));
				assertThat(proxy.accepted()).isPositive();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnHealthChecker {

		@Bean
		HealthChecker ownHealthChecker(ProxyPools pools, CompiledProxyConfiguration configuration,
				ProbeResources probes) {
			return new HealthChecker(pools, configuration.healthChecks(), (settings) -> probes.tcp(settings.proxyTls()),
					Schedulers.newParallel("own-health", 1, true), Clock.systemUTC(), () -> 0.5, 2,
					HealthListener.NONE);
		}

	}

}
