package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.health.HealthChecker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Stops the health checks as soon as the application stops, with its own beans and before the
 * web server's graceful shutdown: a check then would see the stop (a proxy that goes away with
 * the application, as a sidecar does; a probe its shutdown ends), not the proxy, and mark a
 * good member unhealthy. Starts them again when a stopped context starts.
 */
final class HealthCheckerStop implements SmartLifecycle {

	private final ObjectProvider<HealthChecker> checker;

	private volatile boolean running;

	HealthCheckerStop(ObjectProvider<HealthChecker> checker) {
		this.checker = checker;
	}

	@Override
	public void start() {
		// started already at refresh (see HealthCheckerStart): this starts it again after a stop
		this.checker.ifAvailable(HealthChecker::start);
		this.running = true;
	}

	@Override
	public void stop() {
		this.checker.ifAvailable(HealthChecker::stop);
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return DEFAULT_PHASE;
	}

}
