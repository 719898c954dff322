package io.cryptofeed.proxy.core;

/** The two kinds of connection a feed handler opens; each has its own pools. */
public enum ConnectionType {

	/** REST and other request/response traffic. */
	HTTP("http"),

	/** Long-lived streaming connections. */
	WEBSOCKET("websocket");

	private final String id;

	ConnectionType(String id) {
		this.id = id;
	}

	/** The lower-case name used in configuration keys, logs and metric tags. */
	public String id() {
		return this.id;
	}

	@Override
	public String toString() {
		return this.id;
	}

}
