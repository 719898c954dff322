package io.cryptofeed.proxy.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The {@code cryptofeed.proxy} YAML examples of {@code README.md} and {@code docs/*.md}, as a
 * reader would paste them: every key binds to a property that exists (Spring ignores unknown
 * keys, so a misspelled example would silently do nothing) and the configuration starts.
 * A {@code health-check} or indented {@code exchanges} fragment is read in the document it
 * belongs in; a block that sets Spring properties before its {@code cryptofeed} ones is read
 * whole. A {@code [ ... ]} pool gets a stand-in member; blocks with other {@code ...}
 * placeholders, or of other formats (alert rules), are left out. {@code ${...}} references get a
 * stand-in value.
 */
class DocumentationExamplesTests {

	private static final Pattern YAML_BLOCK = Pattern.compile("(?ms)^```yaml\\n(.*?)^```");

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[A-Z_]+}");

	private static final String ANY_POOL = "[ ... ]";

	private static final String STAND_IN_POOL = "[ { url: \"http://10.0.1.1:3128\" } ]";

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyServiceClientAutoConfiguration.class, ProxyServiceServerAutoConfiguration.class));

	static Stream<Arguments> examples() throws IOException {
		List<Arguments> examples = new ArrayList<>();
		List<Path> files = new ArrayList<>(List.of(Path.of("..", "README.md")));
		try (Stream<Path> docs = Files.list(Path.of("..", "docs"))) {
			docs.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(files::add);
		}
		for (Path file : files) {
			Matcher block = YAML_BLOCK.matcher(Files.readString(file, StandardCharsets.UTF_8));
			while (block.find()) {
				String yaml = wholeDocument(block.group(1)).replace(ANY_POOL, STAND_IN_POOL);
				boolean proxies = yaml.startsWith("cryptofeed:") || yaml.contains("\ncryptofeed:");
				if (proxies && !yaml.contains("...")) {
					examples.add(arguments(file.getFileName() + " at offset " + block.start(), yaml));
				}
			}
		}
		assertThat(examples).as("YAML examples in the documentation").hasSizeGreaterThan(5);
		return examples.stream();
	}

	/**
	 * A fragment as the whole document it belongs in: a {@code health-check} block as the
	 * default http settings', an indented {@code exchanges} block under {@code cryptofeed.proxy}.
	 */
	private static String wholeDocument(String yaml) {
		if (yaml.startsWith("health-check:")) {
			return "cryptofeed:\n  proxy:\n    default:\n      http:\n" + yaml.indent(8);
		}
		if (yaml.startsWith("    exchanges:")) {
			return "cryptofeed:\n  proxy:\n" + yaml;
		}
		return yaml;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("examples")
	void everyKeyOfTheExampleIsAProperty(String where, String yaml) throws IOException {
		Map<String, Object> properties = load(yaml);
		bindStrictly(properties, ExternalServiceProperties.PREFIX, ExternalServiceProperties.class);
		bindStrictly(properties, ServiceServerProperties.PREFIX, ServiceServerProperties.class);
		Predicate<String> other = (name) -> name.startsWith(ExternalServiceProperties.PREFIX + ".")
				|| name.startsWith(ServiceServerProperties.PREFIX + ".");
		Map<String, Object> rest = new LinkedHashMap<>(properties);
		rest.keySet().removeIf(other);
		bindStrictly(rest, ProxyProperties.PREFIX, ProxyProperties.class);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("examples")
	void theExampleStarts(String where, String yaml) throws IOException {
		String[] pairs = load(yaml).entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
		this.runner.withPropertyValues(pairs).run((context) -> assertThat(context).hasNotFailed());
	}

	private static void bindStrictly(Map<String, Object> properties, String prefix, Class<?> type) {
		Map<String, Object> own = new LinkedHashMap<>(properties);
		own.keySet().removeIf((name) -> !name.startsWith(prefix + "."));
		if (own.isEmpty()) {
			return;
		}
		Binder binder = new Binder(new MapConfigurationPropertySource(own));
		binder.bind(prefix, Bindable.of(type), new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
	}

	private static Map<String, Object> load(String yaml) throws IOException {
		String resolved = PLACEHOLDER.matcher(yaml).replaceAll("stand-in");
		List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("example",
				new ByteArrayResource(resolved.getBytes(StandardCharsets.UTF_8)));
		Map<String, Object> properties = new LinkedHashMap<>();
		for (PropertySource<?> source : sources) {
			EnumerablePropertySource<?> enumerable = (EnumerablePropertySource<?>) source;
			for (String name : enumerable.getPropertyNames()) {
				properties.put(name, String.valueOf(enumerable.getProperty(name)));
			}
		}
		return properties;
	}

}
