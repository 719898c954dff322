package io.cryptofeed.proxy.actuate;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
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
 * scheme, host and port and shows its user info as {@code ***}, a health check's URL is shown
 * as its probe shows it, without user info, query and fragment ({@code ?apikey=…}), a token,
 * API key or password is hidden as Boot hides every value by default, and the rest is shown
 * as it is. With the
 * environment given, the same goes for the properties and variables these take through
 * placeholders, whatever their names, and for those that their values name in turn: one that
 * a credential takes ({@code socks5://feed:${PROXY_PASSWORD}@…}) is hidden, since it holds the
 * same password, and so is one that a health check URL's query takes; one that gives a URL or
 * part of it ({@code url: ${PROXY_1_URL}}, a secret mounted whole) is shown as that URL is.
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

	/**
	 * A health check's URL ({@code health-check.url}, {@code healthCheck.url} in
	 * {@code configprops}): its query or fragment may hold a key ({@code ?apikey=…}), so it is
	 * shown as the probe shows it, without them.
	 */
	private static final Pattern HEALTH_CHECK_URL_KEY = Pattern.compile(".*healthcheckurl");

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
		Kind kind = key.startsWith(NAMESPACE) ? kindOf(key) : references().kindOf(key);
		if (kind == Kind.SECRET) {
			return data.withSanitizedValue();
		}
		if (kind != null && data.getValue() instanceof CharSequence text) {
			return data.withValue(kind.shown.apply(text.toString()));
		}
		return data;
	}

	/** What a key of the starter's holds, or {@code null} for a setting shown as it is. */
	private static Kind kindOf(String compactedKey) {
		if (SECRET_ENDINGS.stream().anyMatch(compactedKey::endsWith)) {
			return Kind.SECRET;
		}
		if (HEALTH_CHECK_URL_KEY.matcher(compactedKey).matches()) {
			return Kind.HEALTH_CHECK_URL;
		}
		return PROXY_URL_KEY.matcher(compactedKey).matches() ? Kind.PROXY_URL : null;
	}

	/**
	 * The properties and variables that the starter's credentials and URLs take through
	 * placeholders, followed through the placeholders of their own values. Read from the raw
	 * values at each call, so a reload's new placeholders count at once; the endpoints are
	 * read rarely.
	 */
	private References references() {
		References references = new References(new HashMap<>());
		if (this.environment == null) {
			return references;
		}
		Deque<Reference> pending = new ArrayDeque<>();
		for (PropertySource<?> source : this.environment.getPropertySources()) {
			if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
				continue;
			}
			for (String name : enumerable.getPropertyNames()) {
				String compacted = compact(name.toLowerCase(Locale.ROOT));
				Kind kind = compacted.startsWith(NAMESPACE) ? kindOf(compacted) : null;
				if (kind != null && enumerable.getProperty(name) instanceof String raw) {
					kind.placeholders(raw, pending);
				}
			}
		}
		// a placeholder's value may be a placeholder again: what it names holds the same text
		while (!pending.isEmpty()) {
			Reference reference = pending.poll();
			if (!references.add(compact(reference.name().toLowerCase(Locale.ROOT)), reference.kind())) {
				continue;
			}
			for (PropertySource<?> source : this.environment.getPropertySources()) {
				if (source.getProperty(reference.name()) instanceof String raw) {
					reference.kind().placeholders(raw, pending);
				}
			}
		}
		return references;
	}

	/**
	 * A URL's placeholders: those in its user info name secrets, and so, for a health check's
	 * URL, do those in its query and fragment; the others name parts of a URL of its kind.
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
		int query = (kind == Kind.HEALTH_CHECK_URL) ? queryOrFragment(rest, from) : -1;
		if (query >= 0) {
			placeholders(rest.substring(query), Kind.SECRET, pending);
			rest = rest.substring(0, query);
		}
		placeholders(rest, kind, pending);
	}

	private static int queryOrFragment(String url, int from) {
		for (int i = from; i < url.length(); i++) {
			if (url.charAt(i) == '?' || url.charAt(i) == '#') {
				return i;
			}
		}
		return -1;
	}

	private static void placeholders(String text, Kind kind, Deque<Reference> pending) {
		Matcher placeholder = PLACEHOLDER.matcher(text);
		while (placeholder.find()) {
			pending.add(new Reference(placeholder.group(1), kind));
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

	/** What a value holds, and so how it is shown; in order of strictness, as a name taken as two kinds is shown as the first. */
	private enum Kind {

		/** A password, token or key: hidden. */
		SECRET(null),

		/** A health check's URL or part of one: without user info, query and fragment. */
		HEALTH_CHECK_URL(ProxyUrls::withoutSecrets),

		/** A proxy URL or part of one: its user info masked. */
		PROXY_URL(ProxyUrls::mask);

		private final UnaryOperator<String> shown;

		Kind(UnaryOperator<String> shown) {
			this.shown = shown;
		}

		/** Adds the placeholders of a value of this kind, each with the kind of what it names. */
		void placeholders(String value, Deque<Reference> pending) {
			if (this == SECRET) {
				ProxyCredentialsSanitizer.placeholders(value, SECRET, pending);
			}
			else {
				urlPlaceholders(value, this, pending);
			}
		}

	}

	/** A property or variable a placeholder names, and what it holds. */
	private record Reference(String name, Kind kind) {
	}

	/** Compacted names of what the starter's values take through placeholders, with what each holds. */
	private record References(Map<String, Set<Kind>> kinds) {

		/** Whether the name was new for the kind. */
		boolean add(String name, Kind kind) {
			return this.kinds.computeIfAbsent(name, (key) -> EnumSet.noneOf(Kind.class)).add(kind);
		}

		Kind kindOf(String name) {
			Set<Kind> found = this.kinds.get(name);
			return (found == null || found.isEmpty()) ? null : found.iterator().next();
		}

	}

}
