package io.cryptofeed.proxy.netty;

import java.io.IOException;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.LogText;

/**
 * A connection failed before its tunnel was up while the application stops (its event loops
 * close what is open), and no other member was tried for it: a failover then would open a
 * connection through another proxy just as the application goes away. The message names the
 * member (credentials masked), the exchange, the connection type and the cause; the member is
 * not blamed for it.
 */
public class ConnectStoppedException extends IOException {

	private final String exchange;

	private final ConnectionType type;

	ConnectStoppedException(String through, String exchange, ConnectionType type, Throwable cause) {
		super("connect through " + through + " for exchange="
				+ ((exchange != null) ? LogText.oneLine(exchange) : "(default)") + " type=" + type
				+ " ended while the application is stopping, and is not tried through another member: "
				+ ProxyConnectFailedException.describe(cause), cause);
		this.exchange = exchange;
		this.type = type;
	}

	/** The exchange the connection was for, as errors name it; {@code null} for none. */
	public String exchange() {
		return this.exchange;
	}

	public ConnectionType type() {
		return this.type;
	}

}
