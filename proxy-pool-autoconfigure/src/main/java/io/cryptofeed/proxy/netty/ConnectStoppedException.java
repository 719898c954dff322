package io.cryptofeed.proxy.netty;

import java.io.IOException;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.LogText;

/**
 * A connection failed before its tunnel was up while the application stops (its event loops
 * close what is open), and no other member was tried for it: a failover then would open a
 * connection through another proxy just as the application goes away. Or it was begun after the
 * stop, before the next start: the event loops it was to run on are shut down, and refused it.
 * The message names the member (credentials masked), the exchange, the connection type and the
 * cause, or that the application is stopped; the member is not blamed for it.
 */
public class ConnectStoppedException extends IOException {

	private final String exchange;

	private final ConnectionType type;

	ConnectStoppedException(String through, String exchange, ConnectionType type, Throwable cause) {
		super(ConnectFailures.loopsShutDown(cause) ? refusedWhileStopped(through, exchange, type)
				: endedWhileStopping(through, exchange, type, cause), cause);
		this.exchange = exchange;
		this.type = type;
	}

	private static String endedWhileStopping(String through, String exchange, ConnectionType type, Throwable cause) {
		return "connect through " + through + " for exchange=" + named(exchange) + " type=" + type
				+ " ended while the application is stopping, and is not tried through another member: "
				+ ProxyConnectFailedException.describe(cause);
	}

	/** The loops' own error ("event executor terminated") would read as a bug: the cause keeps it. */
	private static String refusedWhileStopped(String through, String exchange, ConnectionType type) {
		return "connect through " + through + " for exchange=" + named(exchange) + " type=" + type
				+ " is not made: the application is stopped, and its event loops are shut down";
	}

	private static String named(String exchange) {
		return (exchange != null) ? LogText.oneLine(exchange) : "(default)";
	}

	/** The exchange the connection was for, as errors name it; {@code null} for none. */
	public String exchange() {
		return this.exchange;
	}

	public ConnectionType type() {
		return this.type;
	}

}
