package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import io.cryptofeed.proxy.service.FallbackPolicy;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * The server side of the proxy service protocol: this application answers other clients from
 * its own pools. Needs a reactive web application and {@code cryptofeed.proxy.enabled=true}.
 */
@ConfigurationProperties(ServiceServerProperties.PREFIX)
public class ServiceServerProperties {

	public static final String PREFIX = "cryptofeed.proxy.service-server";

	/** Whether this application serves the proxy service endpoints from its pools. */
	private boolean enabled;

	/** Bearer token clients must send; set this, api-key, or server.ssl.client-auth=need. */
	private String token;

	/** API key clients must send in 'X-API-Key'; set this, token, or server.ssl.client-auth=need. */
	private String apiKey;

	/**
	 * How long clients may reuse an answer (its ttl_seconds, whole seconds: a fraction rounds
	 * up), and the longest one without a proxy because every member rests; a bare number means
	 * seconds.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration answerTtl = Duration.ofSeconds(60);

	/** What clients do when the proxy in an answer fails or the service is down: embedded-fallback, direct-connection or fail. */
	private FallbackPolicy fallbackPolicy = FallbackPolicy.EMBEDDED_FALLBACK;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
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

	public Duration getAnswerTtl() {
		return this.answerTtl;
	}

	public void setAnswerTtl(Duration answerTtl) {
		this.answerTtl = answerTtl;
	}

	public FallbackPolicy getFallbackPolicy() {
		return this.fallbackPolicy;
	}

	public void setFallbackPolicy(FallbackPolicy fallbackPolicy) {
		this.fallbackPolicy = fallbackPolicy;
	}

}
