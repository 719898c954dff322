package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.cryptofeed.proxy.core.ProxyUrls;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Reports values under {@code cryptofeed.proxy} that cannot even be bound (a word where a
 * number belongs, a string where a list belongs). Runs before Spring Boot's own analyzer
 * because that one prints the raw value and the converter's message, which may hold a
 * proxy password.
 */
class ProxyBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

	/** Far beyond any pool: the loop looks for a gap, not through every index a typo may hold. */
	private static final int MAX_INDEX_CHECKED = 10_000;

	private final Environment environment;

	ProxyBindFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		ConfigurationProperty property = cause.getProperty();
		String name = (property != null) ? property.getName().toString() : cause.getName().toString();
		if (!name.startsWith(ProxyProperties.PREFIX + ".") && !name.equals(ProxyProperties.PREFIX)) {
			return null;
		}
		StringBuilder description = new StringBuilder("A proxy property could not be bound:\n\n    Property: ")
			.append(name);
		String value = valueOf(cause, this.environment);
		if (value != null) {
			description.append("\n    Value: \"").append(shown(value)).append('"');
		}
		if (property != null && property.getOrigin() != null) {
			description.append("\n    Origin: ").append(property.getOrigin());
		}
		if (cause.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
			Integer missing = missingIndex(name, unbound, this.environment);
			return (missing != null) ? listWithAGap(name, missing, description, unbound, cause)
					: splitList(name, description, unbound, cause);
		}
		ResolvableType type = cause.getTarget().getType();
		description.append("\n    Reason: the value is not a valid ").append(simpleName(type.toString()));
		appendTheOthers(name, description);
		return new FailureAnalysis(description.toString(),
				action(name, type.resolve(Object.class), (value != null) ? value.strip() : ""), cause);
	}

	/**
	 * The other values under {@code cryptofeed.proxy} that cannot be read: Boot stops at the
	 * first, and each would otherwise take a start of its own to be found.
	 */
	private void appendTheOthers(String name, StringBuilder description) {
		if (!(this.environment instanceof ConfigurableEnvironment)) {
			return;
		}
		List<ConfigurationViolation> others;
		try {
			others = UnreadableValues.bind(this.environment)
				.violations()
				.stream()
				.filter((violation) -> !violation.property().equals(name))
				.toList();
		}
		catch (RuntimeException ex) {
			// a failure of another kind (a list set in two places) ends the search: the first is reported
			return;
		}
		if (!others.isEmpty()) {
			description.append("\n\nThese proxy properties cannot be bound either:");
			others.forEach((violation) -> description.append("\n\n    ").append(violation));
		}
	}

	/**
	 * The value that could not be bound: Boot forgets it when it tried a block's settings after
	 * the value ({@code health-check: false}), so it is then read from the environment.
	 */
	static String valueOf(BindException cause, Environment environment) {
		ConfigurationProperty property = cause.getProperty();
		if (property != null) {
			return (property.getValue() != null) ? property.getValue().toString() : null;
		}
		try {
			return environment.getProperty(cause.getName().toString());
		}
		catch (RuntimeException ex) {
			// a placeholder nothing resolves: no value to show
			return null;
		}
	}

	/**
	 * A value that could not be bound, as a report may show it: a URL's user info masked and
	 * its query and fragment left out, as either may hold a key ({@code ?apikey=…}).
	 */
	static String shown(String value) {
		return value.contains("://") ? ProxyUrls.maskedWithoutQuery(value) : ProxyUrls.mask(value);
	}

	/**
	 * Some elements of a list are set in a source of higher priority than the rest, say an
	 * environment variable that disables one member of a pool written in application.yml:
	 * Spring Boot takes a list from one source only, so those elements come without the others.
	 */
	private static FailureAnalysis splitList(String name, StringBuilder description,
			UnboundConfigurationPropertiesException unbound, BindException cause) {
		description.append("\n    Reason: the list is set in more than one place. Spring Boot takes a list from one")
			.append(" source only,\n    the one of highest priority, so these elements came without the rest of it:");
		appendUnbound(description, unbound);
		String action = "Set the whole list " + name + " in one place: write every element there (each member's url"
				+ " and the settings you change), or make the change where the list is written. An environment"
				+ " variable or command-line argument that sets one element replaces the whole list from"
				+ " application.yml.";
		return new FailureAnalysis(description.toString(), action, cause);
	}

	/**
	 * The index below the elements left unbound that their source skips, or {@code null} when
	 * the elements below them are set in another source. Spring Boot binds a list's elements
	 * from {@code [0]} up to the first index missing, and from one source only: {@code pool[0]}
	 * and {@code pool[2]} in one file leave {@code pool[2]} unbound, as {@code pool[1].enabled}
	 * in an environment variable beside a pool in application.yml does, for another reason.
	 */
	static Integer missingIndex(String list, UnboundConfigurationPropertiesException unbound, Environment environment) {
		if (!(environment instanceof ConfigurableEnvironment)) {
			return null;
		}
		ConfigurationPropertyName listName = ConfigurationPropertyName.of(list);
		int lowestUnbound = Integer.MAX_VALUE;
		Set<Object> unboundSources = new HashSet<>();
		for (ConfigurationProperty element : unbound.getUnboundProperties()) {
			ConfigurationPropertyName name = element.getName();
			if (name.getNumberOfElements() > listName.getNumberOfElements()
					&& name.isNumericIndex(listName.getNumberOfElements())) {
				String index = name.getElement(listName.getNumberOfElements(), Form.ORIGINAL);
				lowestUnbound = Math.min(lowestUnbound, Integer.parseInt(index));
			}
			if (element.getSource() != null) {
				unboundSources.add(element.getSource().getUnderlyingSource());
			}
		}
		Integer missing = null;
		for (int i = 0; i < lowestUnbound && i < MAX_INDEX_CHECKED; i++) {
			ConfigurationPropertyName element = ConfigurationPropertyName.of(list + "[" + i + "]");
			boolean inTheirSource = false;
			boolean elsewhere = false;
			for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
				if (isSet(element, source)) {
					inTheirSource |= unboundSources.contains(source.getUnderlyingSource());
					elsewhere |= !unboundSources.contains(source.getUnderlyingSource());
				}
			}
			if (elsewhere && !inTheirSource) {
				return null;
			}
			if (!inTheirSource && missing == null) {
				missing = i;
			}
		}
		return missing;
	}

	private static boolean isSet(ConfigurationPropertyName element, ConfigurationPropertySource source) {
		return source.getConfigurationProperty(element) != null
				|| source.containsDescendantOf(element) == ConfigurationPropertyState.PRESENT;
	}

	/** Elements set after an index their source skips: Spring Boot stops at the gap. */
	private static FailureAnalysis listWithAGap(String name, int missing, StringBuilder description,
			UnboundConfigurationPropertiesException unbound, BindException cause) {
		description.append("\n    Reason: the list has no element [")
			.append(missing)
			.append("]. Spring Boot binds a list's elements from [0] up to the first index\n    missing,")
			.append(" so these elements after it were left out:");
		appendUnbound(description, unbound);
		String action = "Number the elements of " + name + " from [0] without a gap: renumber the ones after ["
				+ missing + "], or write the list in YAML as a list of '- ' entries, which has no indexes to skip.";
		return new FailureAnalysis(description.toString(), action, cause);
	}

	/** Lists the elements left unbound, each with where it was set. */
	private static void appendUnbound(StringBuilder description, UnboundConfigurationPropertiesException unbound) {
		unbound.getUnboundProperties().forEach((element) -> {
			description.append("\n        ").append(element.getName());
			if (element.getOrigin() != null) {
				description.append(" (").append(element.getOrigin()).append(')');
			}
		});
	}

	/** The type's name without packages, nested names joined with a dot: List<ProxyProperties.Member>. */
	static String simpleName(String type) {
		return type.replaceAll("(?:[a-z_][\\w]*\\.)+", "").replace('$', '.');
	}

	/**
	 * The fix for the value's type first, so that a member's {@code enabled} or a cooldown gets
	 * the fix of a switch or a duration, not the one of a pool or of nothing in particular.
	 */
	static String action(String name, Class<?> type, String value) {
		if (name.endsWith(".weight")) {
			return "Set " + name + " to a whole number of 1 or more.";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "Set " + name + " to true or false.";
		}
		if (type == Duration.class) {
			return "Set " + name + " to a duration such as 30s (a bare number means seconds).";
		}
		if (type == DataSize.class) {
			return "Set " + name + " to a size such as 8MB or 64KB.";
		}
		if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
			return "Set " + name + " to a whole number.";
		}
		if (type.isEnum()) {
			return "Set " + name + " to one of " + Arrays.stream(type.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.collect(Collectors.joining(", ")) + ".";
		}
		if (name.matches(".*\\.pool\\[\\d+]")) {
			return "Write " + name + " as one member with a url, e.g.\n"
					+ "    pool:\n      - url: socks5://10.0.0.6:1080\n        weight: 2";
		}
		if (name.endsWith(".pool")) {
			return "Write " + name + " as a list of members, each with a url, e.g.\n"
					+ "    pool:\n      - url: socks5://10.0.0.6:1080\n        weight: 2";
		}
		if (type.getPackageName().equals(ProxyBindFailureAnalyzer.class.getPackageName())) {
			return blockAction(name, type, value);
		}
		return "Update " + name + " in your application's configuration; see the proxy-pool configuration reference.";
	}

	/**
	 * A block of settings written as one value: {@code health-check: false} meant its switch,
	 * {@code http: socks5://…} its url.
	 */
	private static String blockAction(String name, Class<?> type, String value) {
		List<String> settings = Arrays.stream(BeanUtils.getPropertyDescriptors(type))
			.filter((descriptor) -> descriptor.getReadMethod() != null && !descriptor.getName().equals("class"))
			.map((descriptor) -> DataObjectPropertyName.toDashedForm(descriptor.getName()))
			.sorted()
			.toList();
		String block = name + " is a block of settings (" + String.join(", ", settings) + "), not one value";
		boolean switchValue = value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
		if (switchValue && settings.contains("enabled")) {
			return "Set " + name + ".enabled to " + value.toLowerCase(Locale.ROOT) + ": " + block + ".";
		}
		if (value.contains("://") && settings.contains("url")) {
			return "Set " + name + ".url to the URL: " + block + ".";
		}
		return "Write " + name + " as its settings, e.g. " + name + "." + settings.get(0) + ": " + block + ".";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
