package io.cryptofeed.proxy.service;

import java.util.Locale;
import java.util.Objects;

import org.springframework.http.HttpHeaders;

/**
 * The header credentials of the client: a bearer token or an API key, or none (no header or
 * mutual TLS). {@link #toString()} never shows the secret.
 */
public final class ServiceCredentials {

	/** The header an API key travels in. */
	static final String API_KEY_HEADER = "X-API-Key";

	/** No header credentials. */
	public static final ServiceCredentials NONE = new ServiceCredentials(AuthMethod.NONE, null);

	private final AuthMethod method;

	private final String secret;

	private ServiceCredentials(AuthMethod method, String secret) {
		this.method = method;
		this.secret = secret;
	}

	public static ServiceCredentials bearerToken(String token) {
		return new ServiceCredentials(AuthMethod.BEARER_TOKEN, Objects.requireNonNull(token, "token"));
	}

	public static ServiceCredentials apiKey(String key) {
		return new ServiceCredentials(AuthMethod.API_KEY, Objects.requireNonNull(key, "key"));
	}

	/** Mutual TLS: the credential is the client certificate, no header is sent. */
	public static ServiceCredentials mutualTls() {
		return new ServiceCredentials(AuthMethod.MUTUAL_TLS, null);
	}

	/** Adds the credential's header, if any, to a request. */
	void apply(HttpHeaders headers) {
		if (this.method == AuthMethod.BEARER_TOKEN) {
			headers.setBearerAuth(this.secret);
		}
		else if (this.method == AuthMethod.API_KEY) {
			headers.set(API_KEY_HEADER, this.secret);
		}
	}

	@Override
	public String toString() {
		return this.method.name().toLowerCase(Locale.ROOT).replace('_', '-')
				+ ((this.secret != null) ? " ***" : "");
	}

}
