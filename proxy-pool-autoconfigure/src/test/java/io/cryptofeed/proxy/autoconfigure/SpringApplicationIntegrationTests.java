package io.cryptofeed.proxy.autoconfigure;

import java.util.Map;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/** What only a real SpringApplication shows: spring.factories registrations and start-up output. */
@ExtendWith(OutputCaptureExtension.class)
class SpringApplicationIntegrationTests {

	@Test
	void theOriginalEnvironmentVariablesWorkInARealApplication() {
		StandardEnvironment environment = environmentWith(Map.of("CRYPTOFEED_PROXY_ENABLED", "true",
				"CRYPTOFEED_PROXY_EXCHANGES__BINANCE__HTTP__URL", "socks5://10.0.1.1:1080"));
		try (ConfigurableApplicationContext context = application().environment(environment).run()) {
			assertThat(context.getBean(ProxyPools.class).resolve("binance", ConnectionType.HTTP)).isPresent();
		}
	}

	@Test
	void weightsThatTheStrategyIgnoresAreWarnedAboutAtStartup(CapturedOutput output) {
		try (ConfigurableApplicationContext context = application().run("--cryptofeed.proxy.enabled=true",
				"--cryptofeed.proxy.default.http.pool[0].url=http://10.0.1.1:3128",
				"--cryptofeed.proxy.default.http.pool[1].url=http://10.0.1.2:3128",
				"--cryptofeed.proxy.default.http.pool[1].weight=3")) {
			assertThat(output).contains("proxy pool: pool=default/http strategy=round-robin ignores the members' "
					+ "weights; use strategy: weighted")
				.contains("proxy pool: pool=default/http strategy=round-robin members=[http://10.0.1.1:3128, "
						+ "http://10.0.1.2:3128 weight=3]");
		}
	}

	@Test
	void startupLogsEachPoolWithoutCredentials(CapturedOutput output) {
		try (ConfigurableApplicationContext context = application().run("--cryptofeed.proxy.enabled=true",
				"--cryptofeed.proxy.default.http.url=socks5://alice:canary@10.0.0.5:1080")) {
			assertThat(output).contains("proxy pool: pool=default/http single=socks5://***@10.0.0.5:1080")
				.doesNotContain("canary");
		}
	}

	@Test
	void invalidConfigurationFailsWithAReportThatNamesThePropertyAndHidesThePassword(CapturedOutput output) {
		assertThatException().isThrownBy(() -> application().run("--cryptofeed.proxy.enabled=true",
				"--cryptofeed.proxy.default.http.pool[0].url=ftp://alice:canary@10.0.0.5:21"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: cryptofeed.proxy.default.http.pool[0].url")
			.contains("ftp://***@10.0.0.5:21")
			.contains("use http (CONNECT), https (CONNECT over TLS to the proxy), socks4, socks5 or socks5h")
			.doesNotContain("canary");
	}

	@Test
	void unbindableValuesAreReportedByOurAnalyzerWithoutThePassword(CapturedOutput output) {
		assertThatException().isThrownBy(() -> application().run("--cryptofeed.proxy.enabled=true",
				"--cryptofeed.proxy.default.http.pool=socks5://alice:canary@10.0.0.5:1080"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("A proxy property could not be bound")
			.doesNotContain("canary");
	}

	/** spring.main.lazy-initialization=true would otherwise leave every check to the first request. */
	@Test
	void aLazyStartStillStopsOnBadConfiguration(CapturedOutput output) {
		assertThatException().isThrownBy(() -> application().run("--spring.main.lazy-initialization=true",
				"--cryptofeed.proxy.enabled=ture", "--cryptofeed.proxy.default.http.url=http://10.0.0.5:3128"));
		assertThatException().isThrownBy(() -> application().run("--spring.main.lazy-initialization=true",
				"--cryptofeed.proxy.enabled=true", "--cryptofeed.proxy.default.http.pool[0].url=ftp://10.0.0.5:21"));
		assertThatException().isThrownBy(() -> application().run("--spring.main.lazy-initialization=true",
				"--cryptofeed.proxy.enabled=true", "--cryptofeed.proxy.default.http.pool[0].url=http://10.0.0.5:3128",
				"--cryptofeed.proxy.default.http.stratgy=random"));
		assertThat(output).contains("cryptofeed.proxy.enabled")
			.contains("Property: cryptofeed.proxy.default.http.pool[0].url")
			.contains("did you mean cryptofeed.proxy.default.http.strategy?");
	}

	/** The pools, and their health checks, run from the start, not from the first request. */
	@Test
	void aLazyStartBuildsThePoolsAtOnce(CapturedOutput output) {
		try (ConfigurableApplicationContext context = application().run("--spring.main.lazy-initialization=true",
				"--cryptofeed.proxy.enabled=true", "--cryptofeed.proxy.default.http.url=http://10.0.0.5:3128")) {
			assertThat(output).contains("proxy pool: pool=default/http single=http://10.0.0.5:3128");
		}
	}

	private static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE);
	}

	private static StandardEnvironment environmentWith(Map<String, Object> variables) {
		return new StandardEnvironment() {

			@Override
			protected void customizePropertySources(MutablePropertySources propertySources) {
				propertySources.addLast(new SystemEnvironmentPropertySource(SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						variables));
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ProxyPoolSwitchesAutoConfiguration.class, ProxyPoolAutoConfiguration.class })
	static class TestApplication {

	}

}
