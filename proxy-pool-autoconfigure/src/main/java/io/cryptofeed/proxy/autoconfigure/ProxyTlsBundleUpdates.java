package io.cryptofeed.proxy.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.env.Environment;

/**
 * Reloads the pools when the SSL bundle that {@code proxy-tls.bundle} names is updated (Spring
 * Boot's {@code reload-on-update} of its certificate files, or the application updating it in
 * the registry), so that the next connection to an {@code https://} member, and the next health
 * check, use its new certificates without a restart. Updates of other bundles are ignored.
 */
final class ProxyTlsBundleUpdates {

	private static final Log logger = LogFactory.getLog(ProxyTlsBundleUpdates.class);

	private final SslBundles bundles;

	private final Environment environment;

	private final ProxyPoolReloader reloader;

	ProxyTlsBundleUpdates(SslBundles bundles, Environment environment, ProxyPoolReloader reloader) {
		this.bundles = bundles;
		this.environment = environment;
		this.reloader = reloader;
	}

	/** Listens to every bundle, those registered later included: a reload may name another one. */
	void listen() {
		this.bundles.getBundleNames().forEach(this::listenTo);
		this.bundles.addBundleRegisterHandler((name, bundle) -> listenTo(name));
	}

	private void listenTo(String name) {
		this.bundles.addBundleUpdateHandler(name, (bundle) -> updated(name));
	}

	private void updated(String name) {
		String configured = this.environment.getProperty(ProxyTlsCompiler.PROPERTY);
		if (configured != null && configured.strip().equals(name)) {
			logger.info("proxy config reload: SSL bundle '" + name + "' of " + ProxyTlsCompiler.PROPERTY
					+ " was updated");
			this.reloader.reload();
		}
	}

}
