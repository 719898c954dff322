package io.cryptofeed.proxy.service;

import java.util.Locale;
import java.util.concurrent.TimeoutException;

import io.cryptofeed.proxy.core.LogText;
import io.cryptofeed.proxy.core.ProxyUrls;

/**
 * A call to the proxy service gave no usable answer. The message names the reason and the
 * endpoint, never a credential.
 */
final class ServiceCallException extends RuntimeException {

	/** The most of a detail a message keeps: it may quote an answer of up to 256 KB. */
	private static final int MAX_DETAIL = 512;

	private final Reason reason;

	private final String endpoint;

	private final String detail;

	private final FallbackPolicy namedPolicy;

	/**
	 * @param endpoint the endpoint that failed, or {@code null} when no call was made or the
	 * caller adds it with {@link #at}
	 * @param detail what went wrong; it may quote the answer, and is shown masked, on one
	 * line and cut short
	 */
	ServiceCallException(Reason reason, String endpoint, String detail) {
		this(reason, endpoint, detail, null);
	}

	private ServiceCallException(Reason reason, String endpoint, String detail, FallbackPolicy namedPolicy) {
		super("reason=" + reason.id() + ((endpoint != null) ? " endpoint=" + ProxyUrls.mask(endpoint) : "")
				+ " detail=\"" + LogText.oneLine(UntrustedText.excerpt(detail, MAX_DETAIL)) + "\"", null,
				false, false);
		this.reason = reason;
		this.endpoint = endpoint;
		this.detail = detail;
		this.namedPolicy = namedPolicy;
	}

	private ServiceCallException(String message, Reason reason, String endpoint, FallbackPolicy namedPolicy) {
		super(message, null, false, false);
		this.reason = reason;
		this.endpoint = endpoint;
		this.detail = null;
		this.namedPolicy = namedPolicy;
	}

	/**
	 * An error other than this one that a call ended with: one a guard of the application's own
	 * failed it with. Shown by class and masked message; a timeout counts as one.
	 */
	static ServiceCallException ofGuard(Throwable error) {
		Reason reason = (error instanceof TimeoutException) ? Reason.TIMEOUT : Reason.UNREACHABLE;
		return new ServiceCallException(reason, null, "the guard failed the call: " + ProxyUrls.maskedSummary(error));
	}

	Reason reason() {
		return this.reason;
	}

	String endpoint() {
		return this.endpoint;
	}

	/**
	 * The fallback policy that the answer which could not be used named, or {@code null}: the
	 * service's latest word on the exchange all the same.
	 */
	FallbackPolicy namedPolicy() {
		return this.namedPolicy;
	}

	/** The same failure, of an answer that named this fallback policy. */
	ServiceCallException naming(FallbackPolicy policy) {
		return new ServiceCallException(this.reason, this.endpoint, this.detail, policy);
	}

	/** The same failure, naming the endpoint whose answer it is about. */
	ServiceCallException at(String endpoint) {
		return new ServiceCallException(this.reason, endpoint, this.detail, this.namedPolicy);
	}

	/**
	 * This failure, its message preceded by those of the endpoints tried before, and the
	 * policy named last: an endpoint that did not answer leaves the policy another one named.
	 */
	ServiceCallException after(ServiceCallException earlier) {
		return new ServiceCallException(earlier.getMessage() + "; then " + getMessage(), this.reason, this.endpoint,
				(this.namedPolicy != null) ? this.namedPolicy : earlier.namedPolicy);
	}

	/** Why a call failed; the id becomes a metric tag and a log field. */
	enum Reason {

		/** No answer within the timeout. */
		TIMEOUT,

		/** The endpoint could not be reached: refused, unknown host, TLS handshake failed. */
		UNREACHABLE,

		/** The service answered 5xx or 429. */
		SERVER_ERROR,

		/** The service answered 401 or 403: the token, API key or client certificate is wrong. */
		UNAUTHORIZED,

		/** The service answered another 4xx. */
		REJECTED,

		/** The answer is not JSON of the protocol, or a field has a value the protocol does not know. */
		MALFORMED,

		/** The answer names a proxy URL the transport cannot use. */
		UNSUPPORTED_PROXY,

		/** The service's circuit breaker is open: no call was made. */
		CIRCUIT_OPEN;

		String id() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** Whether the same call may work later: the service is down or overloaded, not wrong. */
		boolean transientFailure() {
			return this == TIMEOUT || this == UNREACHABLE || this == SERVER_ERROR || this == CIRCUIT_OPEN;
		}

	}

}
