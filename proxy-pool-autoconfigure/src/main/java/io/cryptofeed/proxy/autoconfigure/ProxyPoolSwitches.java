package io.cryptofeed.proxy.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.core.ProxyUrls;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Checks the starter's on-off switches at start-up, whether or not they are on, since a
 * switch that is off leaves nothing else to notice a mistake. Spring Boot's conditions turn a
 * part on only for the text {@code true}: any other value, {@code ture} or {@code yes}, would
 * leave it off without a word, and the pools' traffic would go direct from the application's
 * own address. Such a value stops the start. Pools that are configured, and the proxy
 * service's client or server switched on, while {@code cryptofeed.proxy.enabled} is not
 * {@code true} are named in a log line (a warning when it is not set at all), with any name
 * under {@code cryptofeed.proxy} that no property binds ({@code enabeld}, say).
 */
final class ProxyPoolSwitches {

	private static final Log logger = LogFactory.getLog(ProxyPoolSwitches.class);

	private static final String ENABLED = ProxyProperties.PREFIX + ".enabled";

	private static final String SERVICE_CLIENT = ExternalServiceProperties.PREFIX + ".enabled";

	private static final String SERVICE_SERVER = ServiceServerProperties.PREFIX + ".enabled";

	/** The switches besides the pools' own, each read by a condition of Spring Boot's. */
	static final List<String> PART_SWITCHES = List.of(ProxyProperties.PREFIX + ".circuit-breaker.enabled",
			SERVICE_CLIENT, ExternalServiceProperties.PREFIX + ".circuit-breaker-enabled", SERVICE_SERVER);

	/**
	 * Each of these switches that is set to neither {@code true} nor {@code false}, in any
	 * case. Spaces around the word count: Boot's conditions compare the text as it is, while
	 * binding trims it, so {@code "true "} would leave the part off with its properties on.
	 */
	static List<ConfigurationViolation> unreadable(Environment environment, List<String> switches) {
		List<ConfigurationViolation> violations = new ArrayList<>();
		for (String name : switches) {
			String value = environment.getProperty(name);
			if (value != null && !isTrue(value) && !value.equalsIgnoreCase("false")) {
				boolean spaced = value.strip().equalsIgnoreCase("true") || value.strip().equalsIgnoreCase("false");
				violations.add(new ConfigurationViolation(name, ProxyUrls.mask(value),
						spaced ? "Spring Boot's conditions read the spaces around it, so it leaves this off"
								: "only true turns this on; any other value leaves it off",
						"set " + name + " to true or false" + (spaced ? ", without spaces" : "")));
			}
		}
		return violations;
	}

	/** Where pools are configured: the blocks whose properties mean nothing while the pools are off. */
	private static final List<ConfigurationPropertyName> POOL_BLOCKS = List.of(
			ConfigurationPropertyName.of(ProxyProperties.PREFIX + ".default"),
			ConfigurationPropertyName.of(ProxyProperties.PREFIX + ".exchanges"));

	private ProxyPoolSwitches() {
	}

	/**
	 * @throws InvalidProxyConfigurationException naming each switch that is neither
	 * {@code true} nor {@code false}
	 */
	static void check(Environment environment) {
		List<ConfigurationViolation> violations = unreadable(environment, List.of(ENABLED));
		violations.addAll(unreadable(environment, PART_SWITCHES));
		if (!violations.isEmpty()) {
			throw new InvalidProxyConfigurationException(violations);
		}
		String enabled = environment.getProperty(ENABLED);
		if (isTrue(enabled)) {
			return;
		}
		Set<String> pools = configuredPools(environment);
		if (!pools.isEmpty()) {
			off("every connection goes direct, although proxies are configured ("
					+ ProxyUrls.maskWords(String.join(", ", pools)) + ")", enabled);
		}
		// both parts run only with the pools
		if (isTrue(environment.getProperty(SERVICE_CLIENT))) {
			off("the proxy service is never asked and every connection goes direct, although " + SERVICE_CLIENT
					+ "=true", enabled);
		}
		if (isTrue(environment.getProperty(SERVICE_SERVER))) {
			off("the proxy service's server does not run, although " + SERVICE_SERVER + "=true", enabled);
		}
		UnknownProxyProperties.in(environment)
			.written()
			.forEach((violation) -> logger.warn("proxy config: " + violation));
	}

	/**
	 * Says what the pools being off costs: a warning while {@code cryptofeed.proxy.enabled} is
	 * not set, since nobody may have meant it; INFO when it is {@code false}, as written.
	 */
	private static void off(String lost, String enabled) {
		String line = "proxy pools: off, so " + lost + ": " + ((enabled != null) ? ENABLED + "=false"
				: ENABLED + " is not set; set it to true to use them, or to false to say they are off");
		if (enabled != null) {
			logger.info(line);
		}
		else {
			logger.warn(line);
		}
	}

	/** As Boot's conditions read a switch: the text {@code true} in any case, nothing around it. */
	static boolean isTrue(String value) {
		return value != null && value.equalsIgnoreCase("true");
	}

	/** The connections with proxies configured in the environment, by their block: {@code default.http}. */
	private static Set<String> configuredPools(Environment environment) {
		Set<String> pools = new TreeSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream()
					.filter((name) -> POOL_BLOCKS.stream().anyMatch((block) -> block.isAncestorOf(name)))
					.filter(ProxyPoolSwitches::isProxy)
					.forEach((name) -> pools.add(block(name)));
			}
		}
		return pools;
	}

	/** A proxy's URL ({@code http.url}, {@code pool[0].url}), or a pool or member written as one value. */
	private static boolean isProxy(ConfigurationPropertyName name) {
		int last = name.getNumberOfElements() - 1;
		String element = name.getElement(last, Form.UNIFORM);
		String parent = name.getElement(last - 1, Form.UNIFORM);
		return element.equals("pool") || parent.equals("pool") || element.equals("url")
				&& (parent.equals("http") || parent.equals("websocket") || parent.chars().allMatch(Character::isDigit));
	}

	/** {@code default.http} or {@code exchanges.binance.websocket}: the name up to its connection type. */
	private static String block(ConfigurationPropertyName name) {
		for (int i = 3; i < name.getNumberOfElements(); i++) {
			String element = name.getElement(i, Form.UNIFORM);
			if (element.equals("http") || element.equals("websocket")) {
				return name.chop(i + 1).toString().substring(ProxyProperties.PREFIX.length() + 1);
			}
		}
		return name.toString().substring(ProxyProperties.PREFIX.length() + 1);
	}

}
