package io.cryptofeed.proxy.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.configuration.CompatibilityVerifierAutoConfiguration;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The starter in an application with Spring Cloud Commons, which {@code spring-cloud-starter}
 * brings along with {@code spring-cloud-context}: every auto-configuration on the test class
 * path, Spring Cloud's compatibility verifier among them. The verifier stops the start when this
 * build's Spring Boot is not one its release train accepts, so a Boot or Spring Cloud version
 * that such an application would refuse fails here (2025.1.0 and 2025.1.1 on Boot 4.1 do).
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringCloudApplicationTests {

	private static final String URL = "cryptofeed.proxy.default.http.url";

	@Test
	void startsWithTheVerifierOfThisBuildsReleaseTrainAndReloadsOnRefresh(@TempDir Path directory)
			throws IOException {
		Path file = directory.resolve("proxies.properties");
		Files.writeString(file, URL + "=http://10.0.0.5:3128\n");
		try (ConfigurableApplicationContext context = application().run("--spring.config.import=file:" + file)) {
			assertThat(context.getBeanNamesForType(CompatibilityVerifierAutoConfiguration.class)).hasSize(1);
			assertThat(context.containsBean("compositeCompatibilityVerifier")).as("the verifier ran").isTrue();
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
			assertThat(pool.members()).singleElement()
				.satisfies((member) -> assertThat(member.endpoint().hostAndPort()).isEqualTo("10.0.0.5:3128"));

			Files.writeString(file, URL + "=http://10.0.0.6:3128\n");
			assertThat(context.getBean(ContextRefresher.class).refresh()).contains(URL);
			assertThat(pool.members()).singleElement()
				.satisfies((member) -> assertThat(member.endpoint().hostAndPort()).isEqualTo("10.0.0.6:3128"));
		}
	}

	/** The check above can fail: a release train that does not accept this Boot stops the start. */
	@Test
	void aReleaseTrainThatRefusesThisBootStopsTheStart(CapturedOutput output) {
		assertThatException().isThrownBy(() -> application()
			.run("--spring.cloud.compatibility-verifier.compatible-boot-versions=3.5.x"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Spring Boot [" + SpringBootVersion.getVersion()
					+ "] is not compatible with this Spring Cloud release train");
	}

	private static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(CloudApplication.class).web(WebApplicationType.NONE)
			.properties("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.health-check.enabled=false");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class CloudApplication {

	}

}
