package io.cryptofeed.proxy.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.cryptofeed.proxy.docs.OperatorDocs;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.convert.DurationUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md} against the configuration metadata generated from
 * {@link ProxyProperties} (and {@code additional-spring-configuration-metadata.json}): every
 * property documented, nothing documented that does not exist, the same types and defaults.
 * A failure names each property to add, remove or correct.
 *
 * <p>A documented property is a table row whose first cell is a backticked name; braces
 * expand ({@code default.{http,websocket}.url} is two properties). Names with {@code <id>} or
 * {@code [n]} document the entries of a map or list property and need that property in the
 * metadata.
 */
class ConfigurationReferenceTests {

	private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

	private static final Pattern ROW = Pattern
		.compile("^\\|\\s*`((?:cryptofeed\\.proxy|management\\.)[^`]*)`\\s*\\|([^|]*)\\|([^|]*)\\|([^|]*)\\|(.*)$");

	private static final Pattern FIRST_CODE = Pattern.compile("^\\s*`([^`]*)`");

	@Test
	void everyPropertyOfTheMetadataIsDocumented() throws IOException {
		Map<String, Map<String, Object>> metadata = metadata();
		Set<String> missing = new TreeSet<>(metadata.keySet());
		missing.removeAll(documented().keySet());
		// each as a row to start from: the example and a better meaning are for a person to write
		List<String> rows = missing.stream().map((name) -> suggestedRow(metadata.get(name))).toList();
		assertThat(rows).as("properties in the metadata but missing from %s: add a row for each", REFERENCE).isEmpty();
	}

	private static String suggestedRow(Map<String, Object> property) {
		Object defaultValue = property.get("defaultValue");
		return "| `" + property.get("name") + "` | `" + simpleType((String) property.get("type")) + "` | "
				+ ((defaultValue != null) ? "`" + defaultValue + "`" : "none") + " | EXAMPLE | "
				+ property.getOrDefault("description", "") + " |";
	}

	@Test
	void everyDocumentedPropertyExists() throws IOException {
		Map<String, Map<String, Object>> metadata = metadata();
		List<String> unknown = new ArrayList<>();
		for (String name : documented().keySet()) {
			String container = container(name);
			if (container == null ? !metadata.containsKey(name)
					: !isMapOrList(metadata.get(container)) || !isBoundBelowTheEntry(name)) {
				unknown.add(name);
			}
		}
		assertThat(unknown).as("properties documented in %s that the metadata does not have: remove or rename them",
				REFERENCE)
			.isEmpty();
	}

	@Test
	void documentedTypesAndDefaultsMatchTheMetadata() throws IOException {
		Map<String, Map<String, Object>> metadata = metadata();
		List<String> wrong = new ArrayList<>();
		documented().forEach((name, row) -> {
			if (row.example().isBlank()) {
				wrong.add(name + ": no example");
			}
			Map<String, Object> property = metadata.get(name);
			if (property == null) {
				return;
			}
			String type = simpleType((String) property.get("type"));
			if (!type.equals(firstCode(row.type()))) {
				wrong.add(name + ": type is `" + type + "`, documented as '" + row.type().strip() + "'");
			}
			Object defaultValue = property.get("defaultValue");
			if (defaultValue != null && !String.valueOf(defaultValue).equals(firstCode(row.defaultValue()))) {
				wrong.add(name + ": default is `" + defaultValue + "`, documented as '" + row.defaultValue().strip()
						+ "'");
			}
		});
		assertThat(wrong).as("rows of %s that disagree with the metadata", REFERENCE).isEmpty();
	}

	/**
	 * The page says a bare number of a duration means seconds, as every {@code @DurationUnit}
	 * of the starter's properties makes it: a duration that reads one otherwise (Boot's own,
	 * such as an endpoint's cache time-to-live) says so in its row.
	 */
	@Test
	void aDurationWhoseBareNumberIsNotSecondsSaysSoInItsRow() throws IOException {
		Map<String, Map<String, Object>> metadata = metadata();
		List<String> silent = new ArrayList<>();
		documented().forEach((name, row) -> {
			Map<String, Object> property = metadata.get(name);
			if (property != null && "java.time.Duration".equals(property.get("type"))
					&& bareNumberUnit(property) != ChronoUnit.SECONDS
					&& !row.meaning().contains("a bare number means milliseconds")) {
				silent.add(name + " reads a bare number as milliseconds");
			}
		});
		assertThat(silent).as("durations in %s that the page's rule (a bare number means seconds) misleads about",
				REFERENCE)
			.isEmpty();
	}

	/** The unit of the property's {@code @DurationUnit}, else Boot's default: milliseconds. */
	private static ChronoUnit bareNumberUnit(Map<String, Object> property) {
		String name = (String) property.get("name");
		String field = Pattern.compile("-(.)")
			.matcher(name.substring(name.lastIndexOf('.') + 1))
			.replaceAll((dash) -> dash.group(1).toUpperCase(Locale.ROOT));
		try {
			Class<?> source = Class.forName((String) property.get("sourceType"));
			DurationUnit unit = source.getDeclaredField(field).getAnnotation(DurationUnit.class);
			return (unit != null) ? unit.value() : ChronoUnit.MILLIS;
		}
		catch (ReflectiveOperationException ex) {
			// bound by Boot without a field of the starter's (an endpoint's cache time-to-live)
			return ChronoUnit.MILLIS;
		}
	}

	/** Documented properties by full name, braces expanded. */
	private static Map<String, Row> documented() throws IOException {
		Map<String, Row> rows = new LinkedHashMap<>();
		for (String line : Files.readAllLines(REFERENCE, StandardCharsets.UTF_8)) {
			Matcher row = ROW.matcher(line);
			if (row.matches()) {
				for (String name : OperatorDocs.expand(row.group(1))) {
					Row previous = rows.put(name, new Row(row.group(2), row.group(3), row.group(4), row.group(5)));
					assertThat(previous).as("%s is documented twice", name).isNull();
				}
			}
		}
		assertThat(rows).as("property rows in %s", REFERENCE).isNotEmpty();
		return rows;
	}

	/**
	 * Whether the name binds as an entry would: {@code pool[n].weight} as {@code pool[0].weight},
	 * {@code exchanges.<id>.hosts} as {@code exchanges.binance.hosts}. The metadata has no name
	 * below an entry, so a misspelt one there ({@code pool[n].wieght}) is caught by the names the
	 * properties classes bind.
	 */
	private static boolean isBoundBelowTheEntry(String name) {
		String entry = name.replace("[n]", "[0]").replace("<id>", "binance").replaceAll("\\.\\*$", "");
		return UnknownProxyProperties.check(ConfigurationPropertyName.of(entry), null) == null;
	}

	/** The map or list property whose entries the name documents, or {@code null}. */
	private static String container(String name) {
		int entry = indexOfAny(name, "<", "[");
		return (entry < 0) ? null : name.substring(0, (name.charAt(entry) == '<') ? entry - 1 : entry);
	}

	private static int indexOfAny(String name, String... marks) {
		int first = -1;
		for (String mark : marks) {
			int index = name.indexOf(mark);
			if (index >= 0 && (first < 0 || index < first)) {
				first = index;
			}
		}
		return first;
	}

	private static boolean isMapOrList(Map<String, Object> property) {
		String type = (property != null) ? (String) property.get("type") : null;
		return type != null && (type.startsWith("java.util.Map<") || type.startsWith("java.util.List<"));
	}

	/**
	 * {@code java.util.List<a.b.Outer$Member>} as {@code List<Member>}; Boolean and Integer as
	 * {@code boolean} and {@code int}; enums as {@code enum}.
	 */
	static String simpleType(String type) {
		if (type == null) {
			return "";
		}
		switch (type) {
			case "java.lang.Boolean":
				return "boolean";
			case "java.lang.Integer":
				return "int";
			default:
		}
		if (!type.contains("<") && isEnum(type)) {
			return "enum";
		}
		return type.replaceAll("[\\w.]*[.$](\\w+)", "$1").replace(",", ", ");
	}

	private static boolean isEnum(String type) {
		try {
			return Class.forName(type, false, ConfigurationReferenceTests.class.getClassLoader()).isEnum();
		}
		catch (ClassNotFoundException ex) {
			return false;
		}
	}

	private static String firstCode(String cell) {
		Matcher code = FIRST_CODE.matcher(cell);
		return code.find() ? code.group(1) : "";
	}

	private static Map<String, Map<String, Object>> metadata() throws IOException {
		try (InputStream in = ConfigurationReferenceTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata").isNotNull();
			List<Map<String, Object>> properties = JsonPath.read(new String(in.readAllBytes(), StandardCharsets.UTF_8),
					"$.properties[*]");
			Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
			properties.forEach((property) -> byName.put((String) property.get("name"), property));
			return byName;
		}
	}

	private record Row(String type, String defaultValue, String example, String meaning) {
	}

}
