package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.actuate.ProxyCredentialsSanitizer;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Proxy credentials masked in the actuator's {@code env} and {@code configprops} endpoints
 * when they are set to show values. Whether or not the pools are enabled: the properties are
 * in the environment either way.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public class ProxyCredentialsSanitizingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public ProxyCredentialsSanitizer proxyCredentialsSanitizer(ConfigurableEnvironment environment) {
		return new ProxyCredentialsSanitizer(environment);
	}

}
