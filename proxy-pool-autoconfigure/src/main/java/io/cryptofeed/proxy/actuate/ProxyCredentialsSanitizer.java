package io.cryptofeed.proxy.actuate;

import java.util.List;
import java.util.regex.Pattern;

import io.cryptofeed.proxy.core.ProxyUrls;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Keeps proxy credentials out of the {@code env} and {@code configprops} endpoints when they
 * show values ({@code show-values: always}, or {@code when-authorized} to an authorized
 * user): for a property under {@code cryptofeed.proxy}, written in any form Boot binds
 * (properties, YAML, environment variables, the legacy variables), a proxy URL keeps its
 * scheme, host and port and shows its user info as {@code ***}, a token, API key or password
 * is hidden as Boot hides every value by default, and the rest is shown as it is.
 */
public final class ProxyCredentialsSanitizer implements SanitizingFunction {

	/** {@code cryptofeed.proxy}, {@code CRYPTOFEED_PROXY_…} and the like, compacted. */
	private static final String NAMESPACE = "cryptofeedproxy";

	private static final List<String> SECRET_ENDINGS = List.of("token", "apikey", "password");

	/**
	 * Keys that hold URLs: a {@code url}; a {@code pool} or pool entry written as text, which
	 * fails to bind but stays in the environment; the proxy service's {@code endpoints}, which
	 * refuse credentials, but a reload that refused one leaves it in the environment.
	 */
	private static final Pattern PROXY_URL_KEY = Pattern.compile(".*(url|pool\\d*|endpoints\\d*)");

	@Override
	public SanitizableData apply(SanitizableData data) {
		String key = compact(data.getLowerCaseKey());
		if (!key.startsWith(NAMESPACE)) {
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
