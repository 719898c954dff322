package io.cryptofeed.proxy.netty;

import java.time.Duration;

import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The credentials of a member reach its proxy, whatever the proxy kind. */
class ProxyProvidersTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private TargetServer target;

	private TestProxy proxy;

	@BeforeEach
	void startTarget() {
		this.target = TargetServer.start("127.0.0.1");
	}

	@AfterEach
	void stop() {
		if (this.proxy != null) {
			this.proxy.close();
		}
		this.target.close();
	}

	/**
	 * {@code scheme://user@host:port} (a token as the user name, no password) is a valid URL,
	 * and the health probe sends the user with an empty password: so must every connection.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "http", "socks5" })
	void aUserNameWithoutPasswordIsSentWithAnEmptyPassword(String kind) {
		this.proxy = kind.equals("http")
				? HttpConnectProxy.builder().bindAddress("127.0.0.1").credentials("token", "").start()
				: Socks5Proxy.builder().bindAddress("127.0.0.1").credentials("token", "").start();
		String url = kind + "://token@" + this.proxy.host() + ":" + this.proxy.port();
		TransportTestSupport.runner()
			.withPropertyValues(TransportTestSupport.pool("default.http", url))
			.run((context) -> {
				String answer = context.getBean(WebClient.Builder.class)
					.build()
					.get()
					.uri(this.target.baseUrl() + "/whoami")
					.retrieve()
					.bodyToMono(String.class)
					.block(WAIT);
				assertThat(answer).isNotBlank();
			});
	}

}
