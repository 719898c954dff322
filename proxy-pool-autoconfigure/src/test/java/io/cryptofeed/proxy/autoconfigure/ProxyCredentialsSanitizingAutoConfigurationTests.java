package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.actuate.ProxyCredentialsSanitizer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

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
