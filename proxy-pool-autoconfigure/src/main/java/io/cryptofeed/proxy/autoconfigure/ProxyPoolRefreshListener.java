package io.cryptofeed.proxy.autoconfigure;

import java.util.Locale;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.actuate.PlaceholderTargets;
import io.cryptofeed.proxy.core.ProxyUrls;

import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Reloads the pools when a Spring Cloud refresh ({@code /actuator/refresh},
 * {@code ContextRefresher.refresh()}) or any other {@link EnvironmentChangeEvent} changes a
 * {@code cryptofeed.proxy.*} property, or a property or variable one of them takes through a
 * placeholder. The pools are ordinary singletons, so they keep their
 * state; the fresh configuration is bound from the environment, not read from the rebound
 * properties bean.
 *
 * <p>It runs first: Spring Cloud's {@code ConfigurationPropertiesRebinder} has no order and
 * throws on a value it cannot bind ({@code weight: abc}), which would stop the event before
 * this listener could reject the configuration and say why. The refresh itself still fails
 * then, after the rejection was recorded and logged.
 */
class ProxyPoolRefreshListener implements ApplicationListener<EnvironmentChangeEvent>, Ordered {

	private static final Log logger = LogFactory.getLog(ProxyPoolRefreshListener.class);

	static final String EVENT_CLASS = "org.springframework.cloud.context.environment.EnvironmentChangeEvent";

	private final ProxyPoolReloader reloader;

	private final Environment environment;

	/** @param environment where the placeholders of the proxy properties are read */
	ProxyPoolRefreshListener(ProxyPoolReloader reloader, Environment environment) {
		this.reloader = reloader;
		this.environment = environment;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void onApplicationEvent(EnvironmentChangeEvent event) {
		try {
			if (concernsProxies(event.getKeys()) || namesAPlaceholderTarget(event.getKeys())) {
				this.reloader.reload();
			}
		}
		catch (RuntimeException ex) {
			// running first, a failure here must not keep Spring Cloud's own listeners from the
			// event; the message is masked, and the exception not logged whole, as it may quote a value
			logger.error("proxy config reload failed: " + ex.getClass().getName() + ": "
					+ ProxyUrls.maskWords(ex.getMessage()));
		}
	}

	/**
	 * Whether a key is what a proxy property takes through a placeholder, directly or through
	 * another: a password rotated where it is kept ({@code PROXY_PASSWORD}) changes no
	 * {@code cryptofeed.proxy.*} key, but it changes the pools.
	 */
	private boolean namesAPlaceholderTarget(Set<String> keys) {
		if (!(this.environment instanceof ConfigurableEnvironment configurable)) {
			return false;
		}
		PlaceholderTargets targets = PlaceholderTargets.in(configurable);
		return keys.stream().anyMatch(targets::contains);
	}

	/** Property names as their sources spell them: {@code cryptofeed.proxy.x} or {@code CRYPTOFEED_PROXY_X}. */
	static boolean concernsProxies(Set<String> keys) {
		for (String key : keys) {
			String relaxed = key.toLowerCase(Locale.ROOT).replace('_', '.');
			if (relaxed.startsWith(ProxyProperties.PREFIX + ".")) {
				return true;
			}
		}
		return false;
	}

}
