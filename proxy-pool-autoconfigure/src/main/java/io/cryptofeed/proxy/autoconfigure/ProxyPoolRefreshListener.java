package io.cryptofeed.proxy.autoconfigure;

import java.util.Locale;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.core.ProxyUrls;

import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Reloads the pools when a Spring Cloud refresh ({@code /actuator/refresh},
 * {@code ContextRefresher.refresh()}) or any other {@link EnvironmentChangeEvent} changes a
 * {@code cryptofeed.proxy.*} property. The pools are ordinary singletons, so they keep their
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

	ProxyPoolRefreshListener(ProxyPoolReloader reloader) {
		this.reloader = reloader;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void onApplicationEvent(EnvironmentChangeEvent event) {
		if (concernsProxies(event.getKeys())) {
			try {
				this.reloader.reload();
			}
			catch (RuntimeException ex) {
				// running first, a failure here must not keep Spring Cloud's own listeners from the
				// event; the message is masked, and the exception not logged whole, as it may quote a value
				logger.error("proxy config reload failed: " + ex.getClass().getName() + ": "
						+ ProxyUrls.maskWords(ex.getMessage()));
			}
		}
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
