package io.cryptofeed.proxy.service;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.cryptofeed.proxy.core.ProxyUrls;

/**
 * {@code POST /api/v1/proxy/feedback}: how connecting through a proxy the service gave went.
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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProxyFeedback(@JsonProperty("proxy_url") String proxyUrl, @JsonProperty("exchange_id") String exchangeId,
		@JsonProperty("connection_type") String connectionType, @JsonProperty("success") boolean success,
		@JsonProperty("latency_ms") long latencyMs, @JsonProperty("error_details") String errorDetails,
		@JsonProperty("timestamp") String timestamp, @JsonProperty("client_id") String clientId) {

	/** The path of this call below an endpoint. */
	public static final String PATH = "/api/v1/proxy/feedback";

	@Override
	public String toString() {
		return "ProxyFeedback[proxy_url=" + ProxyUrls.mask(this.proxyUrl) + ", exchange_id=" + this.exchangeId
				+ ", connection_type=" + this.connectionType + ", success=" + this.success + ", latency_ms="
				+ this.latencyMs + ", error_details=" + this.errorDetails + ", timestamp=" + this.timestamp
				+ ", client_id=" + this.clientId + "]";
	}

}
