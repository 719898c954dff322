package io.cryptofeed.proxy.service;

import java.time.Duration;

import io.cryptofeed.proxy.core.InvalidProxyUrlException;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyUrls;

/**
 * A {@link ProxyResponse} checked and parsed: a usable proxy (or none), the fallback policy and
 * how long to reuse it.
 */
record Answer(ProxyEndpoint proxy, String feedbackUrl, FallbackPolicy policy, Duration ttl) {

	/** The most of a field of the answer a message quotes: enough to recognise it. */
	private static final int QUOTED_CHARS = 64;

	/**
	 * The longest a {@code ttl_seconds} holds, unless {@code cache-ttl} is longer: nothing else
	 * makes the client ask again, so "forever" (or milliseconds sent as seconds) would keep an
	 * answer, a {@code fail} without proxy too, until the application stops.
	 */
	static final Duration LONGEST_TTL = Duration.ofHours(1);

	/**
	 * @param defaultTtl the TTL when the answer gives none, and the longest it may give where
	 * longer than {@link #LONGEST_TTL}
	 * @throws ServiceCallException {@code malformed} or {@code unsupported_proxy}, without endpoint
	 */
	static Answer of(ProxyResponse response, Duration defaultTtl) {
		FallbackPolicy policy = FallbackPolicy.EMBEDDED_FALLBACK;
		if (response.fallbackPolicy() != null) {
			policy = FallbackPolicy.fromWireName(response.fallbackPolicy());
			if (policy == null) {
				throw new ServiceCallException(ServiceCallException.Reason.MALFORMED, null,
						"fallback_policy '" + UntrustedText.excerpt(response.fallbackPolicy(), QUOTED_CHARS)
								+ "' is not direct_connection, embedded_fallback or fail");
			}
		}
		Duration ttl = defaultTtl;
		if (response.ttlSeconds() != null) {
			if (response.ttlSeconds() < 0) {
				throw new ServiceCallException(ServiceCallException.Reason.MALFORMED, null,
						"ttl_seconds " + response.ttlSeconds() + " is negative");
			}
			long longest = Math.max(LONGEST_TTL.toSeconds(), defaultTtl.toSeconds());
			ttl = Duration.ofSeconds(Math.min(response.ttlSeconds(), longest));
		}
		ProxyEndpoint proxy = null;
		String feedbackUrl = null;
		if (response.proxyUrl() != null && !response.proxyUrl().isBlank()) {
			try {
				proxy = ProxyEndpoint.parse(response.proxyUrl());
				feedbackUrl = ProxyUrlFormat.withoutPassword(response.proxyUrl());
			}
			catch (InvalidProxyUrlException ex) {
				// the parser's message never repeats the URL; the masked URL names it, without a
				// query that may hold a key, and ends at a space: the message is masked again, and
				// a quote or colon after the port would read as a password there and hide the host
				throw new ServiceCallException(ServiceCallException.Reason.UNSUPPORTED_PROXY, null,
						"proxy_url " + UntrustedText.excerpt(ProxyUrls.maskedWithoutQuery(response.proxyUrl().strip()),
								QUOTED_CHARS) + " cannot be used: " + ex.getMessage());
			}
		}
		return new Answer(proxy, feedbackUrl, policy, ttl);
	}

}
