package io.cryptofeed.proxy.health.probe;

import java.net.URI;
import java.util.Objects;
import java.util.function.IntPredicate;

import io.cryptofeed.proxy.netty.ProxyTls;

/** Creates the built-in {@link HealthProbe health probes}. */
public final class HealthProbes {

	private HealthProbes() {
	}

	/**
	 * Connects to the proxy and completes a harmless protocol greeting (HTTP CONNECT, SOCKS5
	 * method selection and authentication, SOCKS4 request), so that a proxy whose process hangs
	 * while the kernel still accepts its TCP connections counts as dead.
	 */
	public static HealthProbe tcp() {
		return tcp(ProxyTls.systemDefault());
	}

	/** {@link #tcp()}, greeting {@code https} members over the given TLS. */
	public static HealthProbe tcp(ProxyTls tls) {
		return new GreetingProbe(tls);
	}

	/**
	 * Sends a real {@code GET url} through the proxy and passes when the response status
	 * matches {@code expectedStatus}, proving the proxy, its credentials and its egress.
	 * @param url an absolute {@code http} or {@code https} URL the proxy must be able to reach
	 * @param expectedStatus which status codes mean healthy, for example {@code (s) -> s >= 200 && s < 300}
	 */
	public static HealthProbe http(URI url, IntPredicate expectedStatus) {
		return http(url, expectedStatus, ProxyTls.systemDefault());
	}

	/** {@link #http(URI, IntPredicate)}, through {@code https} members over the given TLS. */
	public static HealthProbe http(URI url, IntPredicate expectedStatus, ProxyTls tls) {
		Objects.requireNonNull(url, "url");
		Objects.requireNonNull(expectedStatus, "expectedStatus");
		return new HttpThroughProxyProbe(url, expectedStatus, tls);
	}

	/**
	 * Checks only that the proxy's host answers {@link java.net.InetAddress#isReachable(int)},
	 * which without the privilege to send ICMP is a TCP connection attempt to port 7 where even
	 * a refused connection counts as reachable.
	 */
	public static HealthProbe ping() {
		return new PingProbe();
	}

}
