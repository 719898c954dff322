package io.cryptofeed.proxy.netty;

import io.cryptofeed.proxy.core.ConnectionType;
import reactor.core.publisher.Mono;

/**
 * Names the proxy of each connect before the embedded pools do; the external proxy service's
 * client is one. Asked inside the connect, on an event loop: it must not block.
 */
@FunctionalInterface
public interface ProxySource {

	/**
	 * The choice for one connect. After a failure the source is not asked again for the same
	 * connection: its further attempts (failover) use the {@linkplain ProxyChoice#fallback()
	 * fallback} of the proxy named that failed, or stay with the embedded pools whose member
	 * failed when they were the choice.
	 * @param exchange the exchange id, as the configuration spells it where the exchange has
	 * settings of its own (a request that names {@code COINBASE_PRO} is asked about as
	 * {@code coinbase-pro}, see {@link io.cryptofeed.proxy.core.ExchangeIds}), or {@code null}
	 * when neither the request nor the host patterns name one
	 * @param type the connection type
	 * @return the choice; an error only to fail the connection on purpose
	 */
	Mono<ProxyChoice> choose(String exchange, ConnectionType type);

}
