package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.service.ServiceProxySource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Tells the proxy service's client that the application stops, with failover (see
 * {@link FailoverStop}, whose phase it shares): a call to the service that Boot's Reactor Netty
 * resources close next is then not taken for a service gone down, warned about and fallen back
 * from, but ends its connection as stopped.
 */
final class ServiceAsksStop implements SmartLifecycle {

	private final ObjectProvider<ServiceProxySource> source;

	private volatile boolean running;

	ServiceAsksStop(ObjectProvider<ServiceProxySource> source) {
		this.source = source;
	}

	@Override
	public void start() {
		this.source.ifAvailable((source) -> source.stopping(false));
		this.running = true;
	}

	@Override
	public void stop() {
		this.source.ifAvailable((source) -> source.stopping(true));
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return FailoverStop.PHASE;
	}

}
