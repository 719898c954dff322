package io.cryptofeed.proxy.service;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the client talks to the proxy service; validated before it gets here.
 *
 * @param endpoints base URLs of the service, tried in order (the last one that answered first)
 * @param credentials the token or API key sent with each call, or none
 * @param timeout bound on one call to one endpoint
 * @param cacheTtl how long an answer is reused when it does not say ({@code ttl_seconds}), and the
 * longest it may say where that is over an hour
 * @param fallbackToEmbedded whether the {@code embedded_fallback} policy may use the embedded
 * pools (else it connects directly)
 * @param clientId how the client names itself to the service
 * @param region where the client runs, or {@code null}
 * @param metadata labels sent with each request
 * @param feedbackQueueCapacity feedback reports kept while the service is slow or down
 */
public record ServiceClientSettings(List<URI> endpoints, ServiceCredentials credentials, Duration timeout,
		Duration cacheTtl, boolean fallbackToEmbedded, String clientId, String region, Map<String, String> metadata,
		int feedbackQueueCapacity) {

	public ServiceClientSettings {
		endpoints = List.copyOf(endpoints);
		metadata = Map.copyOf(metadata);
		if (endpoints.isEmpty()) {
			throw new IllegalArgumentException("the proxy service needs at least one endpoint");
		}
		if (feedbackQueueCapacity < 1) {
			throw new IllegalArgumentException("the feedback queue needs room for one report at least");
		}
	}

}
