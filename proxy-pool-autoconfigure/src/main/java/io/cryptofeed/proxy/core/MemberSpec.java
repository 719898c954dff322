package io.cryptofeed.proxy.core;

import java.util.Map;
import java.util.Objects;

/**
 * A validated pool member as configured.
 *
 * @param endpoint the proxy
 * @param weight relative share for the weighted strategy, at least 1
 * @param enabled whether the member may be selected at all
 * @param metadata free-form labels (region, provider...) for operators and custom strategies
 */
public record MemberSpec(ProxyEndpoint endpoint, int weight, boolean enabled, Map<String, String> metadata) {

	public MemberSpec {
		Objects.requireNonNull(endpoint, "endpoint");
		if (weight < 1) {
			throw new IllegalArgumentException("weight must be at least 1, but was " + weight);
		}
		Objects.requireNonNull(metadata, "metadata");
		// Map.copyOf would throw a bare NullPointerException, naming neither the label nor the fault
		metadata.forEach((name, value) -> {
			if (name == null) {
				throw new IllegalArgumentException("a metadata label has no name");
			}
			if (value == null) {
				throw new IllegalArgumentException("the metadata label '" + name + "' has no value");
			}
		});
		metadata = Map.copyOf(metadata);
	}

	public static MemberSpec of(ProxyEndpoint endpoint) {
		return new MemberSpec(endpoint, 1, true, Map.of());
	}

}
