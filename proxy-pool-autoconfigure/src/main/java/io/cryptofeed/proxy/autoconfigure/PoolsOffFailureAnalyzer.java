package io.cryptofeed.proxy.autoconfigure;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
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
		// two beans where one was wanted is Spring Boot's to explain: nothing is missing
		if (cause instanceof NoUniqueBeanDefinitionException) {
			return null;
		}
		Class<?> type = cause.getBeanType();
		String enabled = this.environment.getProperty(ENABLED);
		if (type == null || ProxyPoolSwitches.isTrue(enabled)) {
			return null;
		}
		boolean webSocketClient = type.getName().equals(WEB_SOCKET_CLIENT);
		if (!webSocketClient && !starterBean(type)) {
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

	/** A type whose bean only the starter defines (the test kit's are for tests to make). */
	private static boolean starterBean(Class<?> type) {
		String name = type.getName();
		return name.startsWith("io.cryptofeed.proxy.") && !name.startsWith("io.cryptofeed.proxy.testkit.");
	}

	/** Before Spring Boot's analysis of a missing bean, which would otherwise answer first. */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
