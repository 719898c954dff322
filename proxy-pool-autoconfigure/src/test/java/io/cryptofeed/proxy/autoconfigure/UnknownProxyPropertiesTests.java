package io.cryptofeed.proxy.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.cryptofeed.proxy.core.ProxyPools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A name under cryptofeed.proxy that no property binds stops the start, with the name meant:
 * Spring Boot would ignore it, and the pools would run without what it was to configure.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownProxyPropertiesTests {

	private static final String HTTP = "cryptofeed.proxy.default.http";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolSwitchesAutoConfiguration.class,
				ProxyPoolAutoConfiguration.class))
		.withPropertyValues("cryptofeed.proxy.enabled=true");

	@Test
	void aMisspeltNameStopsTheStartNamingTheOneMeant() {
		this.runner
			.withPropertyValues(HTTP + ".pools[0].url=socks5://u:canary@10.0.0.5:1080", HTTP + ".stratgy=random",
					"cryptofeed.proxy.exchange.binance.hosts[0]=api.binance.com",
					"cryptofeed.proxy.connect-timeout=1s")
			.run((context) -> {
				assertThat(context).hasFailed();
				List<ConfigurationViolation> violations = ProxyConfigurationValidationTests
					.findCause(context.getStartupFailure())
					.violations();
				assertThat(violations).extracting(ConfigurationViolation::property)
					.containsExactlyInAnyOrder(HTTP + ".pools[0].url", HTTP + ".stratgy",
							"cryptofeed.proxy.exchange.binance.hosts[0]");
				assertThat(violations).extracting(ConfigurationViolation::fix)
					.anySatisfy((fix) -> assertThat(fix).startsWith("did you mean " + HTTP + ".pool[0].url?"))
					.anySatisfy((fix) -> assertThat(fix).startsWith("did you mean " + HTTP + ".strategy?"))
					.anySatisfy((fix) -> assertThat(fix)
						.startsWith("did you mean cryptofeed.proxy.exchanges.binance.hosts[0]?"));
				assertThat(violations).allSatisfy((violation) -> {
					assertThat(violation.value()).as("a value may be a password").isNull();
					assertThat(violation.toString()).doesNotContain("canary");
				});
			});
	}

	@Test
	void aNameFarFromEveryPropertyIsReportedWithoutAGuess() {
		this.runner.withPropertyValues(HTTP + ".url=socks5://10.0.0.5:1080", "cryptofeed.proxy.default.colour=blue")
			.run((context) -> assertThat(
					ProxyConfigurationValidationTests.findCause(context.getStartupFailure()).violations())
				.singleElement()
				.satisfies((violation) -> {
					assertThat(violation.property()).isEqualTo("cryptofeed.proxy.default.colour");
					assertThat(violation.fix()).doesNotContain("did you mean").contains("configuration reference");
				}));
	}

	@Test
	void everyPropertyOfTheMetadataIsKnown() throws IOException {
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			List<String> names = JsonPath.read(metadata, "$.properties[*].name");
			assertThat(names).filteredOn((name) -> name.startsWith("cryptofeed.proxy.")).hasSizeGreaterThan(60)
				.allSatisfy((name) -> assertThat(check(name)).as(name).isNull());
		}
	}

	@Test
	void namesBelowMapsAndListsAreCheckedByTheirValuesType() {
		assertThat(check("cryptofeed.proxy.exchanges.binance.websocket.pool[3].weight"))
			.isNull();
		assertThat(check("cryptofeed.proxy.exchanges[binance.us].http.url")).isNull();
		assertThat(check(HTTP + ".pool[0].metadata.region")).isNull();
		assertThat(check("cryptofeed.proxy.external-service.metadata.desk")).isNull();
		assertThat(check(HTTP + ".pool[0].wieght").fix())
			.startsWith("did you mean " + HTTP + ".pool[0].weight?");
		assertThat(check(HTTP + ".url.host").fix()).doesNotContain("did you mean");
	}

	/** Boot binds every name below a map of text as one key: metadata.zone.primary is the key zone.primary. */
	@Test
	void aMetadataKeyWithDotsIsKnownAsBootBindsIt() {
		assertThat(check(HTTP + ".pool[0].metadata.zone.primary")).isNull();
		assertThat(check("cryptofeed.proxy.external-service.metadata.desk.name")).isNull();
		assertThat(check("cryptofeed.proxy.direct-hosts[0].host")).as("below a list of text, nothing binds")
			.isNotNull();
		this.runner
			.withPropertyValues(HTTP + ".pool[0].url=socks5://10.0.0.5:1080", HTTP + ".pool[0].metadata.zone.primary=eu",
					HTTP + ".pool[0].metadata.region=eu-west")
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(ProxyPools.class)
				.satisfies((pools) -> assertThat(pools.pools().values()).singleElement()
					.satisfies((pool) -> assertThat(pool.members().get(0).metadata())
						.containsEntry("zone.primary", "eu")
						.containsEntry("region", "eu-west"))));
	}

	/** YAML flattens the key binance.us: into two names, so Boot reads an exchange 'binance' with a property 'us'. */
	@Test
	void anExchangeIdWithADotIsToldToBeWrittenInBrackets() {
		String exchange = "cryptofeed.proxy.exchanges";
		this.runner
			.withPropertyValues(exchange + ".binance.us.hosts[0]=api.binance.us",
					exchange + ".binance.us.http.pool[0].url=socks5://u:canary@10.0.0.5:1080")
			.run((context) -> {
				List<ConfigurationViolation> violations = ProxyConfigurationValidationTests
					.findCause(context.getStartupFailure())
					.violations();
				assertThat(violations).extracting(ConfigurationViolation::property)
					.containsExactlyInAnyOrder(exchange + ".binance.us.hosts[0]",
							exchange + ".binance.us.http.pool[0].url");
				assertThat(violations).allSatisfy((violation) -> {
					assertThat(violation.problem()).contains("exchange id with a dot");
					assertThat(violation.fix()).contains("\"[binance.us]\":");
				});
				assertThat(violations).extracting(ConfigurationViolation::fix)
					.anySatisfy((fix) -> assertThat(fix).contains(exchange + "[binance.us].hosts[0]"))
					.anySatisfy((fix) -> assertThat(fix).contains(exchange + "[binance.us].http.pool[0].url"));
			});
		assertThat(check(exchange + ".binance.http.hosts[0]").problem()).as("a property in the wrong place")
			.doesNotContain("exchange id with a dot");
	}

	@Test
	void aProxyUrlWrittenAsAMapKeyIsMaskedInTheReport() {
		ConfigurationViolation violation = check("cryptofeed.proxy.exchanges[socks5://u:canary@10.0.0.5:1080].htp.url");
		assertThat(violation).isNotNull();
		assertThat(violation.toString()).doesNotContain("canary");
	}

	@Test
	void anEnvironmentVariableNoPropertyMatchesIsAWarningNamingTheVariableMeant(CapturedOutput output) {
		Map<String, Object> variables = new LinkedHashMap<>();
		variables.put("CRYPTOFEED_PROXY_DEFAULT_HTTP_URL", "socks5://10.0.0.5:1080");
		variables.put("CRYPTOFEED_PROXY_DEFAULT_HTTP_STRATGY", "random");
		variables.put("CRYPTOFEED_PROXY_DEFAULT_HTTP_HEALTH_CHECK_INTERVAL", "45s");
		variables.put("CRYPTOFEED_PROXY_CONNECT_TIMEOUT", "2s");
		variables.put("CRYPTOFEED_PROXY_EXCHANGES_BINANCE_WEBSOCKET_POOL_0_URL", "socks5://10.0.0.6:1080");
		variables.put("CRYPTOFEED_PROXY_EXCHANGES__COINBASE_PRO__HTTP__URL", "socks5://10.0.0.7:1080");
		variables.put("CRYPTOFEED_PROXY_EXCHANGES__KRAKEN__HTTP__STRATEGIE", "random");
		variables.put("CRYPTOFEED_PROXY_EXTERNAL_SERVICE_CACHE_TTL", "5m");
		this.runner.withInitializer((context) -> {
			Map<String, Object> environment = new LinkedHashMap<>(variables);
			context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
			context.getEnvironment()
				.getPropertySources()
				.addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new MapPropertySource(
						LegacyEnvironmentVariables.PROPERTY_SOURCE_NAME, LegacyEnvironmentVariables.map(environment)));
		}).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(ProxyPools.class);
			assertThat(output).contains("WARN")
				.contains("proxy config: CRYPTOFEED_PROXY_DEFAULT_HTTP_STRATGY: no property of the starter")
				.contains("did you mean CRYPTOFEED_PROXY_DEFAULT_HTTP_STRATEGY?")
				.contains("proxy config: cryptofeed.proxy.exchanges[kraken].http.strategie: no property")
				.doesNotContain("HEALTH_CHECK_INTERVAL:")
				.doesNotContain("CONNECT_TIMEOUT:")
				.doesNotContain("POOL_0_URL:")
				.doesNotContain("CACHE_TTL:")
				.doesNotContain("[coinbase_pro].http.url: no property");
		});
	}

	/**
	 * Spring reads each '_' of a variable as a dot, so an exchange id written with its
	 * underscore or dash (GATE_IO for gate_io) splits in two: the warning names the variable
	 * that binds, the id without them.
	 */
	@Test
	void aVariableThatKeepsTheUnderscoreOfAnExchangeIdIsToldTheSpellingThatBinds() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("CRYPTOFEED_PROXY_EXCHANGES_GATE_IO_HTTP_POOL_0_URL", "socks5://10.0.0.6:1080",
									"CRYPTOFEED_PROXY_EXCHANGES_COINBASE_PRO_WEBSOCKET_HEALTH_CHECK_INTERVAL", "45s",
									"CRYPTOFEED_PROXY_EXCHANGES_BINANCE_HTTP_STRATGY", "random")));
		assertThat(UnknownProxyProperties.in(environment).environmentVariables())
			.extracting(ConfigurationViolation::property, ConfigurationViolation::fix)
			.containsExactlyInAnyOrder(
					tuple("CRYPTOFEED_PROXY_EXCHANGES_GATE_IO_HTTP_POOL_0_URL",
							"did you mean CRYPTOFEED_PROXY_EXCHANGES_GATEIO_HTTP_POOL_0_URL? A variable writes an"
									+ " exchange id without its '-' and '_', which Spring reads as dots"),
					tuple("CRYPTOFEED_PROXY_EXCHANGES_COINBASE_PRO_WEBSOCKET_HEALTH_CHECK_INTERVAL",
							"did you mean CRYPTOFEED_PROXY_EXCHANGES_COINBASEPRO_WEBSOCKET_HEALTH_CHECK_INTERVAL? A"
									+ " variable writes an exchange id without its '-' and '_', which Spring reads as dots"),
					// a misspelt property after a whole id keeps the guess at the property
					tuple("CRYPTOFEED_PROXY_EXCHANGES_BINANCE_HTTP_STRATGY",
							"did you mean CRYPTOFEED_PROXY_EXCHANGES_BINANCE_HTTP_STRATEGY? Correct or remove it;"
									+ " the configuration reference lists every property"));
	}

	private static ConfigurationViolation check(String name) {
		return UnknownProxyProperties.check(ConfigurationPropertyName.of(name), null);
	}

}
