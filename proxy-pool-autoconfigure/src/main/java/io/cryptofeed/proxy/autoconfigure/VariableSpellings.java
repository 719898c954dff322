package io.cryptofeed.proxy.autoconfigure;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import io.cryptofeed.proxy.autoconfigure.ProxyProperties.ExchangeSettings;
import io.cryptofeed.proxy.core.ExchangeIds;

/**
 * Which exchange ids are only an environment variable's spelling of another. Spring binds
 * {@code coinbase-pro}, {@code coinbase_pro} and {@code coinbasepro} as one name, and an
 * environment variable cannot hold a dash: {@code CRYPTOFEED_PROXY_EXCHANGES_COINBASEPRO_…}
 * adds the id {@code coinbasepro}, bound with the same values, which is that exchange.
 */
final class VariableSpellings {

	/** The exchanges whose ids hold a {@code -} or {@code _}, by the id without them. */
	private final Map<String, ExchangeSettings> joined = new HashMap<>();

	VariableSpellings(Map<String, ExchangeSettings> exchanges) {
		exchanges.forEach((id, exchange) -> {
			String normalized = id.strip().toLowerCase(Locale.ROOT);
			String joined = ExchangeIds.fold(normalized);
			if (!joined.equals(normalized)) {
				this.joined.putIfAbsent(joined, exchange);
			}
		});
	}

	/**
	 * Whether the exchange bound under this id (stripped, lower case) is one written with a
	 * dash or underscore, spelled as a variable does: to be compiled under that one's id only.
	 */
	boolean spellsAnother(String normalized, ExchangeSettings exchange) {
		return BoundValues.same(this.joined.get(normalized), exchange);
	}

}
