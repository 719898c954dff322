package io.cryptofeed.proxy.core;

/** Names under which a request says which exchange it belongs to. */
public final class ProxyAttributes {

	/**
	 * The request attribute (WebClient, RestClient) and Reactor context key whose value, an
	 * exchange id, chooses the exchange's pool regardless of the request's host.
	 */
	public static final String EXCHANGE = "cryptofeed.proxy.exchange";

	private ProxyAttributes() {
	}

}
