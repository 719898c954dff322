package io.cryptofeed.proxy.autoconfigure;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.aot.test.generate.CompilerFiles;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.Compiled;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What Spring AOT makes of the starter at build time: the switches it was processed with
 * kept in the generated code, for the start to compare with its own, and the starter's
 * runtime hints, found through {@code META-INF/spring/aot.factories}.
 */
class AheadOfTimeProcessingTests {

	private final InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();

	private final DefaultGenerationContext generation = new DefaultGenerationContext(
			new ClassNameGenerator(ClassName.get("io.cryptofeed.aot", "TestApplication")), this.files);

	@Test
	void theSwitchesOfTheBuildAreWrittenIntoTheGeneratedCode() throws IOException {
		process(Map.of("cryptofeed.proxy.enabled", "true", "cryptofeed.proxy.circuit-breaker.enabled", "false",
				"cryptofeed.proxy.connect-timeout", "2s"));
		String definitions = this.files.getGeneratedFileContent(Kind.SOURCE,
				"io/cryptofeed/proxy/autoconfigure/SwitchesAtDefinition__BeanDefinitions.java");
		assertThat(definitions).contains("\"cryptofeed.proxy.enabled\", \"true\"")
			.contains("\"cryptofeed.proxy.circuit-breaker.enabled\", \"false\"")
			.doesNotContain("connect-timeout");
	}

	@Test
	void theStartersRuntimeHintsAreRegisteredWithTheBuild() throws NoSuchMethodException {
		process(Map.of());
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(ExternalServiceProperties.class.getMethod("getEndpoints")))
			.accepts(this.generation.getRuntimeHints());
	}

	/** The generated code compiled and started: the build's switches come back, and a start that differs stops. */
	@Test
	@CompileWithForkedClassLoader // the generated code reaches package-private classes of the starter
	void theGeneratedCodeStartsWithTheBuildsSwitchesAndStopsWhenTheStartsDiffer() {
		ClassName initializer = process(Map.of("cryptofeed.proxy.enabled", "true"));

		TestCompiler.forSystem().with(CompilerFiles.from(this.files)).compile((compiled) -> {
			try (GenericApplicationContext same = start(compiled, initializer, Map.of("cryptofeed.proxy.enabled", "true"))) {
				assertThat(same.getBean(SwitchesAtDefinition.class).values())
					.containsExactly(Map.entry("cryptofeed.proxy.enabled", "true"));
			}
			assertThatException()
				.isThrownBy(() -> start(compiled, initializer, Map.of("cryptofeed.proxy.enabled", "false")))
				.havingRootCause()
				.isInstanceOfSatisfying(InvalidProxyConfigurationException.class,
						(ex) -> assertThat(ex.violations()).singleElement()
							.extracting(ConfigurationViolation::property)
							.isEqualTo("cryptofeed.proxy.enabled"));
		});
	}

	@SuppressWarnings("unchecked")
	private static GenericApplicationContext start(Compiled compiled, ClassName initializer,
			Map<String, Object> properties) {
		GenericApplicationContext context = new GenericApplicationContext();
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("start", properties));
		compiled.getInstance(ApplicationContextInitializer.class, initializer.reflectionName()).initialize(context);
		try {
			context.refresh();
		}
		catch (RuntimeException ex) {
			context.close();
			throw ex;
		}
		return context;
	}

	private ClassName process(Map<String, Object> properties) {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test", properties));
			AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
			context.registerBean(ProxyPoolSwitchesAutoConfiguration.class);
			ClassName initializer = new ApplicationContextAotGenerator().processAheadOfTime(context, this.generation);
			this.generation.writeGeneratedContent();
			return initializer;
		}
	}

}
