package io.cryptofeed.sample;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Shows where this feed's connections would go: for each exchange host it talks to, the pool
 * (or direct connection) per connection type, and a few selections from each pool.
 */
@Component
class PoolReport implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(PoolReport.class);

	/** Hosts a two-exchange feed connects to. */
	static final List<String> FEED_HOSTS = List.of("api.binance.com", "stream.binance.com", "api.kraken.com",
			"ws.kraken.com");

	private final ObjectProvider<ProxyPools> pools;

	PoolReport(ObjectProvider<ProxyPools> pools) {
		this.pools = pools;
	}

	@Override
	public void run(ApplicationArguments args) {
		ProxyPools pools = this.pools.getIfAvailable();
		if (pools == null) {
			logger.info("cryptofeed.proxy.enabled is false: every connection goes direct");
			return;
		}
		for (String host : FEED_HOSTS) {
			for (ConnectionType type : ConnectionType.values()) {
				String exchange = pools.exchangeForHost(host).orElse("(default)");
				String route = pools.resolveForHost(host, type).map(PoolReport::sample).orElse("direct");
				logger.info(String.format("%-20s %-9s exchange=%-9s -> %s", host, type, exchange, route));
			}
		}
	}

	/** The pool's key and its next few selections, as a connection would make them. */
	private static String sample(ProxyPool pool) {
		StringBuilder picks = new StringBuilder(pool.key().toString()).append(" next:");
		for (int i = 0; i < Math.min(4, pool.members().size() * 2); i++) {
			try (var lease = pool.select()) {
				picks.append(' ').append(lease.endpoint().hostAndPort());
			}
		}
		return picks.toString();
	}

}
