package io.cryptofeed.proxy.testkit;

import java.net.InetAddress;

/**
 * What a {@link TestProxyBuilder} collected, handed to the proxy it starts.
 *
 * @param tls whether clients speak TLS to the proxy before its handshake
 */
record ProxySettings(InetAddress bindAddress, int port, InetAddress egressAddress, Credentials credentials,
		Fault fault, boolean tls) {
}
