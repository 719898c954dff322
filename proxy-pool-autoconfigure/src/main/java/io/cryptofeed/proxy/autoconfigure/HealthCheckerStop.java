package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.health.HealthChecker;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Stops the health checks as soon as the application stops, with its own beans and before the
 * web server's graceful shutdown: a check then would see the stop (a proxy that goes away with
 * the application, as a sidecar does; a probe its shutdown ends), not the proxy, and mark a
 * good member unhealthy. Starts them again when a stopped context starts.
 */
final class HealthCheckerStop extends ContextStartStop {

	private final ObjectProvider<HealthChecker> checker;

	HealthCheckerStop(ObjectProvider<HealthChecker> checker) {
		super(DEFAULT_PHASE);
		this.checker = checker;
	}

	@Override
	void onStart() {
		// started already at refresh (see HealthCheckerStart): this starts it again after a stop
		this.checker.ifAvailable(HealthChecker::start);
	}

	@Override
	void onStop() {
		this.checker.ifAvailable(HealthChecker::stop);
	}

}
