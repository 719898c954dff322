package io.cryptofeed.proxy.docs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's property names the pages quote in their prose and tables (configuration.md is
 * checked row by row by {@code ConfigurationReferenceTests}), against the configuration
 * metadata: a renamed property leaves an operator's override doing nothing. A quote may name a
 * group ({@code cryptofeed.proxy.connection-pool.*}), an entry of a map or list
 * ({@code pool[n].url}; an exchange's block as {@code exchanges.<id>.x} or
 * {@code exchanges[binance].x}, read as {@code default.x}), or a meter, which shares the
 * prefix. troubleshooting.md's start-up section is left out: it quotes wrong names on purpose.
 */
class DocumentedPropertyNamesTests {

	private static final Pattern NAME = Pattern
		.compile("`((?:cryptofeed\\.proxy|management\\.(?:health|endpoint)\\.proxypool)(?:\\.[^`\\s=:]*)?)");

	private static final Pattern RELATIVE = Pattern.compile("`((?:…\\.?)?[a-z][a-z-]*(?:\\[[^]`]*])?(?:\\.[a-z{][a-z,{}-]*(?:\\[[^]`]*])?)+(?:\\.\\*|\\.…)?)`");

	private static final Pattern EXCHANGE_BLOCK = Pattern.compile("^cryptofeed\\.proxy\\.exchanges(?:\\.[^.]+|\\[[^]]+])");

	@Test
	void everyPropertyAPageNamesExists() throws IOException {
		Map<String, String> metadata = metadata();
		Set<String> meters = DocumentedMetricsTests.documentedMeters().keySet();
		List<String> drifts = new ArrayList<>();
		int quoted = 0;
		for (Path page : OperatorDocs.pages()) {
			if (page.endsWith("configuration.md") || page.toString().endsWith(".json")) {
				continue;
			}
			String text = OperatorDocs.read(page);
			if (page.equals(OperatorDocs.TROUBLESHOOTING)) {
				text = text.replace(OperatorDocs.section(page, "## At start-up"), "");
			}
			Matcher name = NAME.matcher(text);
			while (name.find()) {
				quoted++;
				for (String expanded : OperatorDocs.expand(name.group(1))) {
					if (!known(expanded, metadata, meters)) {
						drifts.add(page + ": `" + name.group(1) + "` names no property of the configuration metadata"
								+ " nor a meter; properties that start alike: " + alike(expanded, metadata));
					}
				}
			}
		}
		assertThat(quoted).as("property names quoted in the pages").isGreaterThan(50);
		assertThat(drifts).as("property names the pages quote").isEmpty();
	}

	/**
	 * A name the pages give relative to its block ({@code failover.quiet-timeout},
	 * {@code rate-limit.cooldown}, {@code …health-check.timeout}) ends a property of the
	 * metadata, or names an entry of a list or map property ({@code pool[n].weight}). Only names
	 * whose first part is one of the starter's groups (a part of its properties' names with a
	 * dash, or {@code failover}, {@code budget}, {@code http}, {@code websocket}) are read as such.
	 */
	@Test
	void everyRelativePropertyNameAPageQuotesEndsAProperty() throws IOException {
		Map<String, String> metadata = metadata();
		Set<String> groups = new TreeSet<>();
		metadata.keySet()
			.stream()
			.filter((name) -> name.startsWith("cryptofeed.proxy."))
			.forEach((name) -> groups.addAll(List.of(name.substring("cryptofeed.proxy.".length()).split("\\."))));
		Set<String> plainGroups = Set.of("failover", "budget", "http", "websocket");
		groups.removeIf((group) -> !group.contains("-") && !plainGroups.contains(group));
		Set<String> suffixes = new TreeSet<>();
		metadata.keySet().forEach((name) -> {
			String[] parts = name.split("\\.");
			for (int i = 1; i < parts.length; i++) {
				suffixes.add(String.join(".", List.of(parts).subList(i, parts.length)));
			}
		});
		List<String> drifts = new ArrayList<>();
		int quoted = 0;
		for (Path page : OperatorDocs.pages()) {
			if (page.toString().endsWith(".json")) {
				continue;
			}
			String text = OperatorDocs.read(page);
			if (page.equals(OperatorDocs.TROUBLESHOOTING)) {
				text = text.replace(OperatorDocs.section(page, "## At start-up"), "");
			}
			Matcher name = RELATIVE.matcher(text);
			while (name.find()) {
				String relative = name.group(1).replaceAll("^…\\.?", "");
				if (!groups.contains(relative.split("[.\\[]")[0]) || !relative.contains(".")) {
					continue;
				}
				quoted++;
				for (String expanded : OperatorDocs.expand(relative)) {
					String property = expanded.replaceAll("\\[[^]]*]", "").replaceAll("(\\.\\*|\\.…)$", "");
					String container = "." + expanded.split("\\[")[0];
					boolean known = suffixes.contains(property)
							|| suffixes.stream().anyMatch((suffix) -> suffix.startsWith(property + "."))
							|| metadata.entrySet()
								.stream()
								.anyMatch((entry) -> entry.getKey().endsWith(container) && isMapOrList(entry.getValue()));
					if (!known) {
						drifts.add(page + ": `" + name.group(1) + "` ends no property of the configuration metadata");
					}
				}
			}
		}
		assertThat(quoted).as("relative property names quoted in the pages").isGreaterThan(30);
		assertThat(drifts).as("relative property names the pages quote").isEmpty();
	}

	private static boolean known(String quoted, Map<String, String> metadata, Set<String> meters) {
		// a group: `connection-pool.*`, `external-service.`, `exchanges.binance.us.…`
		String name = quoted.replaceAll("(\\.\\*|\\.…|\\.)$", "");
		if (meters.contains(name) || meters.stream().anyMatch((meter) -> meter.startsWith(name + "."))) {
			return true;
		}
		Matcher block = EXCHANGE_BLOCK.matcher(name);
		if (block.find()) {
			String rest = name.substring(block.end());
			if (rest.isEmpty() || rest.equals(".hosts") || rest.startsWith(".hosts[")) {
				return true;
			}
			return known("cryptofeed.proxy.default" + rest, metadata, meters);
		}
		if (name.contains("[")) {
			return isMapOrList(metadata.get(name.substring(0, name.indexOf('['))));
		}
		return metadata.containsKey(name) || metadata.keySet().stream().anyMatch((known) -> known.startsWith(name + "."));
	}

	private static boolean isMapOrList(String type) {
		return type != null && (type.startsWith("java.util.List<") || type.startsWith("java.util.Map<"));
	}

	private static List<String> alike(String name, Map<String, String> metadata) {
		String start = name.substring(0, name.lastIndexOf('.') + 1);
		return metadata.keySet().stream().filter((known) -> known.startsWith(start)).limit(12).toList();
	}

	/** Every property of the metadata, with its type. */
	private static Map<String, String> metadata() throws IOException {
		try (InputStream in = DocumentedPropertyNamesTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata").isNotNull();
			List<Map<String, Object>> properties = JsonPath.read(new String(in.readAllBytes(), StandardCharsets.UTF_8),
					"$.properties[*]");
			Map<String, String> types = new LinkedHashMap<>();
			properties.forEach((property) -> types.put((String) property.get("name"), (String) property.get("type")));
			return types;
		}
	}

}
