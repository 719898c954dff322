package io.cryptofeed.proxy.testkit.real;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
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
	 * which proxy carried a request; the bind address by default. Targets of the other address
	 * family are reached from {@code 127.0.0.1} or {@code ::1}.
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

	/**
	 * The egress address, then the loopback address of the other family where this machine has
	 * one: the proxy connects to a target from the first of them of the target's family, so that
	 * a proxy on {@code ::1} reaches an IPv4 target too, as the in-JVM proxies do.
	 */
	List<InetAddress> egressAddresses() {
		InetAddress egress = egressAddress();
		InetAddress other = Loopback.address((egress instanceof Inet6Address) ? "127.0.0.1" : "::1");
		return isBindable(other) ? List.of(egress, other) : List.of(egress);
	}

	Duration startTimeout() {
		return this.startTimeout;
	}

	/** Whether a socket can be bound to the address: not {@code ::1} where IPv6 is off. */
	private static boolean isBindable(InetAddress address) {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(address, 0));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@SuppressWarnings("unchecked")
	private B self() {
		return (B) this;
	}

}
