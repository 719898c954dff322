package io.cryptofeed.proxy.autoconfigure;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

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

	private void process(Map<String, Object> properties) {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test", properties));
			AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
			context.registerBean(ProxyPoolSwitchesAutoConfiguration.class);
			new ApplicationContextAotGenerator().processAheadOfTime(context, this.generation);
			this.generation.writeGeneratedContent();
		}
	}

}
