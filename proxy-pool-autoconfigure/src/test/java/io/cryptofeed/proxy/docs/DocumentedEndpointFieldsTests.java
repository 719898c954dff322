package io.cryptofeed.proxy.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cryptofeed.proxy.actuate.ProxyPoolEndpoint;
import io.cryptofeed.proxy.actuate.ProxyPoolEndpointWebExtension;
import io.cryptofeed.proxy.actuate.ProxyPoolHealthIndicator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The field names operations.md gives for the {@code proxypool} endpoint (its field table, its
 * examples, the reload fields) and for the {@code proxyPool} health details, against the JSON a
 * running starter answers, both ways: a documented field the JSON lacks, and a field of the JSON
 * the page never names. The JSON is written with nulls, so fields that show only with a value
 * (health records, {@code lastRejected}) are there.
 */
class DocumentedEndpointFieldsTests {

	private static final Pattern JSON_KEY = Pattern.compile("\"([^\"]+)\"\\s*:");

	private static final Pattern REQUEST_BODY = Pattern.compile("\\{\"action\":\"[a-z]+\"}");

	private static final Pattern FIELD_NAME = Pattern.compile("[a-z][A-Za-z]*");

	private static final Pattern POOL_DETAILS = Pattern.compile("\"[a-z]+/(?:http|websocket)\"\\s*:\\s*\\{([^}]*)}");

	private final JsonMapper json = new JsonMapper();

	@Test
	void theEndpointsFieldsAreTheDocumentedOnes() {
		String section = OperatorDocs.section(OperatorDocs.OPERATIONS, "## The `proxypool` endpoint");
		Set<String> tableFields = new TreeSet<>();
		Set<String> exampleKeys = new TreeSet<>();
		for (List<String> row : OperatorDocs.table(section, "field")) {
			tableFields.addAll(OperatorDocs.quoted(row.get(0)));
			if (row.get(0).equals("`exchangeLimits`")) {
				OperatorDocs.quoted(row.get(1))
					.stream()
					.filter((name) -> FIELD_NAME.matcher(name).matches())
					.forEach(tableFields::add);
			}
		}
		// the requests' bodies are no answer
		JSON_KEY.matcher(REQUEST_BODY.matcher(section).replaceAll(""))
			.results()
			.map((key) -> key.group(1))
			.forEach(exampleKeys::add);
		String reloading = OperatorDocs.section(OperatorDocs.OPERATIONS, "## Reloading configuration");
		Matcher reloadFields = Pattern.compile("shows the rejection under `reload`\\s*\\(([^)]*)\\)").matcher(reloading);
		assertThat(reloadFields.find()).as("%s names the reload fields", OperatorDocs.OPERATIONS).isTrue();
		tableFields.addAll(OperatorDocs.quoted(reloadFields.group(1)));

		RunningStarter.run((context) -> {
			ProxyPoolEndpoint endpoint = context.getBean(ProxyPoolEndpoint.class);
			Set<String> answered = new TreeSet<>();
			collectKeys(this.json.valueToTree(endpoint.pools()), answered);
			Object refused = context.getBean(ProxyPoolEndpointWebExtension.class)
				.memberAction("default", "http", "no-such-member:1", "drain")
				.getBody();
			collectKeys(this.json.valueToTree(refused), answered);

			List<String> drifts = new ArrayList<>();
			tableFields.stream()
				.filter((field) -> !answered.contains(field))
				.forEach((field) -> drifts.add(OperatorDocs.OPERATIONS + ": the field `" + field
						+ "` is documented, but the endpoint answers no such field; it answers " + answered));
			exampleKeys.stream()
				.filter((field) -> !answered.contains(field))
				.forEach((field) -> drifts.add(OperatorDocs.OPERATIONS + ": the example shows `\"" + field
						+ "\"`, but the endpoint answers no such field; it answers " + answered));
			Set<String> named = new TreeSet<>(tableFields);
			named.addAll(exampleKeys);
			named.addAll(OperatorDocs.quoted(section));
			answered.stream()
				.filter((field) -> !named.contains(field))
				.forEach((field) -> drifts.add("the endpoint answers `" + field + "`, which the proxypool section of "
						+ OperatorDocs.OPERATIONS + " does not name"));
			assertThat(drifts).as("proxypool endpoint fields, documented and answered").isEmpty();
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void theHealthDetailsAreTheDocumentedOnes() {
		Matcher example = POOL_DETAILS.matcher(OperatorDocs.section(OperatorDocs.OPERATIONS, "## Health"));
		Set<String> documented = new TreeSet<>();
		while (example.find()) {
			JSON_KEY.matcher(example.group(1)).results().map((key) -> key.group(1)).forEach(documented::add);
		}
		assertThat(documented).as("pool details in the health example of %s", OperatorDocs.OPERATIONS).isNotEmpty();
		RunningStarter.run((context) -> {
			Map<String, Object> details = context.getBean(ProxyPoolHealthIndicator.class).health().getDetails();
			assertThat(details).isNotEmpty();
			details.forEach((pool, counts) -> assertThat(new TreeSet<>(((Map<String, ?>) counts).keySet()))
				.as("%s: the health details of pool %s, as the example shows them", OperatorDocs.OPERATIONS, pool)
				.containsExactlyInAnyOrderElementsOf(documented));
		});
	}

	/** Every object key in the tree, map keys (exchange ids under {@code exchangeLimits}) included. */
	private static void collectKeys(JsonNode node, Set<String> keys) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> property : node.properties()) {
				keys.add(property.getKey());
				collectKeys(property.getValue(), keys);
			}
		}
		else if (node.isArray()) {
			node.forEach((element) -> collectKeys(element, keys));
		}
	}

}
