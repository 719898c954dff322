package io.cryptofeed.proxy.autoconfigure;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The properties and variables that the {@code cryptofeed.proxy.*} properties take through
 * placeholders ({@code socks5://feed:${PROXY_PASSWORD}@…}), followed through the placeholders
 * of their own values: a change to any of them is a change to the pools.
 */
final class ProxyPlaceholderReferences {

	/** A placeholder's name: {@code ${PROXY_PASSWORD}} or {@code ${proxy.password:default}}. */
	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)");

	private static final String NAMESPACE = "cryptofeedproxy";

	private ProxyPlaceholderReferences() {
	}

	/** The names, each {@linkplain #compact compacted}; read from the raw values, as they are now. */
	static Set<String> in(ConfigurableEnvironment environment) {
		Deque<String> pending = new ArrayDeque<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if (compact(name).startsWith(NAMESPACE) && enumerable.getProperty(name) instanceof String raw) {
						placeholders(raw, pending);
					}
				}
			}
		}
		Set<String> names = new HashSet<>();
		while (!pending.isEmpty()) {
			String name = pending.poll();
			if (!names.add(compact(name))) {
				continue;
			}
			for (PropertySource<?> source : environment.getPropertySources()) {
				if (source.getProperty(name) instanceof String raw) {
					placeholders(raw, pending);
				}
			}
		}
		return names;
	}

	private static void placeholders(String text, Deque<String> names) {
		Matcher placeholder = PLACEHOLDER.matcher(text);
		while (placeholder.find()) {
			names.add(placeholder.group(1));
		}
	}

	/**
	 * The name's letters and digits in lower case, so that the spellings of one property
	 * match: {@code proxy.password}, {@code PROXY_PASSWORD}, {@code proxy-password}.
	 */
	static String compact(String name) {
		StringBuilder compacted = new StringBuilder(name.length());
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (Character.isLetterOrDigit(c)) {
				compacted.append(Character.toLowerCase(c));
			}
		}
		return compacted.toString();
	}

}
