package io.cryptofeed.proxy.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.service.ProxyServiceHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.entry;

/**
 * The pools must never be off without a word while proxies or the proxy service are
 * configured: every connection would go direct, from the application's own address.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProxyPoolSwitchesTests {

	private static final String POOL = "cryptofeed.proxy.default.http.pool[0].url=socks5://u:canary@10.0.0.5:1080";

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(ProxyPoolSwitchesAutoConfiguration.class, ProxyPoolAutoConfiguration.class,
				ProxyServiceClientAutoConfiguration.class));

	@ParameterizedTest
	@ValueSource(strings = { "cryptofeed.proxy.enabled", "cryptofeed.proxy.external-service.enabled",
			"cryptofeed.proxy.external-service.circuit-breaker-enabled", "cryptofeed.proxy.service-server.enabled",
			"cryptofeed.proxy.circuit-breaker.enabled" })
	void aSwitchThatIsNeitherTrueNorFalseStopsTheStart(String name) {
		this.runner.withPropertyValues(POOL, name + "=ture").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(ProxyConfigurationValidationTests.findCause(context.getStartupFailure()).violations())
				.singleElement()
				.satisfies((violation) -> {
					assertThat(violation.property()).isEqualTo(name);
					assertThat(violation.value()).isEqualTo("ture");
					assertThat(violation.fix()).isEqualTo("set " + name + " to true or false");
				});
			FailureAnalysis analysis = new InvalidProxyConfigurationFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: " + name).doesNotContain("canary");
		});
	}

	/** The check is a start-up check like the warnings: a bean of the application's does not switch it off. */
	@Test
	void aMarkerBeanOfYourOwnDoesNotSkipTheCheck() {
		this.runner.withPropertyValues(POOL, "cryptofeed.proxy.enabled=ture")
			.withBean(ProxyPoolSwitchesAutoConfiguration.ProxyPoolSwitchesChecked.class)
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void yesIsNotTrueToSpringBootsConditionsSoItStopsTheStartToo() {
		this.runner.withPropertyValues(POOL, "cryptofeed.proxy.enabled=yes")
			.run((context) -> assertThat(context).hasFailed());
		this.runner.withPropertyValues(POOL, "cryptofeed.proxy.enabled= TRUE ")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ProxyPools.class));
	}

	/** Binding trims the text, Boot's conditions do not: the breakers' properties on, the breakers off. */
	@Test
	void aSwitchWithSpacesAroundItStopsTheStart() {
		this.runner.withPropertyValues(POOL)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("raw", Map.of("cryptofeed.proxy.circuit-breaker.enabled", "true "))))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(ProxyConfigurationValidationTests.findCause(context.getStartupFailure()).violations())
					.singleElement()
					.satisfies((violation) -> {
						assertThat(violation.property()).isEqualTo("cryptofeed.proxy.circuit-breaker.enabled");
						assertThat(violation.problem()).contains("read the spaces around it");
						assertThat(violation.fix()).endsWith("true or false, without spaces");
					});
			});
	}

	@Test
	void poolsConfiguredWithoutTheSwitchAreNamedInAWarning(CapturedOutput output) {
		this.runner
			.withPropertyValues(POOL, "cryptofeed.proxy.exchanges.binance.websocket.url=socks5://10.0.0.6:1080",
					"cryptofeed.proxy.default.http.health-check.url=https://api.example.com/ping")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(ProxyPools.class);
				assertThat(output).contains("WARN")
					.contains("proxy pools: off, so every connection goes direct, although proxies are configured "
							+ "(default.http, exchanges.binance.websocket): cryptofeed.proxy.enabled is not set")
					.doesNotContain("canary");
			});
	}

	@Test
	void poolsTurnedOffOnPurposeAreNamedAtInfo(CapturedOutput output) {
		this.runner.withPropertyValues(POOL, "cryptofeed.proxy.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ProxyPools.class);
			assertThat(output).contains("INFO")
				.contains("proxies are configured (default.http): cryptofeed.proxy.enabled=false")
				.doesNotContain("WARN");
		});
	}

	@ParameterizedTest
	@CsvSource(quoteCharacter = '"', value = {
			"cryptofeed.proxy.external-service.enabled, the proxy service is never asked and every connection goes direct",
			"cryptofeed.proxy.service-server.enabled, the proxy service's server does not run" })
	void theProxyServiceSwitchedOnWithoutThePoolsIsNamedInAWarning(String name, String lost, CapturedOutput output) {
		this.runner.withPropertyValues(name + "=true", "cryptofeed.proxy.external-service.token=canary")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(ProxyPools.class);
				assertThat(output).contains("WARN")
					.contains("proxy pools: off, so " + lost + ", although " + name
							+ "=true: cryptofeed.proxy.enabled is not set; set it to true")
					.doesNotContain("canary");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "cryptofeed.proxy.external-service.enabled", "cryptofeed.proxy.service-server.enabled" })
	void theProxyServiceSwitchedOnWithThePoolsTurnedOffOnPurposeIsNamedAtInfo(String name, CapturedOutput output) {
		this.runner.withPropertyValues(name + "=true", "cryptofeed.proxy.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ProxyPools.class);
			assertThat(output).contains("INFO")
				.contains(", although " + name + "=true: cryptofeed.proxy.enabled=false")
				.doesNotContain("WARN");
		});
	}

	@Test
	void theProxyServiceServerSwitchedOnOutsideAReactiveWebApplicationIsNamedInAWarning(CapturedOutput output) {
		this.runner.withConfiguration(AutoConfigurations.of(ProxyServiceServerAutoConfiguration.class))
			.withPropertyValues(POOL, "cryptofeed.proxy.enabled=true", "cryptofeed.proxy.service-server.enabled=true",
					"cryptofeed.proxy.service-server.token=canary")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ProxyPools.class)
					.doesNotHaveBean(ProxyServiceHandler.class);
				assertThat(output).contains("WARN")
					.contains("the proxy service's server does not run, although "
							+ "cryptofeed.proxy.service-server.enabled=true: it needs a reactive web application")
					.doesNotContain("canary");
			});
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ProxyPoolSwitchesAutoConfiguration.class,
					ProxyPoolAutoConfiguration.class, ProxyServiceServerAutoConfiguration.class))
			.withPropertyValues(POOL, "cryptofeed.proxy.enabled=true", "cryptofeed.proxy.service-server.enabled=true",
					"cryptofeed.proxy.service-server.token=canary")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ProxyServiceHandler.class);
				assertThat(output).containsOnlyOnce("the proxy service's server does not run");
			});
	}

	/** The warning and the reload's checks restate these conditions: they must not drift apart. */
	@Test
	void theClassesTheServiceSidesAreCheckedForAreThoseTheirConditionsName() {
		assertThat(conditionalClasses(ProxyServiceServerAutoConfiguration.class))
			.containsExactlyInAnyOrderElementsOf(StartOnlySettings.SERVER_CLASSES);
		assertThat(ProxyServiceServerAutoConfiguration.class.getAnnotation(ConditionalOnWebApplication.class).type())
			.isEqualTo(ConditionalOnWebApplication.Type.REACTIVE);
		assertThat(conditionalClasses(ProxyServiceClientAutoConfiguration.class))
			.containsExactlyInAnyOrderElementsOf(StartOnlySettings.CLIENT_CLASSES);
	}

	private static List<String> conditionalClasses(Class<?> autoConfiguration) {
		ConditionalOnClass condition = autoConfiguration.getAnnotation(ConditionalOnClass.class);
		return Stream.concat(Stream.of(condition.value()).map(Class::getName), Stream.of(condition.name())).toList();
	}

	@Test
	void theProxyServiceSwitchedOffSaysNothing(CapturedOutput output) {
		this.runner
			.withPropertyValues("cryptofeed.proxy.external-service.enabled=false",
					"cryptofeed.proxy.service-server.enabled=false")
			.run((context) -> assertThat(output).doesNotContain("proxy pools:"));
	}

	@Test
	void aMisspeltSwitchIsNamedWithTheOneMeant(CapturedOutput output) {
		this.runner.withPropertyValues(POOL, "cryptofeed.proxy.enabeld=true").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ProxyPools.class);
			assertThat(output).contains("proxy config: cryptofeed.proxy.enabeld: no property of the starter")
				.contains("did you mean cryptofeed.proxy.enabled?");
		});
	}

	/**
	 * Processed ahead of time, the beans are those of the build's switches: a switch that says
	 * otherwise at the start would be ignored, so it stops the start, naming what it would not do.
	 */
	@ParameterizedTest
	@CsvSource(quoteCharacter = '"', value = {
			"cryptofeed.proxy.enabled=true, cryptofeed.proxy.enabled=false, cryptofeed.proxy.enabled, "
					+ "\"with cryptofeed.proxy.enabled=true, and its beans were fixed then: the pools would run although this says off\"",
			"\"\", cryptofeed.proxy.enabled=true, cryptofeed.proxy.enabled, "
					+ "\"with cryptofeed.proxy.enabled not set, and its beans were fixed then: the pools would not run although this says on\"",
			"cryptofeed.proxy.enabled=true, cryptofeed.proxy.enabled=true;cryptofeed.proxy.circuit-breaker.enabled=false, "
					+ "cryptofeed.proxy.circuit-breaker.enabled, the members' circuit breakers would run although this says off",
			"cryptofeed.proxy.enabled=true, cryptofeed.proxy.enabled=true;cryptofeed.proxy.external-service.enabled=true, "
					+ "cryptofeed.proxy.external-service.enabled, the proxy service's client would not run although this says on",
			"cryptofeed.proxy.enabled=true;cryptofeed.proxy.external-service.enabled=true, "
					+ "cryptofeed.proxy.enabled=true;cryptofeed.proxy.external-service.enabled=true;"
					+ "cryptofeed.proxy.external-service.circuit-breaker-enabled=false, "
					+ "cryptofeed.proxy.external-service.circuit-breaker-enabled, the proxy service's circuit breaker would run",
			"cryptofeed.proxy.enabled=true;cryptofeed.proxy.service-server.enabled=true, cryptofeed.proxy.enabled=true, "
					+ "cryptofeed.proxy.service-server.enabled, the proxy service's server would run although this says off",
			// the parts need the pools: only the pools' switch is named
			"cryptofeed.proxy.enabled=true;cryptofeed.proxy.external-service.enabled=true, "
					+ "cryptofeed.proxy.enabled=false;cryptofeed.proxy.external-service.enabled=true, "
					+ "cryptofeed.proxy.enabled, the pools would run although this says off" })
	void aSwitchThatTurnsAPartOtherwiseThanTheBuildDidStopsTheStart(String atBuild, String atStart, String name,
			String reason) {
		assertThatExceptionOfType(InvalidProxyConfigurationException.class)
			.isThrownBy(() -> ProxyPoolSwitches.check(environment(atStart), new SwitchesAtDefinition(values(atBuild)),
					true))
			.satisfies((ex) -> assertThat(ex.violations()).singleElement().satisfies((violation) -> {
				assertThat(violation.property()).isEqualTo(name);
				assertThat(violation.problem()).startsWith("the application was processed ahead of time")
					.contains(reason);
				assertThat(violation.fix()).contains("spring-boot:process-aot").contains("-Dspring.aot.enabled=true");
			}));
	}

	/** On the JVM a switch can differ only when set after the conditions ran: that, not AOT, is named. */
	@Test
	void onTheJvmASwitchSetAfterTheBeansWereDefinedIsNamedAsSuch() {
		assertThatExceptionOfType(InvalidProxyConfigurationException.class)
			.isThrownBy(() -> ProxyPoolSwitches.check(environment("cryptofeed.proxy.enabled=true"),
					new SwitchesAtDefinition(values("")), false))
			.satisfies((ex) -> assertThat(ex.violations()).singleElement().satisfies((violation) -> {
				assertThat(violation.problem()).isEqualTo("the switch changed after the beans were defined, with "
						+ "cryptofeed.proxy.enabled not set: the pools would not run although this says on")
					.doesNotContain("ahead of time");
				assertThat(violation.fix()).contains("@DynamicPropertySource").doesNotContain("spring.aot");
			}));
	}

	/** What counts is whether a part runs, not how the switch is written. */
	@ParameterizedTest
	@CsvSource(quoteCharacter = '"', value = { "cryptofeed.proxy.enabled=TRUE, cryptofeed.proxy.enabled=true",
			"cryptofeed.proxy.enabled=false, \"\"",
			// off either way: the breakers need the pools
			"cryptofeed.proxy.circuit-breaker.enabled=true, cryptofeed.proxy.circuit-breaker.enabled=false",
			"cryptofeed.proxy.enabled=true, cryptofeed.proxy.enabled=true;cryptofeed.proxy.circuit-breaker.enabled=true",
			"\"\", cryptofeed.proxy.service-server.enabled=true" })
	void switchesThatTurnThePartsAsTheBuildDidPass(String atBuild, String atStart) {
		assertThatNoException()
			.isThrownBy(() -> ProxyPoolSwitches.check(environment(atStart), new SwitchesAtDefinition(values(atBuild))));
	}

	/** On the JVM the switches are read when the beans are defined, from the start's environment. */
	@Test
	void theSwitchesAtDefinitionAreTheStartsOnTheJvm() {
		this.runner.withPropertyValues(POOL, "cryptofeed.proxy.enabled=true", "cryptofeed.proxy.connect-timeout=2s")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ProxyPools.class);
				assertThat(context.getBean(SwitchesAtDefinition.class).values())
					.containsExactly(entry("cryptofeed.proxy.enabled", "true"));
			});
	}

	private static Map<String, String> values(String pairs) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String pair : pairs.split(";")) {
			if (!pair.isEmpty()) {
				values.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
			}
		}
		return values;
	}

	private static MockEnvironment environment(String pairs) {
		MockEnvironment environment = new MockEnvironment();
		values(pairs).forEach(environment::setProperty);
		return environment;
	}

	@Test
	void nothingIsSaidWithoutProxies(CapturedOutput output) {
		this.runner.withPropertyValues("cryptofeed.proxy.connect-timeout=2s")
			.run((context) -> assertThat(output).doesNotContain("proxy pools:").doesNotContain("proxy config:"));
	}

}
