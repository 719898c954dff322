package io.cryptofeed.proxy.service;

import java.util.Locale;

/** What a connection does when the service's proxy cannot carry it, as the service's answer says. */
public enum FallbackPolicy {

	/** Connect without a proxy. */
	DIRECT_CONNECTION,

	/** Use the embedded pools (when {@code fallback-to-embedded} allows), else connect directly. */
	EMBEDDED_FALLBACK,

	/** Fail the connection. */
	FAIL;

	/** The protocol's name: {@code direct_connection}, {@code embedded_fallback} or {@code fail}. */
	String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The policy for a protocol name, or {@code null} when the name is not one.
	 */
	static FallbackPolicy fromWireName(String name) {
		for (FallbackPolicy policy : values()) {
			if (policy.wireName().equals(name)) {
				return policy;
			}
		}
		return null;
	}

}
