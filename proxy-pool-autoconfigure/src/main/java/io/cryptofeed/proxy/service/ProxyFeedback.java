package io.cryptofeed.proxy.service;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.cryptofeed.proxy.core.ProxyUrls;

/**
 * {@code POST /api/v1/proxy/feedback}: how connecting through a proxy the service gave went,
 * or, with a {@code status}, that the exchange limits the proxy's address.
 *
 * @param proxyUrl the proxy as the service gave it, without its password
 * @param exchangeId the exchange the connection was for
 * @param connectionType {@code http} or {@code websocket}
 * @param success whether the tunnel through the proxy came up
 * @param latencyMs how long connecting took: on success from the start of the try until the
 * request was sent through the new tunnel (not the wait for its answer), on failure until it failed
 * @param errorDetails why it failed (type and message, URLs masked), or {@code null}
 * @param timestamp when, ISO-8601 in UTC
 * @param clientId who reports
 * @param status the exchange's answer through the proxy, one of its {@code rate-limit.statuses},
 * or {@code null} for a report of a connect; left out of the JSON when {@code null}, so that a
 * connect's report reads as before
 * @param retryAfterSeconds the wait that answer's {@code Retry-After} asked for, in whole seconds
 * rounded up, or {@code null} when it named none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProxyFeedback(@JsonProperty("proxy_url") String proxyUrl, @JsonProperty("exchange_id") String exchangeId,
		@JsonProperty("connection_type") String connectionType, @JsonProperty("success") boolean success,
		@JsonProperty("latency_ms") long latencyMs, @JsonProperty("error_details") String errorDetails,
		@JsonProperty("timestamp") String timestamp, @JsonProperty("client_id") String clientId,
		@JsonProperty("status") @JsonInclude(JsonInclude.Include.NON_NULL) Integer status,
		@JsonProperty("retry_after_seconds") @JsonInclude(JsonInclude.Include.NON_NULL) Long retryAfterSeconds) {

	/** The path of this call below an endpoint. */
	public static final String PATH = "/api/v1/proxy/feedback";

	/** A report of a connect: how it went, without an answer of the exchange's. */
	public ProxyFeedback(String proxyUrl, String exchangeId, String connectionType, boolean success, long latencyMs,
			String errorDetails, String timestamp, String clientId) {
		this(proxyUrl, exchangeId, connectionType, success, latencyMs, errorDetails, timestamp, clientId, null, null);
	}

	@Override
	public String toString() {
		return "ProxyFeedback[proxy_url=" + ProxyUrls.mask(this.proxyUrl) + ", exchange_id=" + this.exchangeId
				+ ", connection_type=" + this.connectionType + ", success=" + this.success + ", latency_ms="
				+ this.latencyMs + ", error_details=" + this.errorDetails + ", timestamp=" + this.timestamp
				+ ", client_id=" + this.clientId + ", status=" + this.status + ", retry_after_seconds="
				+ this.retryAfterSeconds + "]";
	}

}
