package io.cryptofeed.proxy.autoconfigure;

import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.PoolSpec;

/**
 * Validated configuration, ready to build pools from.
 *
 * @param pools at most one per settings block and connection type
 * @param hostPatterns each exchange's host patterns, normalized, keyed by lower-case id
 */
public record CompiledProxyConfiguration(List<PoolSpec> pools, Map<String, List<String>> hostPatterns) {

	public CompiledProxyConfiguration {
		pools = List.copyOf(pools);
		hostPatterns = Map.copyOf(hostPatterns);
	}

}
