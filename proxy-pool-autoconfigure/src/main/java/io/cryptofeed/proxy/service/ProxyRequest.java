package io.cryptofeed.proxy.service;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code POST /api/v1/proxy/request}: which proxy should this connection use?
 *
 * @param exchangeId the exchange id, {@code default} when the connection names none
 * @param connectionType {@code http} or {@code websocket}
 * @param region where the client runs, or {@code null}
 * @param clientId who asks
 * @param metadata free-form labels of the client
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProxyRequest(@JsonProperty("exchange_id") String exchangeId,
		@JsonProperty("connection_type") String connectionType, @JsonProperty("region") String region,
		@JsonProperty("client_id") String clientId, @JsonProperty("metadata") Map<String, String> metadata) {

	/** The path of this call below an endpoint. */
	public static final String PATH = "/api/v1/proxy/request";

}
