package io.cryptofeed.proxy.autoconfigure;

import java.beans.PropertyDescriptor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.cryptofeed.proxy.core.ExchangeIds;
import io.cryptofeed.proxy.core.ProxyUrls;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Finds the names under {@code cryptofeed.proxy} that no property of the starter binds, by
 * the names its properties classes define. Spring Boot ignores a name it cannot bind, so a
 * misspelt key ({@code pools}, {@code stratgy}, {@code exchange}) would leave the pools
 * without what it was meant to configure, or without any pool at all, and nothing would say
 * so. Each name found comes with the known name closest to it.
 *
 * <p>Environment variables are reported apart: a platform may set variables that nobody
 * wrote for the starter, so they warn rather than stop the application.
 */
final class UnknownProxyProperties {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of(ProxyProperties.PREFIX);

	private static final String ENV_PREFIX = "CRYPTOFEED_PROXY_";

	private static final Node STARTER = starter();

	private final List<ConfigurationViolation> written = new ArrayList<>();

	private final List<ConfigurationViolation> environmentVariables = new ArrayList<>();

	private UnknownProxyProperties() {
	}

	/** The unknown names the environment holds now. */
	static UnknownProxyProperties in(Environment environment) {
		UnknownProxyProperties unknown = new UnknownProxyProperties();
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return unknown;
		}
		Map<String, ConfigurationViolation> found = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.from(configurable.getPropertySources())) {
			Object underlying = source.getUnderlyingSource();
			String sourceName = (underlying instanceof PropertySource<?> propertySource) ? propertySource.getName() : "";
			if (sourceName.equals(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
				unknown.checkVariables((PropertySource<?>) underlying);
			}
			else if (source instanceof IterableConfigurationPropertySource iterable) {
				if (underlying instanceof EnumerablePropertySource<?> enumerable) {
					droppedCharacters(enumerable).forEach((violation) -> found.putIfAbsent(violation.property(), violation));
				}
				List<ConfigurationViolation> into = sourceName.equals(LegacyEnvironmentVariables.PROPERTY_SOURCE_NAME)
						? unknown.environmentVariables : null;
				iterable.stream().filter(PREFIX::isAncestorOf).forEach((name) -> {
					ConfigurationViolation violation = check(name, iterable.getConfigurationProperty(name));
					if (violation != null && into != null) {
						into.add(violation);
					}
					else if (violation != null) {
						found.putIfAbsent(violation.property(), violation);
					}
				});
			}
		}
		unknown.written.addAll(found.values());
		return unknown;
	}

	/**
	 * Exchange ids written outside brackets with a character ids may not have
	 * ({@code binance/us:}, {@code binance us:} in YAML): Boot drops it from the name without a
	 * word and binds another id ({@code binanceus}), which requests naming the id as written
	 * would not find. Read from the names as the source writes them, since Boot's have lost it.
	 */
	private static List<ConfigurationViolation> droppedCharacters(EnumerablePropertySource<?> source) {
		String exchanges = ProxyProperties.PREFIX + ".exchanges.";
		Map<String, ConfigurationViolation> found = new LinkedHashMap<>();
		for (String written : source.getPropertyNames()) {
			if (!written.regionMatches(true, 0, exchanges, 0, exchanges.length())) {
				continue;
			}
			int end = written.indexOf('.', exchanges.length());
			String id = written.substring(exchanges.length(), (end >= 0) ? end : written.length());
			int odd = ExchangeIds.oddCharacter(id);
			if (odd >= 0 && !id.startsWith("[")) {
				String property = ProxyUrls.maskWords(exchanges + id);
				found.putIfAbsent(property, new ConfigurationViolation(property, null,
						"the exchange id holds '" + id.charAt(odd) + "', which Spring Boot drops from a key outside"
								+ " brackets: it would bind another id",
						"name the exchange with letters, digits, '-', '_' and '.' only, e.g. binance-us"));
			}
		}
		return List.copyOf(found.values());
	}

	/** Unknown names written in files, arguments and other sources: the configuration is invalid. */
	List<ConfigurationViolation> written() {
		return this.written;
	}

	/** Unknown environment variables named {@code CRYPTOFEED_PROXY_…}: worth a warning. */
	List<ConfigurationViolation> environmentVariables() {
		return this.environmentVariables;
	}

	/** The violation of a name no property binds, with the name meant; {@code null} for a known name. */
	static ConfigurationViolation check(ConfigurationPropertyName name, ConfigurationProperty property) {
		List<String> elements = new ArrayList<>();
		for (int i = PREFIX.getNumberOfElements(); i < name.getNumberOfElements(); i++) {
			elements.add(name.getElement(i, Form.UNIFORM));
		}
		Miss miss = walk(STARTER, elements, 0, false);
		if (miss == null) {
			return null;
		}
		ConfigurationViolation dotted = dottedExchangeId(name, elements);
		if (dotted != null) {
			return dotted;
		}
		int at = PREFIX.getNumberOfElements() + miss.index();
		String suggestion = (miss.closest() != null) ? name.chop(at) + "." + miss.closest()
				+ name.toString().substring(name.chop(at + 1).toString().length()) : null;
		String origin = (property != null && property.getOrigin() != null) ? " (" + property.getOrigin() + ")" : "";
		// a map key may be anything, a proxy URL written as one included
		return new ConfigurationViolation(ProxyUrls.maskWords(name.toString()), null,
				"no property of the starter has this name, so it configures nothing" + origin,
				fix(ProxyUrls.maskWords(suggestion)));
	}

	/**
	 * The violation of a name whose exchange id holds a dot, written as a plain YAML key
	 * ({@code binance.us:}), which YAML flattens into two names: Boot binds an exchange
	 * {@code binance} and finds no property {@code us}. {@code null} when the name reads as
	 * no such id.
	 */
	private static ConfigurationViolation dottedExchangeId(ConfigurationPropertyName name, List<String> elements) {
		Child exchanges = ((Bean) STARTER).children().get("exchanges");
		if (elements.size() < 4 || !elements.get(0).equals("exchanges")) {
			return null;
		}
		Node exchange = ((Entries) exchanges.node()).value();
		if (((Bean) exchange).children().containsKey(elements.get(2))) {
			// a property in the wrong place (binance.http.hosts), not a second part of the id
			return null;
		}
		int first = PREFIX.getNumberOfElements() + 1;
		for (int last = 2; last < elements.size() - 1; last++) {
			if (walk(exchange, elements, last + 1, false) == null) {
				List<String> id = new ArrayList<>();
				for (int i = first; i <= PREFIX.getNumberOfElements() + last; i++) {
					id.add(name.getElement(i, Form.ORIGINAL));
				}
				String key = ProxyUrls.maskWords(String.join(".", id));
				String rest = name.toString().substring(name.chop(first + id.size()).toString().length());
				return new ConfigurationViolation(ProxyUrls.maskWords(name.toString()), null,
						ProxyUrls.maskWords("an exchange id with a dot is read as two names: exchange '" + id.get(0)
								+ "', and a property '" + id.get(1) + "' that it does not have"),
						"write the id in brackets: \"[" + key + "]\": as the key in YAML, quotes and all, or "
								+ ProxyProperties.PREFIX + ".exchanges[" + key + "]" + ProxyUrls.maskWords(rest)
								+ " in a properties file");
			}
		}
		return null;
	}

	private void checkVariables(PropertySource<?> systemEnvironment) {
		if (!(systemEnvironment instanceof EnumerablePropertySource<?> variables)) {
			return;
		}
		for (String variable : variables.getPropertyNames()) {
			// the double-underscore form is mapped to properties by LegacyEnvironmentVariables and checked there
			if (!variable.regionMatches(true, 0, ENV_PREFIX, 0, ENV_PREFIX.length()) || variable.contains("__")) {
				continue;
			}
			List<String> elements = List
				.of(variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).split("_"));
			Miss miss = walk(STARTER, elements, 0, true);
			if (miss != null) {
				String joinedId = (miss.index() == 2) ? variableWithJoinedExchangeId(elements) : null;
				this.environmentVariables.add(new ConfigurationViolation(variable, null,
						"no property of the starter has this name, so it configures nothing",
						(joinedId != null) ? "did you mean " + joinedId + "? A variable writes an exchange id without"
								+ " its '-' and '_', which Spring reads as dots" : fix(variableFor(elements, miss))));
			}
		}
	}

	/**
	 * The variable with the words of an exchange id joined, where they make a known name:
	 * {@code EXCHANGES_GATE_IO_HTTP_URL} is exchange {@code gate} with a property {@code io} to
	 * Spring, and {@code EXCHANGES_GATEIO_HTTP_URL} the exchange {@code gate_io} (or
	 * {@code gate-io}); {@code null} when no joining does.
	 */
	private static String variableWithJoinedExchangeId(List<String> words) {
		if (!words.get(0).equals("exchanges")) {
			return null;
		}
		// the id takes two words or more, and leaves at least one for the property
		for (int idEnd = 3; idEnd < words.size(); idEnd++) {
			List<String> joined = new ArrayList<>();
			joined.add("exchanges");
			joined.add(String.join("", words.subList(1, idEnd)));
			joined.addAll(words.subList(idEnd, words.size()));
			if (walk(STARTER, joined, 0, true) == null) {
				return ENV_PREFIX + String.join("_", joined).toUpperCase(Locale.ROOT);
			}
		}
		return null;
	}

	/** The variable with the closest name in place of the word that matched none, if there is one. */
	private static String variableFor(List<String> words, Miss miss) {
		if (miss.closest() == null) {
			return null;
		}
		List<String> corrected = new ArrayList<>(words);
		corrected.set(miss.index(), miss.closest().replace('-', '_'));
		return ENV_PREFIX + String.join("_", corrected).toUpperCase(Locale.ROOT);
	}

	private static String fix(String suggestion) {
		return ((suggestion != null) ? "did you mean " + suggestion + "? " : "")
				+ "Correct or remove it; the configuration reference lists every property";
	}

	/**
	 * Where the elements leave the known names: the first element no property matches, with
	 * the name closest to it there, or {@code null} when every element matches.
	 * @param joinElements whether a property's name may span several elements, as the words of
	 * {@code CONNECT_TIMEOUT} do in an environment variable
	 */
	private static Miss walk(Node node, List<String> elements, int index, boolean joinElements) {
		if (index == elements.size() || node instanceof Leaf) {
			return (index == elements.size()) ? null : new Miss(index, null);
		}
		if (node instanceof Entries entries) {
			// Boot binds the rest of the name as one key of a map of text: metadata.zone.primary is key zone.primary
			if (entries.keyTakesTheRest() && entries.value() instanceof Leaf) {
				return null;
			}
			// any map key or list index
			return walk(entries.value(), elements, index + 1, joinElements);
		}
		Bean bean = (Bean) node;
		Miss deepest = null;
		String joined = "";
		for (int end = index; end < elements.size() && (end == index || joinElements); end++) {
			joined += elements.get(end);
			Child child = bean.children().get(joined);
			if (child != null) {
				Miss miss = walk(child.node(), elements, end + 1, joinElements);
				if (miss == null) {
					return null;
				}
				deepest = (deepest == null || miss.index() > deepest.index()) ? miss : deepest;
			}
		}
		return (deepest != null) ? deepest : new Miss(index, closest(bean, elements.get(index)));
	}

	/** The property of the bean whose name is fewest edits away, if it is close enough to be a slip. */
	private static String closest(Bean bean, String element) {
		String best = null;
		int bestDistance = Math.max(1, element.length() / 3) + 1;
		for (Map.Entry<String, Child> child : bean.children().entrySet()) {
			int distance = distance(element, child.getKey());
			if (distance < bestDistance) {
				best = child.getValue().name();
				bestDistance = distance;
			}
		}
		return best;
	}

	/** Levenshtein distance. */
	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	/** The names under {@code cryptofeed.proxy}, with the two blocks bound by classes of their own. */
	private static Node starter() {
		Bean root = (Bean) node(ProxyProperties.class);
		Map<String, Child> children = new TreeMap<>(root.children());
		children.put("externalservice", new Child("external-service", node(ExternalServiceProperties.class)));
		children.put("serviceserver", new Child("service-server", node(ServiceServerProperties.class)));
		return new Bean(children);
	}

	/** The names a properties type binds, read off its getters, named as Spring Boot's binder names them. */
	private static Node node(Type type) {
		Class<?> raw = (type instanceof ParameterizedType parameterized) ? (Class<?>) parameterized.getRawType()
				: (Class<?>) type;
		if (Map.class.isAssignableFrom(raw) || Collection.class.isAssignableFrom(raw)) {
			Type[] arguments = ((ParameterizedType) type).getActualTypeArguments();
			return new Entries(node(arguments[arguments.length - 1]), Map.class.isAssignableFrom(raw));
		}
		if (raw.isEnum() || !raw.getPackageName().equals(UnknownProxyProperties.class.getPackageName())) {
			return new Leaf();
		}
		Map<String, Child> children = new TreeMap<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(raw)) {
			if (descriptor.getReadMethod() != null && !descriptor.getName().equals("class")) {
				String property = DataObjectPropertyName.toDashedForm(descriptor.getName());
				children.put(ConfigurationPropertyName.of(property).getElement(0, Form.UNIFORM),
						new Child(property, node(descriptor.getReadMethod().getGenericReturnType())));
			}
		}
		return new Bean(children);
	}

	private sealed interface Node permits Bean, Entries, Leaf {
	}

	/** A properties class: its properties by uniform name. */
	private record Bean(Map<String, Child> children) implements Node {
	}

	/**
	 * A map or list: any key or index, then its values.
	 * @param keyTakesTheRest whether a key may span several elements (a map's, where its values
	 * are text)
	 */
	private record Entries(Node value, boolean keyTakesTheRest) implements Node {
	}

	/** A value: nothing below it. */
	private record Leaf() implements Node {
	}

	private record Child(String name, Node node) {
	}

	private record Miss(int index, String closest) {
	}

}
