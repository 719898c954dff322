package io.cryptofeed.proxy.service;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.cryptofeed.proxy.core.ProxyUrls;

/**
 * The service's answer to a {@link ProxyRequest}.
 *
 * @param proxyUrl {@code scheme://[user:password@]host:port}, or {@code null} when the service
 * has no proxy for the connection (then the fallback policy applies at once)
 * @param strategy how the service chose, for information
 * @param ttlSeconds how long the client may reuse the answer; {@code null} means the client's
 * {@code cache-ttl}, 0 means ask again for the next connection
 * @param fallbackPolicy {@code direct_connection}, {@code embedded_fallback} or {@code fail}
 * @param metadata free-form labels of the proxy
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProxyResponse(@JsonProperty("proxy_url") String proxyUrl, @JsonProperty("strategy") String strategy,
		@JsonProperty("ttl_seconds") Long ttlSeconds, @JsonProperty("fallback_policy") String fallbackPolicy,
		@JsonProperty("metadata") Map<String, Object> metadata) {

	/** Never shows the proxy's credentials. */
	@Override
	public String toString() {
		return "ProxyResponse[proxy_url=" + ProxyUrls.mask(this.proxyUrl) + ", strategy=" + this.strategy
				+ ", ttl_seconds=" + this.ttlSeconds + ", fallback_policy=" + this.fallbackPolicy + ", metadata="
				+ this.metadata + "]";
	}

}
