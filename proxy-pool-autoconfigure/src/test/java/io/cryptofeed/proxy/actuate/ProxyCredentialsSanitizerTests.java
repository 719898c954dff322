package io.cryptofeed.proxy.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** What the {@code env} and {@code configprops} endpoints show of a property when they show values. */
class ProxyCredentialsSanitizerTests {

	private final Sanitizer sanitizer = new Sanitizer(List.of(new ProxyCredentialsSanitizer()));

	@ParameterizedTest
	@CsvSource({ "cryptofeed.proxy.default.http.pool[0].url", "cryptofeed.proxy.exchanges.binance.websocket.url",
			"cryptofeed.proxy.default.http.pool[3].url", "CRYPTOFEED_PROXY_DEFAULT__HTTP__POOL__0__URL",
			"CRYPTOFEED_PROXY_BINANCE__HTTP__URL", "cryptofeed.proxy.defaults.http.pool[0].url" })
	void aProxyUrlShowsItsHostAndPortButNotItsUserInfo(String key) {
		assertThat(shown(key, "socks5://feed:s3cret@10.0.0.5:1080")).isEqualTo("socks5://***@10.0.0.5:1080");
	}

	@Test
	void aPoolWrittenAsTextLosesItsCredentials() {
		assertThat(shown("cryptofeed.proxy.default.http.pool", "socks5://feed:s3cret@10.0.0.5:1080"))
			.isEqualTo("socks5://***@10.0.0.5:1080");
		assertThat(shown("cryptofeed.proxy.default.http.pool[1]", "http://feed:s3cret@10.0.0.6:3128"))
			.isEqualTo("http://***@10.0.0.6:3128");
	}

	/** Refused at start-up and on reload, but a refused reload leaves the value in the environment. */
	@Test
	void aServiceEndpointWrittenWithCredentialsLosesThem() {
		assertThat(shown("cryptofeed.proxy.external-service.endpoints[0]", "https://feed:s3cret@svc.internal:8443"))
			.isEqualTo("https://***@svc.internal:8443");
		assertThat(shown("CRYPTOFEED_PROXY_EXTERNALSERVICE_ENDPOINTS", "https://feed:s3cret@svc.internal:8443"))
			.isEqualTo("https://***@svc.internal:8443");
	}

	/** Refused too, but kept in the environment by a refused reload: a query may hold the service's key. */
	@Test
	void aServiceEndpointWrittenWithAQueryLosesIt() {
		assertThat(shown("cryptofeed.proxy.external-service.endpoints[0]", "https://svc.internal:8443/v1?token=s3cret"))
			.isEqualTo("https://svc.internal:8443/v1");
		assertThat(shown("CRYPTOFEED_PROXY_EXTERNALSERVICE_ENDPOINTS",
				"https://feed:s3cret@svc.internal:8443/v1#key=s3cret"))
			.isEqualTo("https://***@svc.internal:8443/v1");
	}

	/** As the http probe and the health check's settings show it: its query or fragment may hold a key. */
	@ParameterizedTest
	@CsvSource({ "cryptofeed.proxy.default.http.health-check.url",
			"cryptofeed.proxy.exchanges.binance.websocket.health-check.url",
			"cryptofeed.proxy.exchanges.binance.http.healthCheck.url", "CRYPTOFEED_PROXY_DEFAULT_HTTP_HEALTHCHECK_URL",
			"CRYPTOFEED_PROXY_EXCHANGES_BINANCE_WEBSOCKET_HEALTH_CHECK_URL" })
	void aHealthCheckUrlShowsNeitherUserInfoNorQueryNorFragment(String key) {
		assertThat(shown(key, "https://feed:s3cret@api.binance.com:443/api/v3/ping?apikey=s3cret#s3cret"))
			.isEqualTo("https://api.binance.com:443/api/v3/ping");
		assertThat(shown(key, "https://api.example.com/status?signature=s3cret"))
			.isEqualTo("https://api.example.com/status");
		assertThat(shown(key, "https://api.binance.com/api/v3/ping")).isEqualTo("https://api.binance.com/api/v3/ping");
	}

	/** Refused at start-up and on reload, but a refused reload leaves it in the environment. */
	@Test
	void aHealthCheckUrlJavaCannotParseLosesItsSecretsToo() {
		assertThat(shown("cryptofeed.proxy.default.http.health-check.url",
				"https://feed:s3cret@api.binance.com/api/v3/ticker?symbols=BTC|ETH&apikey=s3cret"))
			.isEqualTo("https://***@api.binance.com/api/v3/ticker");
		assertThat(shown("cryptofeed.proxy.default.http.health-check.url", "https://api binance com/ping#s3cret"))
			.isEqualTo("https://api binance com/ping");
	}

	/**
	 * A password with a '/', '#' or '?' not percent-encoded: Java's URI ends the authority
	 * there and reads the user name and the password's start as host and port, the rest as
	 * path, query or fragment.
	 */
	@Test
	void aHealthCheckUrlWhosePasswordHoldsASlashAHashOrAQuestionMarkLosesItsCredentials() {
		String key = "cryptofeed.proxy.default.http.health-check.url";
		assertThat(shown(key, "https://probe:12/34s3cret@api.binance.com/api/v3/ping"))
			.isEqualTo("https://***@api.binance.com/api/v3/ping");
		assertThat(shown(key, "https://probe:1234#s3cret@api.binance.com/api/v3/ping"))
			.isEqualTo("https://***@api.binance.com/api/v3/ping");
		assertThat(shown(key, "https://probe:1234?s3cret@api.binance.com/api/v3/ping?apikey=s3cret"))
			.isEqualTo("https://***@api.binance.com/api/v3/ping");
		// an '@' in the query of a URL with a path is the query's: the URL shows as before
		assertThat(shown(key, "https://api.example.com/status?owner=ops@example.com"))
			.isEqualTo("https://api.example.com/status");
	}

	@Test
	void aProxyUrlKeepsItsQueryAsBefore() {
		assertThat(shown("cryptofeed.proxy.default.http.url", "http://feed:s3cret@10.0.0.5:3128/?x=1"))
			.isEqualTo("http://***@10.0.0.5:3128/?x=1");
	}

	@Test
	void aMalformedUrlLosesItsCredentialsToo() {
		assertThat(shown("cryptofeed.proxy.default.http.url", "10.0.0.5:1080:feed:s3cret")).isEqualTo("***");
		assertThat(shown("cryptofeed.proxy.default.http.url", "feed:s3cret@socks5://10.0.0.5:1080"))
			.isEqualTo("***@socks5://10.0.0.5:1080");
	}

	@ParameterizedTest
	@CsvSource({ "cryptofeed.proxy.external-service.token", "cryptofeed.proxy.externalService.apiKey",
			"cryptofeed.proxy.external-service.key-store-password", "cryptofeed.proxy.external-service.trust-store-password",
			"cryptofeed.proxy.service-server.api-key", "CRYPTOFEED_PROXY_EXTERNAL_SERVICE__TOKEN",
			"CRYPTOFEED_PROXY_SERVICESERVER_APIKEY" })
	void aTokenAnApiKeyOrAPasswordIsHidden(String key) {
		assertThat(shown(key, "tok-123")).isEqualTo(SanitizableData.SANITIZED_VALUE);
	}

	/** Labels are free-form: one named as a secret is taken for one, as Boot 2 took such keys. */
	@ParameterizedTest
	@CsvSource({ "cryptofeed.proxy.default.http.pool[0].metadata.secret",
			"cryptofeed.proxy.exchanges.binance.websocket.pool[2].metadata.client-secret",
			"cryptofeed.proxy.default.http.pool[0].metadata[Credentials]",
			"cryptofeed.proxy.external-service.metadata.secret", "CRYPTOFEED_PROXY_DEFAULT_HTTP_POOL_0_METADATA_SECRET" })
	void aMetadataLabelNamedAsASecretIsHidden(String key) {
		assertThat(shown(key, "s3cret")).isEqualTo(SanitizableData.SANITIZED_VALUE);
	}

	@Test
	void settingsWithoutCredentialsAreShownAsTheyAre() {
		assertThat(shown("cryptofeed.proxy.default.http.url", "http://10.0.0.5:3128")).isEqualTo("http://10.0.0.5:3128");
		assertThat(shown("cryptofeed.proxy.default.http.strategy", "round-robin")).isEqualTo("round-robin");
		assertThat(shown("cryptofeed.proxy.exchanges.binance.hosts[0]", "*.binance.com")).isEqualTo("*.binance.com");
		assertThat(shown("cryptofeed.proxy.external-service.endpoints[0]", "https://[::1]:8443"))
			.isEqualTo("https://[::1]:8443");
		assertThat(shown("cryptofeed.proxy.direct-hosts[1]", "fd00::/8")).isEqualTo("fd00::/8");
		assertThat(shown("cryptofeed.proxy.external-service.key-store", "file:/etc/feed/client.p12"))
			.isEqualTo("file:/etc/feed/client.p12");
		assertThat(shown("cryptofeed.proxy.default.http.pool[0].metadata.zone", "eu:west:1")).isEqualTo("eu:west:1");
		assertThat(shown("CRYPTOFEED_PROXY_DIRECTHOSTS", "*.internal,fd00::/8")).isEqualTo("*.internal,fd00::/8");
		assertThat(shown("cryptofeed.proxy.failover.quiet-timeout", Duration.ofSeconds(10)))
			.isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void otherPropertiesAreLeftToBoot() {
		assertThat(shown("spring.datasource.url", "jdbc:postgresql://app:pw@db/feed"))
			.isEqualTo("jdbc:postgresql://app:pw@db/feed");
		assertThat(shown("my.proxy.token", "tok-123")).isEqualTo("tok-123");
	}

	private Object shown(String key, Object value) {
		return this.sanitizer.sanitize(new SanitizableData(new MapPropertySource("test", Map.of(key, value)), key, value),
				true);
	}

}
