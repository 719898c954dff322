package io.cryptofeed.proxy.autoconfigure;

import org.springframework.context.SmartLifecycle;

/**
 * A part of the starter that only follows the context's start and stop, at its phase: Spring
 * asks whether it runs, which this remembers, and the part says what it does at each.
 */
abstract class ContextStartStop implements SmartLifecycle {

	private final int phase;

	private volatile boolean running;

	ContextStartStop(int phase) {
		this.phase = phase;
	}

	/** What the part does as the context starts, and starts again after a stop. */
	abstract void onStart();

	/** What the part does as the context stops. */
	abstract void onStop();

	@Override
	public final void start() {
		onStart();
		this.running = true;
	}

	@Override
	public final void stop() {
		onStop();
		this.running = false;
	}

	@Override
	public final boolean isRunning() {
		return this.running;
	}

	@Override
	public final int getPhase() {
		return this.phase;
	}

}
