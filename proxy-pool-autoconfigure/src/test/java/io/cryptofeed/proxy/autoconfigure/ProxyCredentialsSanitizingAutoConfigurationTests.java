package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.actuate.ProxyCredentialsSanitizer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyCredentialsSanitizingAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyCredentialsSanitizingAutoConfiguration.class,
				EndpointAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=env",
				"management.endpoint.env.show-values=always",
				"cryptofeed.proxy.default.http.pool[0].url=socks5://feed:s3cret@10.0.0.5:1080",
				"cryptofeed.proxy.external-service.token=tok-123");

	@Test
	void theEnvEndpointShowsAProxyUrlWithoutItsCredentialsAndHidesTheServiceToken() {
		this.runner.run((context) -> {
			EnvironmentEndpoint env = context.getBean(EnvironmentEndpoint.class);
			assertThat(env.environmentEntry("cryptofeed.proxy.default.http.pool[0].url").getProperty().getValue())
				.isEqualTo("socks5://***@10.0.0.5:1080");
			assertThat(env.environmentEntry("cryptofeed.proxy.external-service.token").getProperty().getValue())
				.isEqualTo("******");
		});
	}

	@Test
	void whatACredentialTakesThroughAPlaceholderIsHiddenUnderItsOwnName() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.websocket.pool[0].url=socks5://feed:${TP_PASSWORD}@10.0.0.6:1080",
					"cryptofeed.proxy.exchanges.binance.http.url=http://${desk.proxy-user}:${desk.proxy-password:x}@10.0.1.1:3128",
					"cryptofeed.proxy.external-service.api-key=${SERVICE_KEY}",
					"cryptofeed.proxy.default.http.health-check.url=https://${PING_HOST}/ping",
					"TP_PASSWORD=canary-1", "desk.proxy-user=feed", "desk.proxy-password=canary-2",
					"SERVICE_KEY=canary-3", "PING_HOST=api.example.com", "OTHER_PASSWORD=not-ours")
			.run((context) -> {
				EnvironmentEndpoint env = context.getBean(EnvironmentEndpoint.class);
				assertThat(env.environmentEntry("TP_PASSWORD").getProperty().getValue()).isEqualTo("******");
				assertThat(env.environmentEntry("desk.proxy-user").getProperty().getValue()).isEqualTo("******");
				assertThat(env.environmentEntry("desk.proxy-password").getProperty().getValue()).isEqualTo("******");
				assertThat(env.environmentEntry("SERVICE_KEY").getProperty().getValue()).isEqualTo("******");
				assertThat(env.environmentEntry("PING_HOST").getProperty().getValue()).as("not a credential")
					.isEqualTo("api.example.com");
				assertThat(env.environmentEntry("OTHER_PASSWORD").getProperty().getValue())
					.as("Boot's own rules, not ours, decide on what no credential of ours refers to")
					.isEqualTo("not-ours");
				assertThat(env.environmentEntry("cryptofeed.proxy.default.websocket.pool[0].url").getProperty().getValue())
					.isEqualTo("socks5://***@10.0.0.6:1080");
			});
	}

	@Test
	void aWholeUrlOrAChainOfPlaceholdersIsMaskedUnderEveryName() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.websocket.pool[0].url=${PROXY_1_URL}",
					"PROXY_1_URL=http://feed:canary-4@10.0.0.7:3128",
					"cryptofeed.proxy.default.websocket.pool[1].url=${desk.url}", "desk.url=${desk.url-raw}",
					"desk.url-raw=socks5://feed:canary-5@10.0.0.8:1080",
					"cryptofeed.proxy.exchanges.okx.http.url=socks5://feed:${desk.pw}@10.0.0.9:1080",
					"desk.pw=${DESK_PW_RAW}", "DESK_PW_RAW=canary-6",
					"cryptofeed.proxy.external-service.token=${desk.token}", "desk.token=${desk.token-raw:none}",
					"desk.token-raw=canary-7")
			.run((context) -> {
				EnvironmentEndpoint env = context.getBean(EnvironmentEndpoint.class);
				assertThat(env.environmentEntry("PROXY_1_URL").getProperty().getValue())
					.isEqualTo("http://***@10.0.0.7:3128");
				assertThat(env.environmentEntry("desk.url").getProperty().getValue()).as("shown resolved")
					.isEqualTo("socks5://***@10.0.0.8:1080");
				assertThat(env.environmentEntry("desk.url-raw").getProperty().getValue())
					.isEqualTo("socks5://***@10.0.0.8:1080");
				assertThat(env.environmentEntry("desk.pw").getProperty().getValue()).isEqualTo("******");
				assertThat(env.environmentEntry("DESK_PW_RAW").getProperty().getValue()).isEqualTo("******");
				assertThat(env.environmentEntry("desk.token").getProperty().getValue()).isEqualTo("******");
				assertThat(env.environmentEntry("desk.token-raw").getProperty().getValue()).isEqualTo("******");
			});
	}

	@Test
	void theEnvEndpointShowsAHealthCheckUrlWithoutItsQueryAndHidesWhatItsQueryTakes() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.http.health-check.url=https://api.example.com/ping?apikey=canary-8",
					"cryptofeed.proxy.exchanges.binance.http.health-check.url=${BINANCE_PING_URL}",
					"BINANCE_PING_URL=https://feed:canary-9@api.binance.com/api/v3/ping?signature=canary-10#canary-11",
					"cryptofeed.proxy.exchanges.okx.http.health-check.url=https://${OKX_HOST}/ping?apikey=${OKX_KEY}",
					"OKX_HOST=www.okx.com", "OKX_KEY=canary-12")
			.run((context) -> {
				EnvironmentEndpoint env = context.getBean(EnvironmentEndpoint.class);
				assertThat(env.environmentEntry("cryptofeed.proxy.default.http.health-check.url").getProperty().getValue())
					.isEqualTo("https://api.example.com/ping");
				assertThat(env.environmentEntry("cryptofeed.proxy.exchanges.binance.http.health-check.url")
					.getProperty()
					.getValue()).as("shown resolved").isEqualTo("https://api.binance.com/api/v3/ping");
				assertThat(env.environmentEntry("BINANCE_PING_URL").getProperty().getValue())
					.isEqualTo("https://api.binance.com/api/v3/ping");
				assertThat(env.environmentEntry("OKX_KEY").getProperty().getValue()).isEqualTo("******");
				assertThat(env.environmentEntry("OKX_HOST").getProperty().getValue()).as("not a secret")
					.isEqualTo("www.okx.com");
				assertThat(env.environment(null).toString()).doesNotContain("canary");
			});
	}

	@Test
	void theConfigpropsEndpointShowsAHealthCheckUrlWithoutItsQuery() {
		this.runner.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesReportEndpointAutoConfiguration.class))
			.withUserConfiguration(BoundProperties.class)
			.withPropertyValues("management.endpoints.web.exposure.include=env,configprops",
					"management.endpoint.configprops.show-values=always",
					"cryptofeed.proxy.exchanges.binance.http.health-check.url=https://feed:canary-13@api.binance.com/api/v3/ping?apikey=canary-14")
			.run((context) -> {
				ConfigurationPropertiesReportEndpoint endpoint = context
					.getBean(ConfigurationPropertiesReportEndpoint.class);
				String report = endpoint.configurationPropertiesWithPrefix("cryptofeed.proxy")
					.getContexts()
					.values()
					.stream()
					.flatMap((beans) -> beans.getBeans().values().stream())
					.map((bean) -> bean.getProperties() + " " + bean.getInputs())
					.reduce("", String::concat);
				assertThat(report).contains("https://api.binance.com/api/v3/ping")
					.contains("socks5://***@10.0.0.5:1080")
					.doesNotContain("canary")
					.doesNotContain("s3cret");
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ProxyProperties.class)
	static class BoundProperties {

	}

	@Test
	void thereWhetherOrNotThePoolsAreEnabled() {
		this.runner.withPropertyValues("cryptofeed.proxy.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(ProxyCredentialsSanitizer.class));
	}

	@Test
	void aSanitizerOfYourOwnWins() {
		ProxyCredentialsSanitizer own = new ProxyCredentialsSanitizer();
		this.runner.withBean(ProxyCredentialsSanitizer.class, () -> own)
			.run((context) -> assertThat(context).getBean(ProxyCredentialsSanitizer.class).isSameAs(own));
	}

	@Test
	void notThereWithoutTheActuator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ProxyCredentialsSanitizingAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(SanitizingFunction.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProxyCredentialsSanitizer.class));
	}

}
