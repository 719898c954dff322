package io.cryptofeed.proxy.health.probe;

import java.time.Duration;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import reactor.core.publisher.Mono;

/** Checks one proxy once. Non-blocking: the returned Mono does the I/O when subscribed. */
@FunctionalInterface
public interface HealthProbe {

	/**
	 * Emits how long the check took when the proxy is alive, or errors with a
	 * {@link ProbeFailedException} (message: what failed, credentials never included) when it
	 * is not. Must terminate within {@code timeout} (a timeout is a failure, not a hang): the
	 * {@code HealthChecker} gives up and cancels a check that has not a second later, and
	 * counts it as failed.
	 */
	Mono<Duration> check(ProxyEndpoint endpoint, Duration timeout);

}
