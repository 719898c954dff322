package io.cryptofeed.proxy.actuate;

import io.cryptofeed.proxy.actuate.PlaceholderTargets.Kind;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Keeps proxy credentials out of the {@code env} and {@code configprops} endpoints when they
 * show values ({@code show-values: always}, or {@code when-authorized} to an authorized
 * user): for a property under {@code cryptofeed.proxy}, written in any form Boot binds
 * (properties, YAML, environment variables, the legacy variables), a proxy URL keeps its
 * scheme, host and port and shows its user info as {@code ***}, a health check's URL is shown
 * as its probe shows it, without user info, query and fragment ({@code ?apikey=…}), a token,
 * API key or password is hidden as Boot hides every value by default, and so is a
 * {@code metadata} label named as a secret ({@code metadata.token}, {@code metadata.client-secret}),
 * and the rest is shown as it is. With the environment given, the same goes for the {@linkplain PlaceholderTargets
 * properties and variables these take through placeholders}, whatever their names: one that a
 * credential takes ({@code socks5://feed:${PROXY_PASSWORD}@…}) is hidden, since it holds the
 * same password, and so is one that a health check URL's query takes; one that gives a URL or
 * part of it ({@code url: ${PROXY_1_URL}}, a secret mounted whole) is shown as that URL is.
 */
public final class ProxyCredentialsSanitizer implements SanitizingFunction {

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
		String key = PlaceholderTargets.compact(data.getKey());
		Kind kind;
		if (key.startsWith(PlaceholderTargets.NAMESPACE)) {
			kind = PlaceholderTargets.kindOfStarterKey(key);
		}
		else if (this.environment != null) {
			// read at each call, so a reload's new placeholders count at once; the endpoints are read rarely
			kind = PlaceholderTargets.in(this.environment).kindOf(key);
		}
		else {
			kind = null;
		}
		if (kind == Kind.SECRET) {
			return data.withSanitizedValue();
		}
		if (kind != null && data.getValue() instanceof CharSequence text) {
			return data.withValue(kind.shown.apply(text.toString()));
		}
		return data;
	}

}
