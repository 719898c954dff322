package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.cryptofeed.proxy.core.ProxyUrls;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Reports values under {@code cryptofeed.proxy} that cannot even be bound (a word where a
 * number belongs, a string where a list belongs). Runs before Spring Boot's own analyzer
 * because that one prints the raw value and the converter's message, which may hold a
 * proxy password.
 */
class ProxyBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

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
			return splitList(name, description, unbound, cause);
		}
		ResolvableType type = cause.getTarget().getType();
		description.append("\n    Reason: the value is not a valid ").append(simpleName(type.toString()));
		return new FailureAnalysis(description.toString(),
				action(name, type.resolve(Object.class), (value != null) ? value.strip() : ""), cause);
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
		unbound.getUnboundProperties().forEach((element) -> {
			description.append("\n        ").append(element.getName());
			if (element.getOrigin() != null) {
				description.append(" (").append(element.getOrigin()).append(')');
			}
		});
		String action = "Set the whole list " + name + " in one place: write every element there (each member's url"
				+ " and the settings you change), or make the change where the list is written. An environment"
				+ " variable or command-line argument that sets one element replaces the whole list from"
				+ " application.yml.";
		return new FailureAnalysis(description.toString(), action, cause);
	}

	/** The type's name without packages, nested names joined with a dot: List<ProxyProperties.Member>. */
	static String simpleName(String type) {
		return type.replaceAll("(?:[a-z_][\\w]*\\.)+", "").replace('$', '.');
	}

	/**
	 * The fix for the value's type first, so that a member's {@code enabled} or a cooldown gets
	 * the fix of a switch or a duration, not the one of a pool or of nothing in particular.
	 */
	private static String action(String name, Class<?> type, String value) {
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
