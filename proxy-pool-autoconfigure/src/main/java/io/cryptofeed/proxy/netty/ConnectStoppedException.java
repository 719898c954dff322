package io.cryptofeed.proxy.netty;

import java.io.IOException;

/**
 * A connection failed before its tunnel was up while the application stops (its event loops
 * close what is open), and no other member was tried for it: a failover then would open a
 * connection through another proxy just as the application goes away. The message names the
 * member (credentials masked) and the cause; the member is not blamed for it.
 */
public class ConnectStoppedException extends IOException {

	ConnectStoppedException(String through, Throwable cause) {
		super("connect through " + through + " ended while the application is stopping, and is not tried "
				+ "through another member: " + ProxyConnectFailedException.describe(cause), cause);
	}

}
