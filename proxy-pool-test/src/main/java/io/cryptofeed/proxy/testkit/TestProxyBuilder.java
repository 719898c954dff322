package io.cryptofeed.proxy.testkit;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Common settings of the in-JVM proxies; {@link #start()} binds the proxy and returns it running.
 * @param <B> the concrete builder
 * @param <P> the proxy it starts
 */
public abstract class TestProxyBuilder<B extends TestProxyBuilder<B, P>, P extends TestProxy> {

	private InetAddress bindAddress = Loopback.address("127.0.0.1");

	private int port;

	private InetAddress egressAddress;

	private Credentials credentials;

	private Fault fault = Fault.NONE;

	private boolean tls;

	private final Map<String, InetAddress> mappedHosts = new HashMap<>();

	private Consumer<? super P> startListener = (proxy) -> {
	};

	TestProxyBuilder() {
	}

	/** Sets the loopback address to listen on, {@code 127.0.0.1} by default. */
	public B bindAddress(String address) {
		this.bindAddress = Loopback.address(address);
		return self();
	}

	/** Sets the port to listen on, {@code 0} (an ephemeral port) by default. */
	public B port(int port) {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("Invalid port " + port);
		}
		this.port = port;
		return self();
	}

	/**
	 * Sets the loopback address outgoing connections to targets are bound to, so that a target
	 * can tell from the peer address which proxy carried a request; the bind address by default.
	 * Targets of the other address family (IPv6 against an IPv4 egress address) are reached
	 * from whatever source address the kernel chooses.
	 */
	public B egressAddress(String address) {
		this.egressAddress = Loopback.address(address);
		return self();
	}

	/**
	 * Requires these credentials from every client. {@link #start()} throws
	 * {@link IllegalArgumentException} for what the protocol cannot carry: an HTTP proxy's user
	 * name with a ':' (RFC 7617), more than 255 bytes of either in UTF-8 for SOCKS5 (RFC 1929).
	 */
	public B credentials(String user, String password) {
		this.credentials = new Credentials(user, password);
		return self();
	}

	/**
	 * Sets the behaviour the proxy starts with, {@link Fault#NONE} by default; {@link #start()}
	 * throws {@link IllegalArgumentException} for a fault the proxy's protocol does not have.
	 */
	public B fault(Fault fault) {
		this.fault = Objects.requireNonNull(fault, "fault");
		return self();
	}

	/**
	 * Makes the proxy resolve a target name to this loopback address instead of asking DNS, so
	 * that a test can send any name (a name that does not exist, the ASCII form of an
	 * internationalized one) and still reach a target on loopback. Names match ignoring case.
	 */
	public B mapHost(String name, String loopbackAddress) {
		this.mappedHosts.put(name.toLowerCase(Locale.ROOT), Loopback.address(loopbackAddress));
		return self();
	}

	/** Binds the listener and starts accepting connections. */
	public final P start() {
		P proxy = create(new ProxySettings(this.bindAddress, this.port,
				(this.egressAddress != null) ? this.egressAddress : this.bindAddress, this.credentials, this.fault,
				this.tls, this.mappedHosts));
		this.startListener.accept(proxy);
		return proxy;
	}

	/** Makes clients speak TLS to the proxy, for the protocols that have such a variant. */
	B withTls() {
		this.tls = true;
		return self();
	}

	B whenStarted(Consumer<? super P> listener) {
		this.startListener = Objects.requireNonNull(listener, "listener");
		return self();
	}

	abstract P create(ProxySettings settings);

	@SuppressWarnings("unchecked")
	private B self() {
		return (B) this;
	}

}
