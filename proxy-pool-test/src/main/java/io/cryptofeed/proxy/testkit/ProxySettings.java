package io.cryptofeed.proxy.testkit;

import java.net.InetAddress;
import java.util.Map;

/**
 * What a {@link TestProxyBuilder} collected, handed to the proxy it starts.
 *
 * @param tls whether clients speak TLS to the proxy before its handshake
 * @param mappedHosts target names the proxy resolves itself, by lower-case name
 */
record ProxySettings(InetAddress bindAddress, int port, InetAddress egressAddress, Credentials credentials,
		Fault fault, boolean tls, Map<String, InetAddress> mappedHosts) {

	ProxySettings {
		mappedHosts = Map.copyOf(mappedHosts);
	}

}
