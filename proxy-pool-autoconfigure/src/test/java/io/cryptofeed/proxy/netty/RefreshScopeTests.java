package io.cryptofeed.proxy.netty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolReloadAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolTransportAutoConfiguration;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's {@code @RefreshScope} bean built on the pooled {@code WebClient.Builder} is
 * recreated by a refresh; the pools under it are not, and both the old and the new instance
 * route through the reloaded members.
 */
class RefreshScopeTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private TargetServer target;

	private HttpConnectProxy first;

	private HttpConnectProxy second;

	@BeforeEach
	void start() {
		this.target = TargetServer.start("127.0.0.1");
		this.first = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.61").start();
		this.second = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.62").start();
	}

	@AfterEach
	void stop() {
		this.first.close();
		this.second.close();
		this.target.close();
	}

	@Test
	void aRefreshRecreatesTheUsersBeanButNotThePools(@TempDir Path directory) throws Exception {
		String key = "cryptofeed.proxy.default.http.url";
		Path file = directory.resolve("proxies.properties");
		Files.writeString(file, key + "=" + this.first.url() + "\n");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(FeedApplication.class)
			.web(WebApplicationType.NONE)
			.properties("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.health-check.enabled=false",
					"feed.url=" + this.target.baseUrl(), "spring.config.import=file:" + file)
			.run()) {
			ProxyPool pool = context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
			Feed before = context.getBean(Feed.class);
			assertThat(before.whoami()).isEqualTo("127.0.0.61");
			String instanceBefore = before.instance();
			WebClient builtBefore = before.client();

			Files.writeString(file, key + "=" + this.second.url() + "\n");
			assertThat(context.getBean(ContextRefresher.class).refresh()).contains(key);

			Feed after = context.getBean(Feed.class);
			assertThat(after.instance()).as("the refresh-scoped bean is new").isNotEqualTo(instanceBefore);
			assertThat(context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP)).containsSame(pool);
			assertThat(after.whoami()).isEqualTo("127.0.0.62");
			assertThat(builtBefore.get().uri("/whoami").retrieve().bodyToMono(String.class).block(WAIT))
				.as("a client built before the refresh uses the new member too")
				.isEqualTo("127.0.0.62");
		}
	}

	/** What a feed handler might keep in refresh scope: a client built from the pooled builder. */
	public static class Feed {

		private final WebClient client;

		private final String instance = java.util.UUID.randomUUID().toString();

		Feed(WebClient client) {
			this.client = client;
		}

		public String whoami() {
			return this.client.get().uri("/whoami").retrieve().bodyToMono(String.class).block(WAIT);
		}

		public String instance() {
			return this.instance;
		}

		public WebClient client() {
			return this.client;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ProxyPoolAutoConfiguration.class, ProxyPoolTransportAutoConfiguration.class,
			ProxyPoolReloadAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
			WebClientAutoConfiguration.class, RefreshAutoConfiguration.class })
	static class FeedApplication {

		@Bean
		@RefreshScope
		Feed feed(WebClient.Builder builder, org.springframework.core.env.Environment environment) {
			return new Feed(builder.baseUrl(environment.getProperty("feed.url")).build());
		}

	}

}
