package io.cryptofeed.proxy.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static io.cryptofeed.proxy.service.ServiceFixture.requestCount;
import static io.cryptofeed.proxy.service.ServiceFixture.run;
import static io.cryptofeed.proxy.service.TestCertificates.file;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's port protected by mutual TLS alone (client-auth=need, no token), with
 * certificates generated for this run: the client with its certificate is served, one with a
 * certificate the server does not trust, or that does not trust the server, falls back.
 */
class ServiceMutualTlsTests {

	private static final String MEMBER_PEER = "127.0.0.51";

	@TempDir
	static Path dir;

	private static TestCertificates certificates;

	private TargetServer target;

	private HttpConnectProxy member;

	private ConfigurableApplicationContext server;

	@BeforeAll
	static void generate() throws Exception {
		certificates = TestCertificates.generate(dir);
	}

	/** A server per test, on event loops of its own (ServiceApplication's). */
	@BeforeEach
	void start() {
		this.target = TargetServer.start("127.0.0.1");
		this.member = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress(MEMBER_PEER).start();
		this.server = server(certificates.serverKeyStore);
	}

	private ConfigurableApplicationContext server(Path keyStore, String... more) {
		return new SpringApplicationBuilder(ServiceServerIntegrationTests.ServiceApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties(more)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"server.ssl.key-store=" + file(keyStore),
					"server.ssl.key-store-password=" + certificates.password, "server.ssl.key-store-type=PKCS12",
					"server.ssl.trust-store=" + file(certificates.serverTrustStore),
					"server.ssl.trust-store-password=" + certificates.password, "server.ssl.trust-store-type=PKCS12",
					"server.ssl.client-auth=need", "cryptofeed.proxy.enabled=true",
					"cryptofeed.proxy.default.http.url=" + this.member.url(),
					"cryptofeed.proxy.default.http.health-check.enabled=false",
					"cryptofeed.proxy.service-server.enabled=true")
			.run();
	}

	@AfterEach
	void stop() {
		this.server.close();
		this.member.close();
		this.target.close();
	}

	@Test
	void aClientWithItsCertificateIsServed() {
		run(client(certificates.clientKeyStore, certificates.clientTrustStore), (context, client) -> {
			assertThat(whoami(client)).isEqualTo(MEMBER_PEER);
			assertThat(requestCount(context, "success", "none")).isOne();
		});
	}

	@Test
	void aClientWithACertificateTheServerDoesNotTrustFallsBack() {
		run(client(certificates.strangerKeyStore, certificates.clientTrustStore), (context, client) -> {
			assertThat(whoami(client)).isEqualTo("127.0.0.1");
			assertThat(requestCount(context, "success", "none")).isZero();
			assertThat(requestCount(context, "failed", "unreachable")).isOne();
		});
	}

	@Test
	void aClientThatDoesNotTrustTheServerSendsNothingAndFallsBack() {
		run(client(certificates.clientKeyStore, certificates.strangerKeyStore), (context, client) -> {
			assertThat(whoami(client)).isEqualTo("127.0.0.1");
			assertThat(requestCount(context, "failed", "unreachable")).isOne();
		});
	}

	@Test
	void aServerCertificateForAnotherHostIsRefusedThoughTrusted() {
		this.server.close();
		this.server = server(certificates.elsewhereKeyStore);
		run(client(certificates.clientKeyStore, certificates.clientTrustStore), (context, client) -> {
			assertThat(whoami(client)).isEqualTo("127.0.0.1");
			assertThat(requestCount(context, "failed", "unreachable")).isOne();
		});
	}

	@Test
	void theManagementPortWithoutTlsRefusesTheServicesCallsWithoutACertificate() {
		this.server.close();
		// Boot's management port serves the application's routes too; plain http for a scraper, as often
		this.server = server(certificates.serverKeyStore, "management.server.port=0",
				"management.server.address=127.0.0.1", "management.server.ssl.enabled=false");
		String answer = WebClient.create("http://127.0.0.1:" + this.server.getEnvironment()
			.getProperty("local.management.port"))
			.post()
			.uri(ProxyRequest.PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("exchange_id", "binance", "connection_type", "http"))
			.exchangeToMono((response) -> response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.map((body) -> response.statusCode().value() + " " + body))
			.block(Duration.ofSeconds(10));
		assertThat(answer).isEqualTo("401 ");
		run(client(certificates.clientKeyStore, certificates.clientTrustStore),
				(context, client) -> assertThat(whoami(client)).isEqualTo(MEMBER_PEER));
	}

	private ApplicationContextRunner client(Path keyStore, Path trustStore) {
		return ServiceFixture.clientRunner()
			.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.external-service.enabled=true",
					"cryptofeed.proxy.external-service.endpoints=https://127.0.0.1:"
							+ this.server.getEnvironment().getProperty("local.server.port"),
					"cryptofeed.proxy.external-service.auth-method=mutual-tls",
					"cryptofeed.proxy.external-service.key-store=" + file(keyStore),
					"cryptofeed.proxy.external-service.key-store-password=" + certificates.password,
					"cryptofeed.proxy.external-service.trust-store=" + file(trustStore),
					"cryptofeed.proxy.external-service.trust-store-password=" + certificates.password,
					"cryptofeed.proxy.external-service.timeout=10s");
	}

	private String whoami(WebClient client) {
		return ServiceFixture.whoamiAt(this.target, client, "binance");
	}

}
