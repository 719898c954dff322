package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;

import io.cryptofeed.proxy.service.ServiceClientSettings;
import io.cryptofeed.proxy.service.ServiceTls;

/**
 * The validated configuration of the external proxy service's client.
 *
 * @param settings how to call the service
 * @param tls key and trust material for https endpoints, or {@code null} for the JDK's defaults
 * @param circuitBreakerWait how long the service's open breaker refuses calls
 */
public record CompiledServiceClient(ServiceClientSettings settings, ServiceTls tls, Duration circuitBreakerWait) {

}
