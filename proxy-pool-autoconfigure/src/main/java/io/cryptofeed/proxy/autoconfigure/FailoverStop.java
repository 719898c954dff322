package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;

import org.springframework.context.SmartLifecycle;

/**
 * Stops failover as the application stops, just before Boot's Reactor Netty resources (the
 * {@code reactorResourceFactory} bean, phase 0), whose event loops then close every connection
 * still open: a connect they cut would otherwise be tried through the next member, on a loop
 * not stopped yet or on global loops Reactor Netty starts anew. Later than the application's
 * own beans and the web server's graceful shutdown, whose requests still fail over.
 */
final class FailoverStop implements SmartLifecycle {

	/** Stopped after every phase above, and before Boot's Reactor Netty resources. */
	static final int PHASE = 1;

	private final ProxyPoolHttpClients clients;

	private volatile boolean running;

	FailoverStop(ProxyPoolHttpClients clients) {
		this.clients = clients;
	}

	@Override
	public void start() {
		this.clients.stopping(false);
		this.running = true;
	}

	@Override
	public void stop() {
		this.clients.stopping(true);
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
