package io.cryptofeed.proxy.core;

/** Names under which a request says which exchange it belongs to. */
public final class ProxyAttributes {

	/**
	 * The request attribute (WebClient, RestClient) and Reactor context key whose value, an
	 * exchange id, chooses the exchange's pool regardless of the request's host. Either takes
	 * a String or any other value by its {@code toString()} (an enum's constant name, say).
	 * Ids match ignoring case, {@code -} and {@code _}, as Spring Boot binds them (see
	 * {@link ExchangeIds}): {@code BINANCE} names exchange {@code binance}, and
	 * {@code COINBASE_PRO} names {@code coinbase-pro} (or {@code coinbase_pro}, or
	 * {@code coinbasepro}, however the configuration spells it). Everything downstream (the
	 * exchange's limits, the proxy service's question, errors, meters) then uses the id as
	 * configured.
	 */
	public static final String EXCHANGE = "cryptofeed.proxy.exchange";

	private ProxyAttributes() {
	}

}
