package io.cryptofeed.proxy.testsupport;

import java.time.Duration;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Reactor Netty resources of a test application's own. Boot's default factory shares
 * Reactor Netty's global event loops and disposes them when any context closes, so one test's
 * teardown could stop the server or client of the next; with these, each application and
 * each test client closes only what is its own.
 */
@Configuration(proxyBeanMethods = false)
public class OwnReactorResources {

	/**
	 * One event loop for every test client of the JVM, never disposed, and a new connection
	 * for every request: a kept-alive connection could outlive its server (ports are reused
	 * between tests) or carry a request after an answer the server sent before reading a
	 * body, and a request on it would wait for the whole response timeout.
	 */
	private static final HttpClient TEST_CLIENT = HttpClient.create(ConnectionProvider.newConnection())
		.runOn(LoopResources.create("test-actuator-client", 1, true));

	@Bean
	ReactorResourceFactory reactorResourceFactory() {
		ReactorResourceFactory factory = new ReactorResourceFactory();
		factory.setUseGlobalResources(false);
		factory.setShutdownQuietPeriod(Duration.ZERO);
		return factory;
	}

	/** A client for the application's actuator on loops and connections of its own. */
	public static WebTestClient actuatorClient(String baseUrl, Duration timeout) {
		return WebTestClient.bindToServer(new ReactorClientHttpConnector(TEST_CLIENT))
			.baseUrl(baseUrl)
			.responseTimeout(timeout)
			.build();
	}

}
