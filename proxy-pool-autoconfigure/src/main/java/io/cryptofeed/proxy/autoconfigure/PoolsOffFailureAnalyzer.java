package io.cryptofeed.proxy.autoconfigure;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.analyzer.AbstractInjectionFailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Explains a missing reactive {@code WebSocketClient}, or a missing bean of the starter's,
 * while {@code cryptofeed.proxy.enabled} is not {@code true}: the starter defines them only
 * with the pools on, and Spring Boot defines no {@code WebSocketClient} of its own. The start
 * fails before the starter's switch check could log that the pools are off, and Spring Boot's
 * own analysis names no condition, so without this the switch goes unmentioned.
 */
class PoolsOffFailureAnalyzer extends AbstractInjectionFailureAnalyzer<NoSuchBeanDefinitionException>
		implements Ordered {

	private static final String WEB_SOCKET_CLIENT = "org.springframework.web.reactive.socket.client.WebSocketClient";

	private static final String ENABLED = ProxyProperties.PREFIX + ".enabled";

	private final Environment environment;

	PoolsOffFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause, String description) {
		Class<?> type = cause.getBeanType();
		String enabled = this.environment.getProperty(ENABLED);
		if (type == null || ProxyPoolSwitches.isTrue(enabled)) {
			return null;
		}
		boolean webSocketClient = type.getName().equals(WEB_SOCKET_CLIENT);
		if (!webSocketClient && !type.getName().startsWith("io.cryptofeed.proxy.")) {
			return null;
		}
		String message = ((description != null) ? description : "A component") + " required a bean of type '"
				+ type.getName() + "' that could not be found.\n\nThe proxy-pool starter defines it only when " + ENABLED
				+ " is true, and it is " + ((enabled != null) ? "'" + enabled + "'" : "not set") + ".";
		String action = "Set " + ENABLED + ": true to use the pools."
				+ (webSocketClient ? " If they are off on purpose, declare a WebSocketClient bean for that case:"
						+ " new ReactorNettyWebSocketClient() under @ConditionalOnBooleanProperty(name = \"" + ENABLED
						+ "\", havingValue = false, matchIfMissing = true), so that the pooled one is used when they"
						+ " are on." : "");
		return new FailureAnalysis(message, action, cause);
	}

	/** Before Spring Boot's analysis of a missing bean, which would otherwise answer first. */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
