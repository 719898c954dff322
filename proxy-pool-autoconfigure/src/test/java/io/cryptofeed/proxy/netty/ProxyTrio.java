package io.cryptofeed.proxy.netty;

import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;

/**
 * A target server and three in-JVM proxies in front of it: two HTTP CONNECT, one SOCKS5 with
 * a password. Each proxy leaves from its own loopback address ({@code egressPrefix} + 1, 2,
 * 3), so the target's view of the peer tells which one carried a request.
 */
final class ProxyTrio implements AutoCloseable {

	final TargetServer target;

	final HttpConnectProxy first;

	final HttpConnectProxy second;

	final Socks5Proxy third;

	final String password;

	ProxyTrio(String egressPrefix, String password) {
		this(egressPrefix, password, TargetServer.start("127.0.0.1"));
	}

	/** The proxies in front of the target given, which the trio closes with them. */
	ProxyTrio(String egressPrefix, String password, TargetServer target) {
		this.password = password;
		this.target = target;
		this.first = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress(egressPrefix + "1").start();
		this.second = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress(egressPrefix + "2").start();
		this.third = Socks5Proxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress(egressPrefix + "3")
			.credentials("feed", password)
			.start();
	}

	/** The three proxies as pool members of one settings block, e.g. {@code default.http}. */
	String[] pool(String block) {
		return TransportTestSupport.pool(block, this.first.url(), this.second.url(), this.third.url());
	}

	/** Tunnels the three proxies opened so far: each counted before its client heard it was up. */
	int tunnels() {
		return this.first.tunnels() + this.second.tunnels() + this.third.tunnels();
	}

	@Override
	public void close() {
		this.first.close();
		this.second.close();
		this.third.close();
		this.target.close();
	}

}
