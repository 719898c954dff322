package io.cryptofeed.sample.demo;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
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
public class DemoConfiguration {

	/** The name of a {@link Scheduler} bean that, if there is one, times the flapper. */
	public static final String FLAPPER_TIMER = "demoFlapperTimer";

	/**
	 * The flapper, on a timer thread of its own, or on the {@link Scheduler} bean named
	 * {@value #FLAPPER_TIMER} if there is one: a test's {@code VirtualTimeScheduler} makes it
	 * fail and recover when the test advances the time.
	 */
	@Bean
	ProxyFlapper proxyFlapper(DemoNetwork demoNetwork, DemoProperties properties,
			@Qualifier(FLAPPER_TIMER) ObjectProvider<Scheduler> timer) {
		DemoProxy proxy = demoNetwork.proxy(properties.flap().proxy());
		Scheduler lent = timer.getIfAvailable();
		if (lent != null) {
			return new ProxyFlapper(proxy, properties.flap(), () -> lent, false);
		}
		return new ProxyFlapper(proxy, properties.flap(), () -> Schedulers.newSingle("demo-flapper", true), true);
	}

}
