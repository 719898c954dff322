package io.cryptofeed.sample.activity;

import java.util.OptionalLong;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyEndpoint;

/**
 * What a proxy carried, counted where something can tell: the demo exchange can, because each
 * demo proxy connects to it from its own address. Real exchanges don't say.
 */
@FunctionalInterface
public interface MemberTraffic {

	/**
	 * REST requests (for {@link ConnectionType#HTTP}) or stream sessions (for
	 * {@link ConnectionType#WEBSOCKET}) that reached the exchange through this proxy so far;
	 * empty when unknown.
	 */
	OptionalLong carried(ProxyEndpoint proxy, ConnectionType type);

}
