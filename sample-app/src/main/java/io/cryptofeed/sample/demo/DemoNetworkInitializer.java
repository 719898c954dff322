package io.cryptofeed.sample.demo;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * Starts the {@link DemoNetwork} when the {@code demo} profile is active, before any bean
 * exists: the pools are built from the proxies' URLs, so the proxies must be listening (and
 * their ports known) first. The URLs and the exchange's port become {@code demo.*}
 * properties that {@code application-demo.yml} refers to. The network is a bean, closed with
 * the context.
 */
public class DemoNetworkInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/** The profile that runs the demo. */
	public static final String PROFILE = "demo";

	/** The name of the network's bean and of the property source with its addresses. */
	public static final String NAME = "demoNetwork";

	private static final Log logger = LogFactory.getLog(DemoNetworkInitializer.class);

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		if (!environment.acceptsProfiles(Profiles.of(PROFILE))) {
			return;
		}
		DemoProperties properties = Binder.get(environment).bindOrCreate("demo", DemoProperties.class);
		DemoNetwork network = DemoNetwork.start(properties.exchange());
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		beanFactory.registerSingleton(NAME, network);
		if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
			// closed also when start-up fails after this point
			registry.registerDisposableBean(NAME, network::close);
		}
		environment.getPropertySources().addFirst(new MapPropertySource(NAME, network.properties()));
		logger.info(
				"demo: exchange on 127.0.0.1:" + network.exchangePort() + ", proxies " + network.proxies().values());
		if (!network.hasDistinctEgress()) {
			logger.info("demo: only 127.0.0.1 is usable on this system's loopback, so the exchange cannot tell the "
					+ "proxies apart; summaries show connects per member instead of requests");
		}
	}

}
