package io.cryptofeed.proxy.service;

import java.net.ConnectException;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.LogText;

/**
 * The proxy service gave no proxy for a connection and its fallback policy is {@code fail}:
 * the connection fails instead of going through the embedded pools or directly.
 */
public class ProxyServiceUnavailableException extends ConnectException {

	private final String exchange;

	private final ConnectionType type;

	ProxyServiceUnavailableException(String exchange, ConnectionType type, String cause) {
		super("the proxy service gave no proxy and its fallback policy is fail: exchange=" + LogText.oneLine(exchange) + " type="
				+ type + " cause=" + cause);
		this.exchange = exchange;
		this.type = type;
	}

	public String exchange() {
		return this.exchange;
	}

	public ConnectionType type() {
		return this.type;
	}

}
