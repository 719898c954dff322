package io.cryptofeed.proxy.netty;

import java.util.concurrent.atomic.LongAdder;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.LogText;
import io.cryptofeed.proxy.core.PoolKey;

/**
 * Counts what went without a proxy, by connection type and reason: each HTTP request and
 * each WebSocket connect that the pools routed directly, and each HTTP request of a Boot
 * client whose connector or request factory is not on the pools. Traffic that leaves directly
 * is never silent then: a host the pools were meant to carry that no pattern claims, with no
 * {@code default} block, shows up here, and so does a client that bypasses the pools.
 */
public final class DirectRoutes {

	/** Why a connection went without a proxy. */
	public enum Reason {

		/** Its host is one of {@code cryptofeed.proxy.direct-hosts}. */
		DIRECT_HOST("direct-host"),

		/** Neither its exchange's block nor the default block has a pool for its type. */
		NO_POOL("no-pool"),

		/** The proxy service said so: its answer, or its fallback policy. */
		SERVICE("service"),

		/**
		 * A client from Boot's builders whose connector or request factory is not on the pools
		 * sent it: counted when its answer arrives, as no pooled connect took it.
		 */
		UNPOOLED_CLIENT("unpooled-client");

		private final String tag;

		Reason(String tag) {
			this.tag = tag;
		}

		/** The value of the {@code reason} metric tag. */
		public String tag() {
			return this.tag;
		}

	}

	private static final System.Logger log = System.getLogger(DirectRoutes.class.getName());

	/** {@code values()} copies its array at each call; counting stays allocation-free. */
	private static final int REASONS = Reason.values().length;

	/** Exchange ids warned about, one set per connection type, so a repeat builds no key. */
	private final FirstSightings[] namedWithoutPool = new FirstSightings[ConnectionType.values().length];

	private final LongAdder[] counts = new LongAdder[ConnectionType.values().length * REASONS];

	DirectRoutes() {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] = new LongAdder();
		}
		for (int i = 0; i < this.namedWithoutPool.length; i++) {
			this.namedWithoutPool[i] = new FirstSightings();
		}
	}

	void routed(ConnectionType type, Reason reason) {
		this.counts[index(type, reason)].increment();
	}

	/**
	 * A request that named its exchange went direct because neither that exchange's block
	 * nor the default block has a pool for its type: most often a misspelt exchange id, so it
	 * is named in a warning, once per exchange and type.
	 */
	void namedExchangeWithoutPool(String exchange, ConnectionType type) {
		// a repeat, on the path of every such request, costs one lookup: the count above keeps it
		if (this.namedWithoutPool[type.ordinal()].first(exchange)) {
			// the request's own text: it may hold anything
			String shown = LogText.oneLine(exchange);
			log.log(System.Logger.Level.WARNING, "proxy pools: " + type.id() + " connections that name exchange '"
					+ shown + "' go direct: neither cryptofeed.proxy." + PoolKey.exchangePath(shown)
					+ " nor cryptofeed.proxy.default has a pool for " + type.id()
					+ " (is the exchange id spelt as in the configuration?)");
		}
	}

	/** How many went directly since start-up, of this type and for this reason. */
	public long count(ConnectionType type, Reason reason) {
		return this.counts[index(type, reason)].sum();
	}

	private static int index(ConnectionType type, Reason reason) {
		return type.ordinal() * REASONS + reason.ordinal();
	}

}
