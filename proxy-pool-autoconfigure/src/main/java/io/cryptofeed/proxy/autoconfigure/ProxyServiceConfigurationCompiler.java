package io.cryptofeed.proxy.autoconfigure;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.service.AuthMethod;
import io.cryptofeed.proxy.service.ServiceClientSettings;
import io.cryptofeed.proxy.service.ServiceCredentials;
import io.cryptofeed.proxy.service.ServiceTls;

import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Checks the external proxy service's properties, client and server side, collecting every
 * violation so that one start-up reports every mistake; loads the client's key and trust stores.
 */
final class ProxyServiceConfigurationCompiler {

	private static final Log logger = LogFactory.getLog(ProxyServiceConfigurationCompiler.class);

	private final ResourceLoader resources;

	ProxyServiceConfigurationCompiler(ResourceLoader resources) {
		this.resources = resources;
	}

	/**
	 * The client's settings, with a warning for a credential sent over plain http.
	 * @param applicationName {@code spring.application.name}, or {@code null}: part of the default client id
	 * @throws InvalidProxyConfigurationException listing every rule broken
	 */
	CompiledServiceClient compileClient(ExternalServiceProperties properties, String applicationName) {
		CompiledServiceClient compiled = checkClient(properties, applicationName);
		warnAboutCleartextSecrets(compiled.settings().endpoints(),
				(properties.getAuthMethod() != null) ? properties.getAuthMethod() : AuthMethod.NONE);
		return compiled;
	}

	/**
	 * {@link #compileClient} without its warning: what a reload checks, as often as it runs.
	 * @throws InvalidProxyConfigurationException listing every rule broken
	 */
	CompiledServiceClient checkClient(ExternalServiceProperties properties, String applicationName) {
		String prefix = ExternalServiceProperties.PREFIX;
		List<ConfigurationViolation> violations = new ArrayList<>();
		AuthMethod method = (properties.getAuthMethod() != null) ? properties.getAuthMethod() : AuthMethod.NONE;
		List<URI> endpoints = endpoints(properties.getEndpoints(), method, violations);
		ServiceCredentials credentials = credentials(properties, method, violations);
		milliseconds(prefix + ".timeout", properties.getTimeout(), "2s", violations);
		milliseconds(prefix + ".circuit-breaker-wait-duration", properties.getCircuitBreakerWaitDuration(), "30s",
				violations);
		Duration cacheTtl = properties.getCacheTtl();
		if (cacheTtl == null || cacheTtl.isNegative()) {
			violations.add(new ConfigurationViolation(prefix + ".cache-ttl", Durations.format(cacheTtl),
					"the TTL cannot be negative", "set a duration such as 300s, or 0 to ask the service for every connection"));
		}
		if (properties.getFeedbackQueueCapacity() < 1) {
			violations.add(new ConfigurationViolation(prefix + ".feedback-queue-capacity",
					String.valueOf(properties.getFeedbackQueueCapacity()), "must be at least 1", "set e.g. 1000"));
		}
		ServiceTls tls = tls(properties, method, violations);
		violations.addAll(MetadataLabels.violations(prefix + ".metadata", properties.getMetadata()));
		if (!violations.isEmpty()) {
			throw new InvalidProxyConfigurationException(violations);
		}
		String clientId = (properties.getClientId() != null && !properties.getClientId().isBlank())
				? properties.getClientId().strip() : defaultClientId(applicationName);
		ServiceClientSettings settings = new ServiceClientSettings(endpoints, credentials, properties.getTimeout(),
				cacheTtl, properties.isFallbackToEmbedded(), clientId, properties.getRegion(), properties.getMetadata(),
				properties.getFeedbackQueueCapacity());
		return new CompiledServiceClient(settings, tls, properties.getCircuitBreakerWaitDuration());
	}

	/**
	 * Checks the server side.
	 * @param clientCertificatesRequired whether {@code server.ssl.client-auth} is {@code need}
	 * @throws InvalidProxyConfigurationException listing every rule broken
	 */
	void checkServer(ServiceServerProperties properties, boolean clientCertificatesRequired) {
		String prefix = ServiceServerProperties.PREFIX;
		List<ConfigurationViolation> violations = new ArrayList<>();
		if (isBlank(properties.getToken()) && isBlank(properties.getApiKey()) && !clientCertificatesRequired) {
			violations.add(new ConfigurationViolation(prefix + ".token", null,
					"the service would hand out proxies and their credentials to any caller",
					"set " + prefix + ".token or " + prefix
							+ ".api-key, or require client certificates with server.ssl.client-auth=need (TLS on)"));
		}
		Duration ttl = properties.getAnswerTtl();
		if (ttl == null || ttl.isNegative()) {
			violations.add(new ConfigurationViolation(prefix + ".answer-ttl", Durations.format(ttl),
					"the TTL cannot be negative", "set a duration such as 60s, or 0 to be asked for every connection"));
		}
		if (properties.getFallbackPolicy() == null) {
			violations.add(new ConfigurationViolation(prefix + ".fallback-policy", null, "no fallback policy is set",
					"use embedded-fallback, direct-connection or fail"));
		}
		if (!violations.isEmpty()) {
			throw new InvalidProxyConfigurationException(violations);
		}
	}

	/**
	 * Whether Boot's server asks every caller for a certificate, which protects the endpoints
	 * too: {@code client-auth} means nothing while {@code server.ssl.enabled} is false.
	 */
	static boolean clientCertificatesRequired(Environment environment) {
		return "need".equalsIgnoreCase(environment.getProperty("server.ssl.client-auth"))
				&& !"false".equalsIgnoreCase(environment.getProperty("server.ssl.enabled", "true").strip());
	}

	private static List<URI> endpoints(List<String> configured, AuthMethod method,
			List<ConfigurationViolation> violations) {
		String prefix = ExternalServiceProperties.PREFIX;
		List<URI> endpoints = new ArrayList<>();
		if (configured == null || configured.isEmpty()) {
			violations.add(new ConfigurationViolation(prefix + ".endpoints", null, "no endpoint is set",
					"set the service's base URL, e.g. https://proxy-service.internal:8443"));
			return endpoints;
		}
		for (int i = 0; i < configured.size(); i++) {
			String property = prefix + ".endpoints[" + i + "]";
			String value = configured.get(i);
			URI uri = parse(value);
			String scheme = (uri != null && uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : null;
			if (uri == null || uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
				// shown without a query, which may carry a key
				violations.add(new ConfigurationViolation(property, ProxyUrls.mask(withoutQueryOrFragment(value)),
						"not an http or https URL",
						"write the service's base URL, e.g. https://proxy-service.internal:8443"));
			}
			// a password's '/', '#' or '?' not percent-encoded cuts its user info short (https://u:12/34@h):
			// URI then reads user name and digits as host and port; masked up to the last '@' therefore
			else if (uri.getRawUserInfo() != null || ProxyUrls.userInfoCutShort(uri)) {
				violations.add(new ConfigurationViolation(property, ProxyUrls.maskedWithoutQuery(value),
						"credentials in the URL would end up in logs", "remove them and use auth-method with token or api-key"));
			}
			else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
				// a query may carry a key: the report shows the URL up to it, and as user info what a
				// password's '#' or '?' cut short (https://u:12#34@h), which URI takes for host and port
				violations.add(new ConfigurationViolation(property, ProxyUrls.withoutSecrets(value) + "…",
						"a base URL cannot have a query or fragment", "remove everything from '?' or '#'"));
			}
			else if (!ProxyConfigurationCompiler.hasPortInRange(uri)) {
				// URI takes any number as the port: every call would fail
				violations.add(new ConfigurationViolation(property, ProxyUrls.mask(withoutQueryOrFragment(value)),
						"the port " + uri.getPort() + " is out of range (1 to 65535)",
						"write the service's port, e.g. https://proxy-service.internal:8443"));
			}
			else if (method == AuthMethod.MUTUAL_TLS && "http".equals(scheme)) {
				violations.add(new ConfigurationViolation(property, value, "mutual TLS needs an https endpoint",
						"use https://, or another auth-method"));
			}
			else {
				// every call would fail, as the name could never be looked up
				ConfigurationViolation tooLong = ProxyConfigurationCompiler.hostTooLong(property, ProxyUrls.mask(value),
						uri.getHost());
				if (tooLong != null) {
					violations.add(tooLong);
				}
				else {
					endpoints.add(uri);
				}
			}
		}
		return endpoints;
	}

	private static URI parse(String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return new URI(value.strip());
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	private static ServiceCredentials credentials(ExternalServiceProperties properties, AuthMethod method,
			List<ConfigurationViolation> violations) {
		String prefix = ExternalServiceProperties.PREFIX;
		switch (method) {
			case BEARER_TOKEN:
				if (isBlank(properties.getToken())) {
					violations.add(new ConfigurationViolation(prefix + ".token", null,
							"auth-method bearer-token needs a token", "set the token, e.g. from an environment variable"));
					return ServiceCredentials.NONE;
				}
				return ServiceCredentials.bearerToken(properties.getToken().strip());
			case API_KEY:
				if (isBlank(properties.getApiKey())) {
					violations.add(new ConfigurationViolation(prefix + ".api-key", null,
							"auth-method api-key needs an API key", "set the key, e.g. from an environment variable"));
					return ServiceCredentials.NONE;
				}
				return ServiceCredentials.apiKey(properties.getApiKey().strip());
			case MUTUAL_TLS:
				return ServiceCredentials.mutualTls();
			default:
				unusedCredentials(properties, violations);
				return ServiceCredentials.NONE;
		}
	}

	/**
	 * A credential set while {@code auth-method} is left at {@code none} would never be sent:
	 * every call would be refused (or, worse, served) without a word about the reason. Named
	 * by the method, never by its value.
	 */
	private static void unusedCredentials(ExternalServiceProperties properties,
			List<ConfigurationViolation> violations) {
		String property = ExternalServiceProperties.PREFIX + ".auth-method";
		if (!isBlank(properties.getToken())) {
			violations.add(new ConfigurationViolation(property, "none",
					"a token is set, but auth-method none sends no credential", "set auth-method: bearer-token"));
		}
		if (!isBlank(properties.getApiKey())) {
			violations.add(new ConfigurationViolation(property, "none",
					"an API key is set, but auth-method none sends no credential", "set auth-method: api-key"));
		}
		if (!isBlank(properties.getKeyStore())) {
			violations.add(new ConfigurationViolation(property, "none",
					"a key store is set, which holds the client certificate of auth-method mutual-tls",
					"set auth-method: mutual-tls"));
		}
	}

	private ServiceTls tls(ExternalServiceProperties properties, AuthMethod method,
			List<ConfigurationViolation> violations) {
		String prefix = ExternalServiceProperties.PREFIX;
		KeyManagerFactory keyManagers = null;
		TrustManagerFactory trustManagers = null;
		if (method == AuthMethod.MUTUAL_TLS && isBlank(properties.getKeyStore())) {
			violations.add(new ConfigurationViolation(prefix + ".key-store", null,
					"auth-method mutual-tls needs a key store with the client certificate",
					"set key-store to e.g. file:/etc/feed/client.p12, with key-store-password"));
		}
		if (!isBlank(properties.getKeyStore())) {
			char[] password = chars(properties.getKeyStorePassword());
			KeyStore store = load(prefix + ".key-store", properties.getKeyStore(), properties.getKeyStoreType(), password,
					violations);
			if (store != null) {
				try {
					keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
					keyManagers.init(store, (password != null) ? password : new char[0]);
				}
				catch (Exception ex) {
					violations.add(new ConfigurationViolation(prefix + ".key-store-password", null,
							"the key cannot be read: " + ex.getMessage(), "give the password of the key store and its key"));
				}
			}
		}
		if (!isBlank(properties.getTrustStore())) {
			KeyStore store = load(prefix + ".trust-store", properties.getTrustStore(), properties.getTrustStoreType(),
					chars(properties.getTrustStorePassword()), violations);
			if (store != null) {
				try {
					trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
					trustManagers.init(store);
				}
				catch (Exception ex) {
					violations.add(new ConfigurationViolation(prefix + ".trust-store", properties.getTrustStore(),
							"the trust store cannot be used: " + ex.getMessage(), "give a key store of certificates"));
				}
			}
		}
		return (keyManagers != null || trustManagers != null) ? new ServiceTls(keyManagers, trustManagers) : null;
	}

	private static String withoutQueryOrFragment(String url) {
		int cut = url.length();
		for (char c : new char[] { '?', '#' }) {
			int at = url.indexOf(c);
			if (at >= 0 && at < cut) {
				cut = at;
			}
		}
		return url.substring(0, cut);
	}

	private KeyStore load(String property, String location, String type, char[] password,
			List<ConfigurationViolation> violations) {
		Resource resource = this.resources.getResource(location.strip());
		try (InputStream in = resource.getInputStream()) {
			KeyStore store = KeyStore.getInstance((type != null) ? type : "PKCS12");
			store.load(in, password);
			return store;
		}
		catch (Exception ex) {
			violations.add(new ConfigurationViolation(property, location,
					"cannot be read as a key store: " + ex.getClass().getSimpleName() + ": " + ex.getMessage(),
					"give a readable PKCS12 or JKS file (file:/path or classpath:path), its type and its password"));
			return null;
		}
	}

	/** A positive timer's duration (see {@link Durations#timerProblem}). */
	private static void milliseconds(String property, Duration value, String example,
			List<ConfigurationViolation> violations) {
		String problem = (value == null || value.isZero() || value.isNegative()) ? "must be positive"
				: Durations.timerProblem(value);
		if (problem != null) {
			violations.add(new ConfigurationViolation(property, Durations.format(value), "the duration " + problem,
					"set a duration such as " + example + " (a bare number means seconds)"));
		}
	}

	private static void warnAboutCleartextSecrets(List<URI> endpoints, AuthMethod method) {
		if (method != AuthMethod.BEARER_TOKEN && method != AuthMethod.API_KEY) {
			return;
		}
		for (URI endpoint : endpoints) {
			if ("http".equalsIgnoreCase(endpoint.getScheme()) && !isLoopback(endpoint.getHost())) {
				logger.warn("Proxy service endpoint " + endpoint + " is plain http: the " + method.name()
					.toLowerCase(Locale.ROOT)
					.replace('_', '-') + " and the proxy credentials in answers cross the network unencrypted; use https");
			}
		}
	}

	/** {@code localhost}, an IPv4 address in 127/8 or {@code ::1}; a host name that begins with {@code 127.} may be anywhere. */
	private static boolean isLoopback(String host) {
		return host.equalsIgnoreCase("localhost") || host.matches("127(\\.[0-9]{1,3}){3}") || host.equals("[::1]")
				|| host.equals("::1");
	}

	static String defaultClientId(String applicationName) {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "unknown-host";
		}
		return ((applicationName != null && !applicationName.isBlank()) ? applicationName.strip() : "application") + "@"
				+ host;
	}

	/** The password, or {@code null} when none is set (a store without integrity check). */
	private static char[] chars(String password) {
		return (password != null) ? password.toCharArray() : null;
	}

	private static boolean isBlank(String value) {
		return value == null || value.isBlank();
	}

}
