package io.cryptofeed.proxy.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A list or map of the proxy properties left without a value: set to {@code null} in code,
 * written empty in YAML ({@code pool:} or {@code pool: []}), or as an empty environment
 * variable. Each is as if it were not set at all, at start-up and at a reload.
 */
class UnsetListsAndMapsTests {

	private static final String HTTP = "cryptofeed.proxy.default.http";

	private static final String URL = "http://10.0.0.5:3128";

	private final Map<String, Object> reloadable = new LinkedHashMap<>();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyPoolReloadAutoConfiguration.class, ProxyServiceClientAutoConfiguration.class))
		.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("reloadable", this.reloadable)))
		.withPropertyValues("cryptofeed.proxy.enabled=true");

	@Test
	void aPoolSetToNullInCodeIsNoPool() {
		inCode((properties) -> {
			properties.getDefault().getHttp().setUrl(URL);
			properties.getDefault().getHttp().setPool(null);
		}).run((context) -> assertThat(defaultHttpPool(context).members()).singleElement()
			.satisfies((member) -> assertThat(member.endpoint().toString()).isEqualTo(URL)));
	}

	@Test
	void directHostsSetToNullInCodeAreNone() {
		inCode((properties) -> {
			properties.getDefault().getHttp().setUrl(URL);
			properties.setDirectHosts(null);
		}).run((context) -> assertThat(context.getBean(ProxyPools.class).directHosts()).isEmpty());
	}

	@Test
	void anExchangesHostsSetToNullInCodeAreNone() {
		inCode((properties) -> {
			ProxyProperties.ExchangeSettings binance = new ProxyProperties.ExchangeSettings();
			binance.getHttp().setUrl(URL);
			binance.setHosts(null);
			properties.getExchanges().put("binance", binance);
		}).run((context) -> {
			assertThat(context.getBean(CompiledProxyConfiguration.class).hostPatterns())
				.containsEntry("binance", List.of());
			assertThat(context.getBean(ProxyPools.class).resolve("binance", ConnectionType.HTTP)).isPresent();
		});
	}

	@Test
	void aMembersMetadataSetToNullInCodeIsNoLabels() {
		inCode((properties) -> {
			ProxyProperties.Member member = new ProxyProperties.Member();
			member.setUrl(URL);
			member.setMetadata(null);
			properties.getDefault().getHttp().getPool().add(member);
		}).run((context) -> assertThat(defaultHttpPool(context).members()).singleElement()
			.satisfies((member) -> assertThat(member.metadata()).isEmpty()));
	}

	@Test
	void theServiceClientsMetadataSetToNullInCodeIsNoLabels() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.external-service.enabled=true",
					"cryptofeed.proxy.external-service.endpoints=https://proxy-service.test:8443")
			.withBean(BeanPostProcessor.class, () -> changing(ExternalServiceProperties.class,
					(properties) -> properties.setMetadata(null)))
			.run((context) -> assertThat(context.getBean(CompiledServiceClient.class).settings().metadata())
				.isEmpty());
	}

	/** No YAML or variable can bind a label without a value: only code can, and it is told where. */
	@Test
	void aMembersLabelWithoutAValueSetInCodeIsNamedInAViolation() {
		inCode((properties) -> {
			ProxyProperties.Member member = new ProxyProperties.Member();
			member.setUrl(URL);
			member.getMetadata().put("region", null);
			properties.getDefault().getHttp().getPool().add(member);
		}).run((context) -> assertThat(ProxyConfigurationValidationTests.findCause(context.getStartupFailure())
			.violations()).singleElement().satisfies((violation) -> {
				assertThat(violation.property()).isEqualTo(HTTP + ".pool[0].metadata.region");
				assertThat(violation.problem()).isEqualTo("the label has no value");
				assertThat(violation.fix()).contains("remove it");
			}));
	}

	@Test
	void aServiceClientLabelWithoutAValueSetInCodeIsNamedInAViolation() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.external-service.enabled=true",
					"cryptofeed.proxy.external-service.endpoints=https://proxy-service.test:8443")
			.withBean(BeanPostProcessor.class, () -> changing(ExternalServiceProperties.class,
					(properties) -> properties.getMetadata().put("Team.Name", null)))
			.run((context) -> assertThat(ProxyConfigurationValidationTests.findCause(context.getStartupFailure())
				.violations()).singleElement()
				.satisfies((violation) -> assertThat(violation.property())
					.isEqualTo("cryptofeed.proxy.external-service.metadata[Team.Name]")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "pool:", "pool: []" })
	void aPoolWrittenEmptyInYamlIsNoPool(String pool) {
		yaml(HTTP + ":\n  url: " + URL + "\n  " + pool + "\n")
			.run((context) -> assertThat(defaultHttpPool(context).members()).singleElement()
				.satisfies((member) -> assertThat(member.endpoint().toString()).isEqualTo(URL)));
	}

	@ParameterizedTest
	@ValueSource(strings = { "CRYPTOFEED_PROXY_DEFAULT_HTTP_POOL", "CRYPTOFEED_PROXY_DIRECTHOSTS",
			"CRYPTOFEED_PROXY_EXCHANGES_BINANCE_HOSTS" })
	void aListSetToAnEmptyEnvironmentVariableIsEmpty(String variable) {
		Map<String, Object> variables = Map.of("CRYPTOFEED_PROXY_DEFAULT_HTTP_URL", URL, variable, "");
		this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)))
			.run((context) -> {
				assertThat(defaultHttpPool(context).members()).hasSize(1);
				assertThat(context.getBean(ProxyPools.class).directHosts()).isEmpty();
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { HTTP + ".pool", "cryptofeed.proxy.direct-hosts", "cryptofeed.proxy.exchanges.binance.hosts",
			"cryptofeed.proxy.default.rate-limit.statuses" })
	void aReloadThatEmptiesAListAppliesAsIfItWereNotSet(String property) {
		this.reloadable.put(HTTP + ".url", URL);
		this.runner.run((context) -> {
			this.reloadable.put(property, "");
			context.publishEvent(new EnvironmentChangeEvent(context, this.reloadable.keySet()));

			assertThat(context.getBean(ProxyPoolReloader.class).status().lastApplied()).isNotNull();
			assertThat(defaultHttpPool(context).members()).hasSize(1);
		});
	}

	/** Spring Boot 4.1.0 binds an empty YAML value as a list, not as a map: the labels are none all the same. */
	@ParameterizedTest
	@ValueSource(strings = { "metadata:", "metadata: {}" })
	void aMembersMetadataWrittenEmptyInYamlIsNoLabels(String metadata) {
		yaml(HTTP + ".pool:\n  - url: " + URL + "\n    " + metadata + "\n")
			.run((context) -> assertThat(defaultHttpPool(context).members()).singleElement()
				.satisfies((member) -> assertThat(member.metadata()).isEmpty()));
	}

	@ParameterizedTest
	@ValueSource(strings = { "exchanges:", "exchanges: {}" })
	void exchangesWrittenEmptyInYamlAreNone(String exchanges) {
		yaml("cryptofeed.proxy:\n  default.http.url: " + URL + "\n  " + exchanges + "\n")
			.run((context) -> assertThat(context.getBean(ProxyPools.class).exchanges()).isEmpty());
	}

	@Test
	void theServiceClientsMetadataWrittenEmptyInYamlIsNoLabels() {
		yaml("cryptofeed.proxy.external-service:\n  enabled: true\n  endpoints: https://proxy-service.test:8443\n"
				+ "  metadata:\n")
			.run((context) -> assertThat(context.getBean(CompiledServiceClient.class).settings().metadata())
				.isEmpty());
	}

	@ParameterizedTest
	@ValueSource(strings = { HTTP + ".pool[0].metadata", "cryptofeed.proxy.exchanges" })
	void aReloadThatEmptiesAMapAppliesAsIfItWereNotSet(String property) {
		this.reloadable.put(HTTP + ".pool[0].url", URL);
		this.reloadable.put(HTTP + ".pool[0].metadata.region", "eu");
		this.runner.run((context) -> {
			this.reloadable.keySet().removeIf((name) -> name.startsWith(property + "."));
			this.reloadable.put(property, "");
			this.reloadable.put(HTTP + ".strategy", "random");
			context.publishEvent(new EnvironmentChangeEvent(context, this.reloadable.keySet()));

			assertThat(context.getBean(ProxyPoolReloader.class).status().rejectionReasons()).isEmpty();
			assertThat(defaultHttpPool(context).strategyName()).isEqualTo("random");
		});
	}

	private ApplicationContextRunner inCode(Consumer<ProxyProperties> change) {
		return this.runner.withBean(BeanPostProcessor.class, () -> changing(ProxyProperties.class, change));
	}

	/** Changes the bound properties as an application's code would, after binding. */
	private static <T> BeanPostProcessor changing(Class<T> type, Consumer<T> change) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (type.isInstance(bean)) {
					change.accept(type.cast(bean));
				}
				return bean;
			}

		};
	}

	private ApplicationContextRunner yaml(String yaml) {
		return this.runner.withInitializer((context) -> {
			try {
				new YamlPropertySourceLoader()
					.load("application.yml", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))
					.forEach(context.getEnvironment().getPropertySources()::addLast);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

	private static ProxyPool defaultHttpPool(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
	}

}
