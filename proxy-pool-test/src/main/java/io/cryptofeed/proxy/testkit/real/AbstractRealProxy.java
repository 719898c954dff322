package io.cryptofeed.proxy.testkit.real;

import java.net.InetAddress;
import java.time.Duration;

/**
 * Addresses, output and shutdown shared by the real proxy launchers.
 * <p>
 * Public because the compiler names it as the type of an expression that mixes launchers, such
 * as {@code List.of(tinyproxy, microsocks)}, which would not compile outside this package
 * otherwise; only the kit can extend it.
 */
public abstract class AbstractRealProxy implements RealProxy {

	private final InetAddress host;

	private final InetAddress egressAddress;

	private final ProcessLauncher.Launched launched;

	private boolean closed;

	AbstractRealProxy(InetAddress host, InetAddress egressAddress, ProcessLauncher.Launched launched) {
		this.host = host;
		this.egressAddress = egressAddress;
		this.launched = launched;
	}

	@Override
	public String host() {
		return this.host.getHostAddress();
	}

	@Override
	public int port() {
		return this.launched.port();
	}

	@Override
	public String egressAddress() {
		return this.egressAddress.getHostAddress();
	}

	@Override
	public String output() {
		return this.launched.process().output();
	}

	@Override
	public Duration cpuTime() {
		return this.launched.process().cpuTime();
	}

	@Override
	public void pause() {
		this.launched.process().signal("STOP");
	}

	@Override
	public void resume() {
		this.launched.process().signal("CONT");
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			// a paused process would not act on the termination signal until continued
			resume();
		}
		catch (RuntimeException ex) {
			// it has exited already
		}
		this.launched.process().stop();
		ProxyProcess.deleteQuietly(this.launched.directory());
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + host() + ":" + port() + ", egress " + egressAddress() + "]";
	}

}
