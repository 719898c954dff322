package io.cryptofeed.sample.demo;

import io.cryptofeed.proxy.testkit.TestProxy;

/**
 * One of the demo's proxies.
 *
 * @param name what the demo calls it
 * @param proxy the running proxy (from the proxy-pool test kit)
 * @param egress the loopback address it connects to the exchange from, by which the exchange
 * tells the proxies apart
 */
public record DemoProxy(String name, TestProxy proxy, String egress) {

	@Override
	public String toString() {
		// the proxy's own toString shows its URL with the password
		return this.name + " (" + this.proxy.host() + ":" + this.proxy.port() + ")";
	}

}
