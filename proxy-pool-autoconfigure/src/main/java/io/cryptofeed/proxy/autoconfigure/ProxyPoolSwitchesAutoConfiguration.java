package io.cryptofeed.proxy.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Checks the starter's switches at start-up whatever their values, so that a misspelt one
 * stops the start instead of leaving the pools off (see {@link ProxyPoolSwitches}).
 */
@AutoConfiguration(before = ProxyPoolAutoConfiguration.class)
public class ProxyPoolSwitchesAutoConfiguration {

	/** A marker that the switches were checked; the check itself happens on creation. */
	@Bean
	@ConditionalOnMissingBean
	public ProxyPoolSwitchesChecked proxyPoolSwitchesChecked(Environment environment) {
		ProxyPoolSwitches.check(environment);
		return new ProxyPoolSwitchesChecked();
	}

	/** The bean that stands for the check, so that it runs at start-up once. */
	public static final class ProxyPoolSwitchesChecked {

	}

}
