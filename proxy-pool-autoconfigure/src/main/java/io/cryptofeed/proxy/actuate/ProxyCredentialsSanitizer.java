package io.cryptofeed.proxy.actuate;

import java.util.List;
import java.util.Locale;
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
 * environment given, the properties and variables that such a credential takes through a
 * placeholder ({@code socks5://feed:${PROXY_PASSWORD}@…}) are hidden too, whatever their
 * names: they hold the same password.
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
			return referencedByACredential(key) ? data.withSanitizedValue() : data;
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
	 * Whether a credential of the starter takes this key's value through a placeholder: the
	 * user info of a proxy URL, or a token, API key or password. Read from the raw values at
	 * each call, so a reload's new placeholders count at once; the endpoints are read rarely.
	 */
	private boolean referencedByACredential(String key) {
		if (this.environment == null) {
			return false;
		}
		for (PropertySource<?> source : this.environment.getPropertySources()) {
			if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
				continue;
			}
			for (String name : enumerable.getPropertyNames()) {
				String compacted = compact(name.toLowerCase(Locale.ROOT));
				if (!compacted.startsWith(NAMESPACE) || !(enumerable.getProperty(name) instanceof String raw)) {
					continue;
				}
				String secret = SECRET_ENDINGS.stream().anyMatch(compacted::endsWith) ? raw
						: PROXY_URL_KEY.matcher(compacted).matches() ? userInfo(raw) : "";
				Matcher placeholder = PLACEHOLDER.matcher(secret);
				while (placeholder.find()) {
					if (compact(placeholder.group(1).toLowerCase(Locale.ROOT)).equals(key)) {
						return true;
					}
				}
			}
		}
		return false;
	}

	/** What comes between {@code ://} and the last {@code @}: where a URL keeps its credentials. */
	private static String userInfo(String url) {
		int scheme = url.indexOf("://");
		int from = (scheme < 0) ? 0 : scheme + 3;
		int at = url.lastIndexOf('@');
		return (at > from) ? url.substring(from, at) : "";
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

}
