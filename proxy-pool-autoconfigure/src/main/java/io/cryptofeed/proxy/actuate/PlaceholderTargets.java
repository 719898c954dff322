package io.cryptofeed.proxy.actuate;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.core.SecretNames;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The properties and variables that the {@code cryptofeed.proxy.*} properties take through
 * placeholders ({@code socks5://feed:${PROXY_PASSWORD}@…}), followed through the placeholders
 * of their own values, each with what it holds. Read from the raw values, as they are when
 * asked: the actuator shows each as what it holds, and a refresh that changes one reloads the
 * pools (a rotated password changes no {@code cryptofeed.proxy.*} key).
 */
public final class PlaceholderTargets {

	/** A placeholder's name: {@code ${PROXY_PASSWORD}} or {@code ${proxy.password:default}}. */
	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)");

	/** {@code cryptofeed.proxy}, {@code CRYPTOFEED_PROXY_…} and the like, compacted. */
	static final String NAMESPACE = "cryptofeedproxy";

	/**
	 * Keys that hold proxy URLs: a {@code url}; a {@code pool} or pool entry written as text,
	 * which fails to bind but stays in the environment.
	 */
	private static final Pattern PROXY_URL_KEY = Pattern.compile(".*(url|pool\\d*)");

	/**
	 * The proxy service's {@code endpoints}: they refuse credentials and a query, but a reload
	 * that refused one leaves it in the environment, where the query may hold the service's key.
	 */
	private static final Pattern SERVICE_ENDPOINT_KEY = Pattern.compile(".*endpoints\\d*");

	/**
	 * A health check's URL ({@code health-check.url}, {@code healthCheck.url} in
	 * {@code configprops}): its query or fragment may hold a key ({@code ?apikey=…}), so it is
	 * shown as the probe shows it, without them.
	 */
	private static final Pattern HEALTH_CHECK_URL_KEY = Pattern.compile(".*healthcheckurl");

	/** Compacted names, with what each holds. */
	private final Map<String, Set<Kind>> kinds = new HashMap<>();

	private PlaceholderTargets() {
	}

	/** What the starter's properties in the environment take through placeholders now. */
	public static PlaceholderTargets in(ConfigurableEnvironment environment) {
		PlaceholderTargets targets = new PlaceholderTargets();
		Deque<Reference> pending = new ArrayDeque<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
				continue;
			}
			for (String name : enumerable.getPropertyNames()) {
				String compacted = compact(name);
				if (compacted.startsWith(NAMESPACE) && enumerable.getProperty(name) instanceof String raw) {
					kindOfStarterKey(compacted).placeholders(raw, pending);
				}
			}
		}
		// a placeholder's value may be a placeholder again: what it names holds the same text
		while (!pending.isEmpty()) {
			Reference reference = pending.poll();
			if (!targets.add(compact(reference.name()), reference.kind())) {
				continue;
			}
			for (PropertySource<?> source : environment.getPropertySources()) {
				if (source.getProperty(reference.name()) instanceof String raw) {
					reference.kind().placeholders(raw, pending);
				}
			}
		}
		return targets;
	}

	/** Whether the property or variable, in any spelling, is one of them. */
	public boolean contains(String name) {
		return this.kinds.containsKey(compact(name));
	}

	/** What the name holds, the strictest kind where it is taken as several; {@code null} if none. */
	Kind kindOf(String compactedName) {
		Set<Kind> found = this.kinds.get(compactedName);
		return (found == null || found.isEmpty()) ? null : found.iterator().next();
	}

	/** What a key of the starter's holds, compacted. */
	static Kind kindOfStarterKey(String compactedKey) {
		if (SecretNames.isSecret(compactedKey)) {
			return Kind.SECRET;
		}
		if (HEALTH_CHECK_URL_KEY.matcher(compactedKey).matches()) {
			return Kind.HEALTH_CHECK_URL;
		}
		if (SERVICE_ENDPOINT_KEY.matcher(compactedKey).matches()) {
			return Kind.SERVICE_ENDPOINT;
		}
		return PROXY_URL_KEY.matcher(compactedKey).matches() ? Kind.PROXY_URL : Kind.SETTING;
	}

	/**
	 * The name's letters and digits in lower case, so that the spellings of one property match:
	 * {@code pool[0].url}, {@code POOL__0__URL} and {@code pool0url}; {@code PROXY_PASSWORD} and
	 * {@code proxy.password}.
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

	/** Whether the name was new for the kind. */
	private boolean add(String compactedName, Kind kind) {
		return this.kinds.computeIfAbsent(compactedName, (key) -> EnumSet.noneOf(Kind.class)).add(kind);
	}

	/**
	 * A URL's placeholders: those in its user info name secrets, and so, but for a proxy URL,
	 * do those in its query and fragment; the others name parts of a URL of its kind.
	 */
	private static void urlPlaceholders(String url, Kind kind, Deque<Reference> pending) {
		int scheme = url.indexOf("://");
		int from = (scheme < 0) ? 0 : scheme + 3;
		int at = url.lastIndexOf('@');
		String rest = url;
		if (at > from) {
			placeholders(url.substring(from, at), Kind.SECRET, pending);
			rest = url.substring(0, from) + url.substring(at);
		}
		int query = (kind != Kind.PROXY_URL) ? ProxyUrls.queryOrFragment(rest, from) : -1;
		if (query >= 0) {
			placeholders(rest.substring(query), Kind.SECRET, pending);
			rest = rest.substring(0, query);
		}
		placeholders(rest, kind, pending);
	}

	private static void placeholders(String text, Kind kind, Deque<Reference> pending) {
		Matcher placeholder = PLACEHOLDER.matcher(text);
		while (placeholder.find()) {
			pending.add(new Reference(placeholder.group(1), kind));
		}
	}

	/**
	 * What a value holds, and so how the actuator shows it; in order of strictness, as a name
	 * taken as two kinds is shown as the first.
	 */
	enum Kind {

		/** A password, token or key: hidden. */
		SECRET(null),

		/** A health check's URL or part of one: without user info, query and fragment. */
		HEALTH_CHECK_URL(ProxyUrls::withoutSecrets),

		/** The proxy service's endpoint or part of one: its user info masked, without query and fragment. */
		SERVICE_ENDPOINT(ProxyUrls::maskedWithoutQuery),

		/** A proxy URL or part of one: its user info masked. */
		PROXY_URL(ProxyUrls::mask),

		/** Any other setting (a weight, a host pattern): shown as it is. */
		SETTING(UnaryOperator.identity());

		final UnaryOperator<String> shown;

		Kind(UnaryOperator<String> shown) {
			this.shown = shown;
		}

		/** Adds the placeholders of a value of this kind, each with the kind of what it names. */
		void placeholders(String value, Deque<Reference> pending) {
			if (this == HEALTH_CHECK_URL || this == SERVICE_ENDPOINT || this == PROXY_URL) {
				urlPlaceholders(value, this, pending);
			}
			else {
				PlaceholderTargets.placeholders(value, this, pending);
			}
		}

	}

	/** A property or variable a placeholder names, and what it holds. */
	private record Reference(String name, Kind kind) {
	}

}
