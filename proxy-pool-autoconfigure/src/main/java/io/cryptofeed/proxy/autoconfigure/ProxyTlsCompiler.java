package io.cryptofeed.proxy.autoconfigure;

import java.util.Arrays;

import javax.net.ssl.SSLException;

import io.cryptofeed.proxy.autoconfigure.ProxyConfigurationCompiler.Violations;
import io.cryptofeed.proxy.netty.ProxyTls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

/**
 * Turns {@code proxy-tls.bundle} into the TLS spoken to {@code https://} proxies: the JDK's
 * trust store when it is not set, else the named SSL bundle's trust material, client key and
 * options.
 */
final class ProxyTlsCompiler {

	static final String PROPERTY = ProxyProperties.PREFIX + ".proxy-tls.bundle";

	private ProxyTlsCompiler() {
	}

	/**
	 * @param bundles the application's SSL bundles, {@code null} when it has none
	 * @return the TLS, the JDK's default when the property is not set or broke a rule
	 */
	static ProxyTls compile(ProxyProperties.ProxyTlsSettings settings, SslBundles bundles, Violations violations) {
		String name = (settings.getBundle() != null) ? settings.getBundle().strip() : "";
		if (name.isEmpty()) {
			return ProxyTls.systemDefault();
		}
		String define = "define it under spring.ssl.bundle.pem." + name + " (or spring.ssl.bundle.jks." + name
				+ "), or remove " + PROPERTY + " to trust the JDK's authorities";
		if (bundles == null) {
			violations.add(PROPERTY, name, "the application has no SSL bundles (Spring Boot's SslAutoConfiguration)",
					define);
			return ProxyTls.systemDefault();
		}
		try {
			return ProxyTls.of(clientContext(bundles.getBundle(name)), "SSL bundle '" + name + "'");
		}
		catch (NoSuchSslBundleException ex) {
			violations.add(PROPERTY, name, "there is no SSL bundle named '" + name + "'", define);
		}
		catch (SSLException | RuntimeException ex) {
			violations.add(PROPERTY, name, "the SSL bundle cannot verify proxies: " + ex.getMessage(),
					"give the bundle a trust store (truststore.certificate for PEM) with the authority that "
							+ "signed the proxies' certificates");
		}
		return ProxyTls.systemDefault();
	}

	/** A client context with the bundle's trust material, its key when it has one, and its options. */
	private static SslContext clientContext(SslBundle bundle) throws SSLException {
		SslContextBuilder builder = SslContextBuilder.forClient()
			.endpointIdentificationAlgorithm("HTTPS")
			.trustManager(bundle.getManagers().getTrustManagerFactory());
		if (bundle.getStores().getKeyStore() != null) {
			builder.keyManager(bundle.getManagers().getKeyManagerFactory());
		}
		SslOptions options = bundle.getOptions();
		if (options.getCiphers() != null) {
			builder.ciphers(Arrays.asList(options.getCiphers()));
		}
		if (options.getEnabledProtocols() != null) {
			builder.protocols(options.getEnabledProtocols());
		}
		return builder.build();
	}

}
