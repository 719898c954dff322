package io.cryptofeed.proxy.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

/** The proxy configuration breaks one or more rules; each violation names its property. */
public class InvalidProxyConfigurationException extends RuntimeException {

	private final List<ConfigurationViolation> violations;

	InvalidProxyConfigurationException(List<ConfigurationViolation> violations) {
		super(violations.stream()
			.map(ConfigurationViolation::toString)
			.collect(Collectors.joining("\n  - ", "Invalid proxy configuration:\n  - ", "")));
		this.violations = List.copyOf(violations);
	}

	public List<ConfigurationViolation> violations() {
		return this.violations;
	}

}
