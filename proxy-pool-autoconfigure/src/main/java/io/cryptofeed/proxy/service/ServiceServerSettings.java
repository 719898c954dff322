package io.cryptofeed.proxy.service;

import java.time.Duration;

import io.cryptofeed.proxy.core.Durations;

/**
 * How this application serves the proxy service protocol.
 *
 * @param token the bearer token callers must send, or {@code null} (blank is none)
 * @param apiKey the API key callers must send, or {@code null}; with neither, callers whose
 * connection brought a client certificate are trusted (the port is protected by mutual TLS)
 * @param answerTtl the {@code ttl_seconds} of each answer, in whole seconds rounded up
 * @param fallbackPolicy the {@code fallback_policy} of each answer that has a proxy
 */
public record ServiceServerSettings(String token, String apiKey, Duration answerTtl, FallbackPolicy fallbackPolicy) {

	/** A blank token or key is none, stripped otherwise: an empty one that a caller sends must match nothing. */
	public ServiceServerSettings {
		token = blankToNull(token);
		apiKey = blankToNull(apiKey);
	}

	/**
	 * The {@code ttl_seconds} of each answer: the protocol counts whole seconds, and a
	 * fraction rounds up, since {@code 0} means asking for every connection, not a short reuse.
	 */
	public long answerTtlSeconds() {
		return Durations.secondsRoundedUp(this.answerTtl);
	}

	/** Never shows the token or the key. */
	@Override
	public String toString() {
		return "ServiceServerSettings[token=" + ((this.token != null) ? "***" : "none") + ", apiKey="
				+ ((this.apiKey != null) ? "***" : "none") + ", answerTtl=" + Durations.format(this.answerTtl)
				+ ", fallbackPolicy=" + this.fallbackPolicy + "]";
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

}
