package io.cryptofeed.proxy.netty;

import java.io.IOException;

import io.cryptofeed.proxy.core.LogText;

/**
 * A request (or WebSocket session) waited in vain for a connection through its member: every
 * connection the connection provider allows through that member to the target was in use,
 * and its pending-acquire queue was full or the wait ran out. The limit is the application's,
 * not the proxy's doing: the member is not blamed and no other member is tried. The message
 * names the member (credentials masked), the exchange, Reactor Netty's limit and the property
 * that raises it for the auto-configured clients.
 */
public class ProxyConnectionsExhaustedException extends IOException {

	ProxyConnectionsExhaustedException(String through, String exchange, Throwable cause) {
		super("no free connection through " + through + " for exchange=" + LogText.oneLine(exchange) + ": " + cause.getMessage()
				+ "; every connection allowed through this member to this target is in use (the auto-configured"
				+ " clients allow cryptofeed.proxy.connection-pool.max-connections): raise it, add members, or send"
				+ " fewer requests at once. The member is not blamed and no other member is tried", cause);
	}

}
