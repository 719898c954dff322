package io.cryptofeed.proxy.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
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
