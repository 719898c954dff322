package io.cryptofeed.proxy.autoconfigure;

import java.util.function.Consumer;


/**
 * Tells a part of the starter that the application stops, just before Boot's Reactor Netty
 * resources (the {@code reactorResourceFactory} bean, phase 0), whose event loops then close
 * every connection still open, and that it runs again when a stopped context starts. What such
 * a close cuts is then taken for the stop it is: not failed over through the next member (on a
 * loop not stopped yet, or on global loops Reactor Netty starts anew), nor taken for a proxy
 * service gone down. Later than the application's own beans and the web server's graceful
 * shutdown, whose requests still fail over.
 */
final class StoppingFlag extends ContextStartStop {

	/** Stopped after every phase above, and before Boot's Reactor Netty resources. */
	static final int PHASE = 1;

	/** Told {@code true} as the application stops, {@code false} as it starts. */
	private final Consumer<Boolean> stopping;

	StoppingFlag(Consumer<Boolean> stopping) {
		super(PHASE);
		this.stopping = stopping;
	}

	@Override
	void onStart() {
		this.stopping.accept(false);
	}

	@Override
	void onStop() {
		this.stopping.accept(true);
	}

}
