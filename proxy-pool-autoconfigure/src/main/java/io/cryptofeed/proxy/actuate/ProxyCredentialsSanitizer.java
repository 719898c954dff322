package io.cryptofeed.proxy.actuate;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cryptofeed.proxy.core.ProxyUrls;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Keeps proxy credentials out of the {@code env} and {@code configprops} endpoints when they
 * show values ({@code show-values: always}, or {@code when-authorized} to an authorized
 * user): for a property under {@code cryptofeed.proxy}, written in any form Boot binds
 * (properties, YAML, environment variables, the legacy variables), a proxy URL keeps its
 * scheme, host and port and shows its user info as {@code ***}, a token, API key or password
 * is hidden as Boot hides every value by default, and the rest is shown as it is. With the
 * environment given, the same goes for the properties and variables these take through
 * placeholders, whatever their names, and for those that their values name in turn: one that
 * a credential takes ({@code socks5://feed:${PROXY_PASSWORD}@…}) is hidden, since it holds the
 * same password; one that gives a proxy URL or part of it ({@code url: ${PROXY_1_URL}}, a
 * secret mounted whole) is shown masked as a proxy URL is.
 */
public final class ProxyCredentialsSanitizer implements SanitizingFunction {

	/** A placeholder's name: {@code ${PROXY_PASSWORD}} or {@code ${proxy.password:default}}. */
	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)");

	/** {@code cryptofeed.proxy}, {@code CRYPTOFEED_PROXY_…} and the like, compacted. */
	private static final String NAMESPACE = "cryptofeedproxy";

	private static final List<String> SECRET_ENDINGS = List.of("token", "apikey", "password");

	/**
	 * Keys that hold URLs: a {@code url}; a {@code pool} or pool entry written as text, which
	 * fails to bind but stays in the environment; the proxy service's {@code endpoints}, which
	 * refuse credentials, but a reload that refused one leaves it in the environment.
	 */
	private static final Pattern PROXY_URL_KEY = Pattern.compile(".*(url|pool\\d*|endpoints\\d*)");

	private final ConfigurableEnvironment environment;

	/** Masks the starter's properties only, not what their placeholders refer to. */
	public ProxyCredentialsSanitizer() {
		this(null);
	}

	/** @param environment where the placeholders of the starter's credentials are read, or {@code null} */
	public ProxyCredentialsSanitizer(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	@Override
	public SanitizableData apply(SanitizableData data) {
		String key = compact(data.getLowerCaseKey());
		if (!key.startsWith(NAMESPACE)) {
			References references = references();
			if (references.secrets().contains(key)) {
				return data.withSanitizedValue();
			}
			if (references.urls().contains(key) && data.getValue() instanceof CharSequence text) {
				return data.withValue(ProxyUrls.mask(text.toString()));
			}
			return data;
		}
		if (SECRET_ENDINGS.stream().anyMatch(key::endsWith)) {
			return data.withSanitizedValue();
		}
		if (PROXY_URL_KEY.matcher(key).matches() && data.getValue() instanceof CharSequence text) {
			return data.withValue(ProxyUrls.mask(text.toString()));
		}
		return data;
	}

	/**
	 * The properties and variables that the starter's credentials and proxy URLs take through
	 * placeholders, followed through the placeholders of their own values. Read from the raw
	 * values at each call, so a reload's new placeholders count at once; the endpoints are
	 * read rarely.
	 */
	private References references() {
		References references = new References(new HashSet<>(), new HashSet<>());
		if (this.environment == null) {
			return references;
		}
		Deque<String> secrets = new ArrayDeque<>();
		Deque<String> urls = new ArrayDeque<>();
		for (PropertySource<?> source : this.environment.getPropertySources()) {
			if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
				continue;
			}
			for (String name : enumerable.getPropertyNames()) {
				String compacted = compact(name.toLowerCase(Locale.ROOT));
				if (!compacted.startsWith(NAMESPACE) || !(enumerable.getProperty(name) instanceof String raw)) {
					continue;
				}
				if (SECRET_ENDINGS.stream().anyMatch(compacted::endsWith)) {
					placeholders(raw, secrets);
				}
				else if (PROXY_URL_KEY.matcher(compacted).matches()) {
					urlPlaceholders(raw, secrets, urls);
				}
			}
		}
		// a placeholder's value may be a placeholder again: what it names holds the same text
		while (!secrets.isEmpty() || !urls.isEmpty()) {
			boolean secret = !secrets.isEmpty();
			String name = secret ? secrets.poll() : urls.poll();
			if (!(secret ? references.secrets() : references.urls()).add(compact(name.toLowerCase(Locale.ROOT)))) {
				continue;
			}
			for (PropertySource<?> source : this.environment.getPropertySources()) {
				if (source.getProperty(name) instanceof String raw) {
					if (secret) {
						placeholders(raw, secrets);
					}
					else {
						urlPlaceholders(raw, secrets, urls);
					}
				}
			}
		}
		return references;
	}

	/** A URL's placeholders: those in its user info name secrets, the others (all of it, or its host) parts of a URL. */
	private static void urlPlaceholders(String url, Deque<String> secrets, Deque<String> urls) {
		int scheme = url.indexOf("://");
		int from = (scheme < 0) ? 0 : scheme + 3;
		int at = url.lastIndexOf('@');
		if (at > from) {
			placeholders(url.substring(from, at), secrets);
			placeholders(url.substring(0, from) + url.substring(at), urls);
		}
		else {
			placeholders(url, urls);
		}
	}

	private static void placeholders(String text, Deque<String> names) {
		Matcher placeholder = PLACEHOLDER.matcher(text);
		while (placeholder.find()) {
			names.add(placeholder.group(1));
		}
	}

	/** The key's letters and digits: {@code pool[0].url}, {@code POOL__0__URL} and {@code pool0url} alike. */
	private static String compact(String key) {
		StringBuilder compacted = new StringBuilder(key.length());
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (Character.isLetterOrDigit(c)) {
				compacted.append(c);
			}
		}
		return compacted.toString();
	}

	/** Compacted names of what holds a secret (hidden) and what holds a proxy URL or part of one (masked). */
	private record References(Set<String> secrets, Set<String> urls) {
	}

}
