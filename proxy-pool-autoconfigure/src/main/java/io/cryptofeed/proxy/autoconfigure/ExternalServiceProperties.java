package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.service.AuthMethod;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * The client of an external proxy service: asked for the proxy of each connection before the
 * embedded pools, which stay the fallback. Needs {@code cryptofeed.proxy.enabled=true}.
 */
@ConfigurationProperties(ExternalServiceProperties.PREFIX)
public class ExternalServiceProperties {

	public static final String PREFIX = "cryptofeed.proxy.external-service";

	/** Whether to ask the external proxy service for the proxy of each connection. */
	private boolean enabled;

	/** Base URLs of the service (http or https), tried in order; a call starts at the one that answered last. */
	private List<String> endpoints = new ArrayList<>();

	/** How the client authenticates: none, bearer-token, api-key or mutual-tls. */
	private AuthMethod authMethod = AuthMethod.NONE;

	/** Bearer token sent as 'Authorization: Bearer ...' with auth-method bearer-token. */
	private String token;

	/** API key sent as 'X-API-Key' with auth-method api-key. */
	private String apiKey;

	/** Key store with the client certificate for auth-method mutual-tls, a resource location such as file:/etc/feed/client.p12. */
	private String keyStore;

	/** Password of the key store and of its key. */
	private String keyStorePassword;

	/** Type of the key store, such as PKCS12 or JKS. */
	private String keyStoreType = "PKCS12";

	/** Trust store with the certificates that may sign the service's certificate; the JDK's when not set. */
	private String trustStore;

	/** Password of the trust store. */
	private String trustStorePassword;

	/** Type of the trust store, such as PKCS12 or JKS. */
	private String trustStoreType = "PKCS12";

	/** Time one call to one endpoint may take before the next endpoint is tried; a bare number means seconds. */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration timeout = Duration.ofSeconds(10);

	/** How long an answer is reused for its exchange and connection type when it gives no ttl_seconds, and the longest its ttl_seconds may keep it where that is over 1h (else 1h); a bare number means seconds. */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration cacheTtl = Duration.ofSeconds(300);

	/** Whether a circuit breaker stops calls to the service after repeated failures, so connections fall back at once. */
	private boolean circuitBreakerEnabled = true;

	/** How long the open breaker refuses calls before a trial call; a bare number means seconds. */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration circuitBreakerWaitDuration = Duration.ofSeconds(30);

	/** Whether the embedded_fallback policy may use the embedded pools; when false it connects directly. */
	private boolean fallbackToEmbedded = true;

	/** How this client names itself to the service; the application name and host name when not set. */
	private String clientId;

	/** Where this client runs, sent with each request so the service can choose nearby proxies. */
	private String region;

	/** Labels sent with each request, such as desk or environment. */
	private Map<String, String> metadata = new LinkedHashMap<>();

	/** Feedback reports kept while the service is slow or down; when full the oldest is dropped. */
	private int feedbackQueueCapacity = 1000;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getEndpoints() {
		return this.endpoints;
	}

	public void setEndpoints(List<String> endpoints) {
		this.endpoints = endpoints;
	}

	public AuthMethod getAuthMethod() {
		return this.authMethod;
	}

	public void setAuthMethod(AuthMethod authMethod) {
		this.authMethod = authMethod;
	}

	public String getToken() {
		return this.token;
	}

	public void setToken(String token) {
		this.token = token;
	}

	public String getApiKey() {
		return this.apiKey;
	}

	public void setApiKey(String apiKey) {
		this.apiKey = apiKey;
	}

	public String getKeyStore() {
		return this.keyStore;
	}

	public void setKeyStore(String keyStore) {
		this.keyStore = keyStore;
	}

	public String getKeyStorePassword() {
		return this.keyStorePassword;
	}

	public void setKeyStorePassword(String keyStorePassword) {
		this.keyStorePassword = keyStorePassword;
	}

	public String getKeyStoreType() {
		return this.keyStoreType;
	}

	public void setKeyStoreType(String keyStoreType) {
		this.keyStoreType = keyStoreType;
	}

	public String getTrustStore() {
		return this.trustStore;
	}

	public void setTrustStore(String trustStore) {
		this.trustStore = trustStore;
	}

	public String getTrustStorePassword() {
		return this.trustStorePassword;
	}

	public void setTrustStorePassword(String trustStorePassword) {
		this.trustStorePassword = trustStorePassword;
	}

	public String getTrustStoreType() {
		return this.trustStoreType;
	}

	public void setTrustStoreType(String trustStoreType) {
		this.trustStoreType = trustStoreType;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Duration getCacheTtl() {
		return this.cacheTtl;
	}

	public void setCacheTtl(Duration cacheTtl) {
		this.cacheTtl = cacheTtl;
	}

	public boolean isCircuitBreakerEnabled() {
		return this.circuitBreakerEnabled;
	}

	public void setCircuitBreakerEnabled(boolean circuitBreakerEnabled) {
		this.circuitBreakerEnabled = circuitBreakerEnabled;
	}

	public Duration getCircuitBreakerWaitDuration() {
		return this.circuitBreakerWaitDuration;
	}

	public void setCircuitBreakerWaitDuration(Duration circuitBreakerWaitDuration) {
		this.circuitBreakerWaitDuration = circuitBreakerWaitDuration;
	}

	public boolean isFallbackToEmbedded() {
		return this.fallbackToEmbedded;
	}

	public void setFallbackToEmbedded(boolean fallbackToEmbedded) {
		this.fallbackToEmbedded = fallbackToEmbedded;
	}

	public String getClientId() {
		return this.clientId;
	}

	public void setClientId(String clientId) {
		this.clientId = clientId;
	}

	public String getRegion() {
		return this.region;
	}

	public void setRegion(String region) {
		this.region = region;
	}

	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	/** @param metadata the labels; {@code null} (set in code) is none, as when nothing is bound */
	public void setMetadata(Map<String, String> metadata) {
		this.metadata = (metadata != null) ? metadata : new LinkedHashMap<>();
	}

	public int getFeedbackQueueCapacity() {
		return this.feedbackQueueCapacity;
	}

	public void setFeedbackQueueCapacity(int feedbackQueueCapacity) {
		this.feedbackQueueCapacity = feedbackQueueCapacity;
	}

}
