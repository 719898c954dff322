package io.cryptofeed.proxy.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.core.ProxyUrls;

import org.springframework.aot.AotDetector;
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

	private static final String BREAKERS = ProxyProperties.PREFIX + ".circuit-breaker.enabled";

	private static final String SERVICE_CLIENT_BREAKER = ExternalServiceProperties.PREFIX + ".circuit-breaker-enabled";

	/** The switches besides the pools' own, each read by a condition of Spring Boot's. */
	static final List<String> PART_SWITCHES = List.of(BREAKERS, SERVICE_CLIENT, SERVICE_CLIENT_BREAKER,
			SERVICE_SERVER);

	/** What each switch turns on or off, for the reasons of {@link #changedSinceDefinition}. */
	private static final Map<String, String> PARTS = Map.of(ENABLED, "the pools", BREAKERS,
			"the members' circuit breakers", SERVICE_CLIENT, "the proxy service's client", SERVICE_CLIENT_BREAKER,
			"the proxy service's circuit breaker", SERVICE_SERVER, "the proxy service's server");

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
	 * @param atDefinition the switches when the beans were defined: at build time under AOT
	 * @throws InvalidProxyConfigurationException naming each switch that is neither
	 * {@code true} nor {@code false}, or that turns a part on or off otherwise than it was
	 * when the beans were defined
	 */
	static void check(Environment environment, SwitchesAtDefinition atDefinition) {
		check(environment, atDefinition, AotDetector.useGeneratedArtifacts());
	}

	/** @param aheadOfTime whether the beans come from code generated at build time (Spring AOT) */
	static void check(Environment environment, SwitchesAtDefinition atDefinition, boolean aheadOfTime) {
		List<ConfigurationViolation> violations = unreadable(environment, List.of(ENABLED));
		violations.addAll(unreadable(environment, PART_SWITCHES));
		if (violations.isEmpty()) {
			violations.addAll(changedSinceDefinition(environment, atDefinition.values(), aheadOfTime));
		}
		if (!violations.isEmpty()) {
			throw new InvalidProxyConfigurationException(violations);
		}
		String enabled = environment.getProperty(ENABLED);
		if (isTrue(enabled)) {
			if (isTrue(environment.getProperty(SERVICE_SERVER))
					&& !StartOnlySettings.serverCanRun(environment, ProxyPoolSwitches.class.getClassLoader())) {
				logger.warn("proxy service: the proxy service's server does not run, although " + SERVICE_SERVER
						+ "=true: it needs a reactive web application (spring-boot-starter-webflux, and "
						+ "spring.main.web-application-type=reactive beside Spring MVC); its callers get 404");
			}
			return;
		}
		Set<String> pools = configuredPools(environment);
		if (!pools.isEmpty()) {
			off("every connection goes direct, although proxies are configured ("
					+ ProxyUrls.maskWords(String.join(", ", pools)) + ")", enabled);
		}
		// both parts run only with the pools
		if (serviceClientOn(environment)) {
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

	/** Whether the proxy service's client is switched on, as its auto-configuration reads it. */
	static boolean serviceClientOn(Environment environment) {
		return isTrue(environment.getProperty(SERVICE_CLIENT));
	}

	/** Each switch that is set, as written: what {@link SwitchesAtDefinition} keeps. */
	static Map<String, String> values(Environment environment) {
		Map<String, String> values = new TreeMap<>();
		for (String name : PARTS.keySet()) {
			String value = environment.getProperty(name);
			if (value != null) {
				values.put(name, value);
			}
		}
		return values;
	}

	/**
	 * The switches that turn a part on or off otherwise than they did when the beans were
	 * defined. On the JVM that was a moment ago, from the same environment; in an application
	 * processed ahead of time it was the build, whose conditions fixed the beans for good: the
	 * pools would run although {@code cryptofeed.proxy.enabled=false} says off, or be missing
	 * although it says on, and every connection would go direct. A part that needs another
	 * (every part needs the pools) is named only when the one it needs is unchanged.
	 */
	static List<ConfigurationViolation> changedSinceDefinition(Environment environment,
			Map<String, String> atDefinition, boolean aheadOfTime) {
		Map<String, Boolean> then = partsOn(atDefinition::get);
		Map<String, Boolean> now = partsOn(environment::getProperty);
		List<ConfigurationViolation> violations = new ArrayList<>();
		if (!then.get(ENABLED).equals(now.get(ENABLED))) {
			violations.add(changed(ENABLED, environment, atDefinition, aheadOfTime, then.get(ENABLED)));
			return violations;
		}
		for (String name : List.of(BREAKERS, SERVICE_CLIENT, SERVICE_SERVER)) {
			if (!then.get(name).equals(now.get(name))) {
				violations.add(changed(name, environment, atDefinition, aheadOfTime, then.get(name)));
			}
		}
		if (then.get(SERVICE_CLIENT).equals(now.get(SERVICE_CLIENT))
				&& !then.get(SERVICE_CLIENT_BREAKER).equals(now.get(SERVICE_CLIENT_BREAKER))) {
			violations.add(changed(SERVICE_CLIENT_BREAKER, environment, atDefinition, aheadOfTime,
					then.get(SERVICE_CLIENT_BREAKER)));
		}
		return violations;
	}

	/** Which parts the switches turn on, as the auto-configurations' conditions read them. */
	private static Map<String, Boolean> partsOn(Function<String, String> switches) {
		boolean pools = isTrue(switches.apply(ENABLED));
		boolean client = pools && isTrue(switches.apply(SERVICE_CLIENT));
		// the two breakers are on unless switched off
		return Map.of(ENABLED, pools, BREAKERS, pools && !isFalse(switches.apply(BREAKERS)), SERVICE_CLIENT, client,
				SERVICE_CLIENT_BREAKER, client && !isFalse(switches.apply(SERVICE_CLIENT_BREAKER)), SERVICE_SERVER,
				pools && isTrue(switches.apply(SERVICE_SERVER)));
	}

	private static ConfigurationViolation changed(String name, Environment environment,
			Map<String, String> atDefinition, boolean aheadOfTime, boolean onThen) {
		String now = environment.getProperty(name);
		String then = ((atDefinition.get(name) != null) ? name + "=" + ProxyUrls.mask(atDefinition.get(name))
				: name + " not set");
		String outcome = PARTS.get(name)
				+ ((onThen) ? " would run although this says off" : " would not run although this says on");
		String value = (now != null) ? ProxyUrls.mask(now) : null;
		if (aheadOfTime) {
			return new ConfigurationViolation(name, value, "the application was processed ahead of time (Spring AOT) "
					+ "with " + then + ", and its beans were fixed then: " + outcome,
					"process it ahead of time with the switches it runs with (spring-boot:process-aot reads the "
							+ "build's application.yml, profiles and jvmArguments), or run it without "
							+ "-Dspring.aot.enabled=true");
		}
		// on the JVM: a property source added after the conditions ran, by a post-processor or a test's registrar
		return new ConfigurationViolation(name, value, "the switch changed after the beans were defined, with " + then
				+ ": " + outcome, "set it where the conditions read it: application properties, the command line, "
						+ "@SpringBootTest(properties) or @DynamicPropertySource, not a property source added later");
	}

	private static boolean isFalse(String value) {
		return value != null && value.equalsIgnoreCase("false");
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
