package io.cryptofeed.proxy.core;

/** Names under which a request says which exchange it belongs to. */
public final class ProxyAttributes {

	/**
	 * The request attribute (WebClient, RestClient) and Reactor context key whose value, an
	 * exchange id, chooses the exchange's pool regardless of the request's host. Either takes
	 * a String or any other value by its {@code toString()} (an enum's constant name, say):
	 * ids are matched ignoring case, so {@code BINANCE} names exchange {@code binance}, while
	 * {@code COINBASE_PRO} does not name {@code coinbase-pro}.
	 */
	public static final String EXCHANGE = "cryptofeed.proxy.exchange";

	private ProxyAttributes() {
	}

}
