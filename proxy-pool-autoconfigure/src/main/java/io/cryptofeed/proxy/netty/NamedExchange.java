package io.cryptofeed.proxy.netty;

import io.cryptofeed.proxy.core.ProxyAttributes;
import reactor.util.context.ContextView;

/**
 * The exchange a request names under {@link ProxyAttributes#EXCHANGE}, as a request attribute
 * or in the Reactor context. Both read any value by its {@code toString()}, so that an enum of
 * the application's names its exchange in either place, as a String does; the connection's
 * routing then finds the id as configured ({@code COINBASE_PRO} is {@code coinbase-pro}, see
 * {@link io.cryptofeed.proxy.core.ExchangeIds}).
 */
final class NamedExchange {

	private NamedExchange() {
	}

	/** The exchange id the value names, or {@code null} for none. */
	static String of(Object named) {
		// a String is its own toString: the usual case costs nothing more
		return (named != null) ? named.toString() : null;
	}

	/** The exchange id the context names, or {@code null} for none. */
	static String in(ContextView context) {
		return of(context.getOrDefault(ProxyAttributes.EXCHANGE, null));
	}

}
