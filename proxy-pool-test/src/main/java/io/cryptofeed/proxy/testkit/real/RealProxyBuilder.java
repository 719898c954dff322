package io.cryptofeed.proxy.testkit.real;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

import io.cryptofeed.proxy.testkit.Loopback;

/**
 * Addresses and start timeout common to the real proxy launchers.
 * @param <B> the concrete builder
 * @param <P> the proxy it starts
 */
public abstract class RealProxyBuilder<B extends RealProxyBuilder<B, P>, P extends RealProxy> {

	private InetAddress bindAddress = Loopback.address("127.0.0.1");

	private InetAddress egressAddress;

	private Duration startTimeout = Duration.ofSeconds(10);

	RealProxyBuilder() {
	}

	/** Sets the loopback address to listen on, {@code 127.0.0.1} by default; the port is picked free. */
	public B bindAddress(String address) {
		this.bindAddress = Loopback.address(address);
		return self();
	}

	/**
	 * Sets the loopback address connections to targets are bound to, so that a target can tell
	 * which proxy carried a request; the bind address by default.
	 */
	public B egressAddress(String address) {
		this.egressAddress = Loopback.address(address);
		return self();
	}

	/** Sets how long {@code start()} waits for the process to accept connections, 10 seconds by default. */
	public B startTimeout(Duration timeout) {
		this.startTimeout = Objects.requireNonNull(timeout, "timeout");
		return self();
	}

	/**
	 * Starts the process and waits until it accepts connections; aborts the calling test when the
	 * binary is missing, see {@link RealProxies#require(String)}.
	 */
	public abstract P start();

	InetAddress bindAddress() {
		return this.bindAddress;
	}

	InetAddress egressAddress() {
		return (this.egressAddress != null) ? this.egressAddress : this.bindAddress;
	}

	Duration startTimeout() {
		return this.startTimeout;
	}

	@SuppressWarnings("unchecked")
	private B self() {
		return (B) this;
	}

}
