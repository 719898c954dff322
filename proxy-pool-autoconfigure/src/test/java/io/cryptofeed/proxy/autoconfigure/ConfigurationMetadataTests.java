package io.cryptofeed.proxy.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The IDE help users get: generated from the Javadoc of {@link ProxyProperties}, plus hints. */
class ConfigurationMetadataTests {

	@Test
	void everyPropertyHasADescription() throws IOException {
		List<Map<String, Object>> properties = JsonPath.read(metadata(), "$.properties[*]");
		assertThat(properties).hasSizeGreaterThan(20)
			.allSatisfy((property) -> assertThat((String) property.get("description")).as("%s", property.get("name"))
				.isNotBlank()
				.endsWith("."));
	}

	@Test
	void strategiesAndHealthMethodsHaveHints() throws IOException {
		String json = metadata();
		List<String> strategies = JsonPath.read(json,
				"$.hints[?(@.name == 'cryptofeed.proxy.default.http.strategy')].values[*].value");
		assertThat(strategies).containsExactly("round-robin", "random", "least-connections", "weighted");
		List<String> methods = JsonPath.read(json,
				"$.hints[?(@.name == 'cryptofeed.proxy.default.websocket.health-check.method')].values[*].value");
		assertThat(methods).containsExactly("tcp", "http", "ping");
	}

	/**
	 * An IDE completes an enum's constants by itself, but shows what each one means only from
	 * a hint: every enum of the starter's own gets one, a value and a description per constant.
	 */
	@Test
	void everyEnumPropertyOfTheStarterHasAHintPerConstant() throws IOException {
		String json = metadata();
		List<Map<String, Object>> properties = JsonPath.read(json, "$.properties[*]");
		List<Map<String, Object>> enums = properties.stream()
			.filter((property) -> starterEnum((String) property.get("type")) != null)
			.toList();
		assertThat(enums).hasSizeGreaterThan(4).allSatisfy((property) -> {
			String name = (String) property.get("name");
			List<String> expected = Arrays.stream(starterEnum((String) property.get("type")).getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.toList();
			List<Map<String, Object>> values = JsonPath.read(json,
					"$.hints[?(@.name == '" + name + "')].values[*]");
			assertThat(values).as("hint values of %s", name)
				.extracting((value) -> value.get("value"))
				.containsExactlyInAnyOrderElementsOf(expected);
			assertThat(values).as("hint descriptions of %s", name)
				.allSatisfy((value) -> assertThat((String) value.get("description")).isNotBlank());
		});
	}

	/** connect-timeout is the connection's: the original key is the response timeout, as 'timeout' is. */
	@Test
	void theOriginalTimeoutKeyIsDescribedAsTheResponseTimeoutItSets() throws IOException {
		for (String type : List.of("http", "websocket")) {
			List<String> description = JsonPath.read(metadata(),
					"$.properties[?(@.name == 'cryptofeed.proxy.default." + type + ".timeout-seconds')].description");
			assertThat(description).singleElement()
				.asString()
				.startsWith("Response timeout")
				.doesNotContainIgnoringCase("connection timeout");
		}
	}

	@Test
	void keyAndTrustStoreTypesHaveHints() throws IOException {
		String json = metadata();
		for (String name : List.of("cryptofeed.proxy.external-service.key-store-type",
				"cryptofeed.proxy.external-service.trust-store-type")) {
			List<String> types = JsonPath.read(json, "$.hints[?(@.name == '" + name + "')].values[*].value");
			assertThat(types).as(name).containsExactly("PKCS12", "JKS");
		}
	}

	private static Class<?> starterEnum(String type) {
		if (type == null || !type.startsWith("io.cryptofeed.")) {
			return null;
		}
		try {
			Class<?> found = Class.forName(type, false, ConfigurationMetadataTests.class.getClassLoader());
			return found.isEnum() ? found : null;
		}
		catch (ClassNotFoundException ex) {
			return null;
		}
	}

	@Test
	void thePublicPropertyNamesAreThere() throws IOException {
		List<String> names = JsonPath.read(metadata(), "$.properties[*].name");
		assertThat(names).contains("cryptofeed.proxy.enabled", "cryptofeed.proxy.exchanges",
				"cryptofeed.proxy.default.http.url", "cryptofeed.proxy.default.http.timeout",
				"cryptofeed.proxy.default.http.pool", "cryptofeed.proxy.default.websocket.strategy",
				"cryptofeed.proxy.default.websocket.health-check.interval");
	}

	@Test
	void rateLimitDefaultsAreDocumented() throws IOException {
		String json = metadata();
		List<Object> statuses = JsonPath.read(json,
				"$.properties[?(@.name == 'cryptofeed.proxy.default.rate-limit.statuses')].defaultValue");
		assertThat(statuses).singleElement().asList().containsExactly(429, 418, 451, 403);
		List<String> cooldown = JsonPath.read(json,
				"$.properties[?(@.name == 'cryptofeed.proxy.default.rate-limit.cooldown')].description");
		assertThat(cooldown).singleElement().asString().contains("Retry-After");
		List<String> budget = JsonPath.read(json, "$.properties[*].name");
		assertThat(budget).contains("cryptofeed.proxy.default.websocket.budget.max-connects",
				"cryptofeed.proxy.default.http.budget.max-requests", "cryptofeed.proxy.default.http.budget.window",
				"cryptofeed.proxy.default.rate-limit.retry-on-cooldown");
	}

	private static String metadata() throws IOException {
		try (InputStream in = ConfigurationMetadataTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata").isNotNull();
			return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
	}

}
