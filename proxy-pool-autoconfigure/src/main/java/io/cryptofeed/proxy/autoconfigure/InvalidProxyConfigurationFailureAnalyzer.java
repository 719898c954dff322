package io.cryptofeed.proxy.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a rejected proxy configuration into a start-up report: each property, its value, the fix. */
class InvalidProxyConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidProxyConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidProxyConfigurationException cause) {
		StringBuilder description = new StringBuilder("The proxy configuration is invalid:\n");
		StringBuilder action = new StringBuilder("Update your application's configuration:\n");
		for (ConfigurationViolation violation : cause.violations()) {
			description.append("\n    Property: ").append(violation.property());
			if (violation.value() != null) {
				description.append("\n    Value: \"").append(violation.value()).append('"');
			}
			description.append("\n    Reason: ").append(violation.problem()).append('\n');
			action.append("\n    ").append(violation.property()).append(": ").append(violation.fix());
		}
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

}
