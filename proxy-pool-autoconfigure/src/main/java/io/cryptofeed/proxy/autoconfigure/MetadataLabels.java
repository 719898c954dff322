package io.cryptofeed.proxy.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks the free-form labels of a pool member or of the proxy service's client. No YAML or
 * environment variable binds a label without a name or value, but code that sets them can,
 * and the immutable copies the pools keep would then fail the start without saying where.
 */
final class MetadataLabels {

	/** A key Spring Boot writes after a dot; any other goes in brackets, as the binder takes it. */
	private static final Pattern DOTTED_KEY = Pattern.compile("[a-z0-9-]+");

	private MetadataLabels() {
	}

	/**
	 * What is wrong with the labels, none when each has a name and a value.
	 * @param path the property path of the map, e.g. {@code cryptofeed.proxy.default.http.pool[0].metadata}
	 */
	static List<ConfigurationViolation> violations(String path, Map<String, String> metadata) {
		List<ConfigurationViolation> violations = new ArrayList<>();
		metadata.forEach((name, value) -> {
			if (name == null) {
				violations.add(new ConfigurationViolation(path, null, "a label has no name",
						"give the label a name, or remove it"));
			}
			else if (value == null) {
				violations.add(new ConfigurationViolation(labelPath(path, name), null, "the label has no value",
						"give the label a value, or remove it"));
			}
		});
		return violations;
	}

	private static String labelPath(String path, String name) {
		return DOTTED_KEY.matcher(name).matches() ? path + "." + name : path + "[" + name + "]";
	}

}
