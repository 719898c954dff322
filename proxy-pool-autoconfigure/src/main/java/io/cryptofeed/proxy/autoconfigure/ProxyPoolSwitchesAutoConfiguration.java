package io.cryptofeed.proxy.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
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

	/** A marker that the switches were checked; the check itself happens on creation. */
	@Bean
	@ConditionalOnMissingBean
	public ProxyPoolSwitchesChecked proxyPoolSwitchesChecked(Environment environment,
			SwitchesAtDefinition atDefinition) {
		ProxyPoolSwitches.check(environment, atDefinition);
		return new ProxyPoolSwitchesChecked();
	}

	/** The bean that stands for the check, so that it runs at start-up once. */
	public static final class ProxyPoolSwitchesChecked {

	}

}
