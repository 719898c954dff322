package io.cryptofeed.proxy.autoconfigure;

import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Checks the starter's switches at start-up whatever their values, so that a misspelt one
 * stops the start instead of leaving the pools off (see {@link ProxyPoolSwitches}), and so
 * does one that differs from the build in an application processed ahead of time.
 */
@AutoConfiguration(before = ProxyPoolAutoConfiguration.class)
@Import(SwitchesAtDefinition.Registrar.class)
public class ProxyPoolSwitchesAutoConfiguration {

	/**
	 * A marker that the switches were checked; the check itself happens on creation. Not
	 * conditional: a start-up check, which a bean of the application's must not skip.
	 */
	@Bean
	public ProxyPoolSwitchesChecked proxyPoolSwitchesChecked(Environment environment,
			SwitchesAtDefinition atDefinition) {
		ProxyPoolSwitches.check(environment, atDefinition);
		return new ProxyPoolSwitchesChecked();
	}

	/**
	 * Keeps the starter's beans out of {@code spring.main.lazy-initialization}: its checks must
	 * stop a bad start, and its pools, health checks and warnings begin with the application,
	 * not with the first request. Static, as a bean factory post-processor reads it early.
	 */
	@Bean
	static LazyInitializationExcludeFilter proxyPoolEagerBeans() {
		return (name, definition, type) -> type.getName().startsWith(STARTER_PACKAGE);
	}

	private static final String STARTER_PACKAGE = "io.cryptofeed.proxy.";

	/** The bean that stands for the check, so that it runs at start-up once. */
	public static final class ProxyPoolSwitchesChecked {

	}

}
