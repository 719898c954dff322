package io.cryptofeed.sample.demo;

import reactor.core.scheduler.Schedulers;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The demo's moving part: the proxy that fails and recovers. The network itself comes from
 * {@link DemoNetworkInitializer}.
 */
@Configuration(proxyBeanMethods = false)
@Profile(DemoNetworkInitializer.PROFILE)
@EnableConfigurationProperties(DemoProperties.class)
class DemoConfiguration {

	@Bean
	ProxyFlapper proxyFlapper(DemoNetwork demoNetwork, DemoProperties properties) {
		return new ProxyFlapper(demoNetwork.proxy(properties.flap().proxy()), properties.flap(),
				() -> Schedulers.newSingle("demo-flapper", true));
	}

}
