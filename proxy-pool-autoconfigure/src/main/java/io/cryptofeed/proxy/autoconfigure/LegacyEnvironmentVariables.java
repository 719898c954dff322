package io.cryptofeed.proxy.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Keeps the original environment variables working: {@code CRYPTOFEED_PROXY_} followed by
 * names nested with a double underscore, such as
 * {@code CRYPTOFEED_PROXY_EXCHANGES__BINANCE__HTTP__URL}. Spring's own single-underscore form
 * ({@code CRYPTOFEED_PROXY_DEFAULT_HTTP_URL}) needs no help. The mapped properties sit just
 * below the system environment, so they rank like environment variables.
 */
public class LegacyEnvironmentVariables implements EnvironmentPostProcessor {

	/** Name of the property source this adds. */
	static final String PROPERTY_SOURCE_NAME = "cryptofeedProxyLegacyEnvironment";

	private static final String ENV_PREFIX = "CRYPTOFEED_PROXY_";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		PropertySource<?> systemEnvironment = environment.getPropertySources()
			.get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		if (systemEnvironment == null || !(systemEnvironment.getSource() instanceof Map<?, ?> variables)) {
			return;
		}
		Map<String, Object> mapped = map(variables);
		if (!mapped.isEmpty()) {
			environment.getPropertySources()
				.addAfter(systemEnvironment.getName(), new MapPropertySource(PROPERTY_SOURCE_NAME, mapped));
		}
	}

	/** The properties that the double-underscore variables among {@code variables} stand for. */
	static Map<String, Object> map(Map<?, ?> variables) {
		Map<String, Object> properties = new LinkedHashMap<>();
		variables.forEach((key, value) -> {
			String name = String.valueOf(key);
			if (name.regionMatches(true, 0, ENV_PREFIX, 0, ENV_PREFIX.length()) && name.contains("__")) {
				properties.put(propertyName(name.substring(ENV_PREFIX.length())), value);
			}
		});
		return properties;
	}

	private static String propertyName(String nested) {
		StringBuilder name = new StringBuilder(ProxyProperties.PREFIX);
		String previous = "";
		for (String segment : nested.toLowerCase(Locale.ROOT).split("__")) {
			if (segment.chars().allMatch(Character::isDigit) && !segment.isEmpty()) {
				name.append('[').append(segment).append(']');
			}
			else if (previous.equals("exchanges")) {
				// an exchange id is kept as written (coinbase_pro stays coinbase_pro)
				name.append('[').append(segment).append(']');
			}
			else {
				name.append('.').append(segment.replace('_', '-'));
			}
			previous = segment;
		}
		return name.toString();
	}

}
