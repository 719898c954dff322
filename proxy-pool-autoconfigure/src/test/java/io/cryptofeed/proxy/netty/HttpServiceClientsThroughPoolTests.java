package io.cryptofeed.proxy.netty;

import io.cryptofeed.proxy.testkit.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.service.ReactiveHttpServiceClientAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.HttpServiceGroup;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot's HTTP service clients (an interface of {@code @GetExchange} methods, its client made
 * by {@code @ImportHttpServices}) through the pool, on RestClient and on WebClient, with
 * failover: their clients come from the builders the starter pools.
 */
class HttpServiceClientsThroughPoolTests {

	private final ProxyTrio trio = new ProxyTrio("127.0.0.1", "service-client-secret");

	@AfterEach
	void stop() {
		this.trio.close();
	}

	@Test
	void aServiceOnRestClientGoesThroughThePoolWithFailover() {
		callsGoThroughTheHealthyMembers(BlockingServices.class);
	}

	@Test
	void aServiceOnWebClientGoesThroughThePoolWithFailover() {
		callsGoThroughTheHealthyMembers(ReactiveServices.class);
	}

	private void callsGoThroughTheHealthyMembers(Class<?> services) {
		this.trio.first.fault(Fault.REFUSE);
		runner().withUserConfiguration(services)
			.withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues("spring.http.serviceclient.feed.base-url=" + this.trio.target.baseUrl())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Whoami service = context.getBean(Whoami.class);
				for (int i = 0; i < 6; i++) {
					assertThat(service.whoami()).isIn("127.0.0.12", "127.0.0.13");
				}
				assertThat(this.trio.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum())
					.isEqualTo(6);
			});
	}

	private static ApplicationContextRunner runner() {
		return RestClientThroughPoolTests.runner()
			.withConfiguration(AutoConfigurations.of(HttpServiceClientPropertiesAutoConfiguration.class,
					HttpServiceClientAutoConfiguration.class, ReactiveHttpServiceClientAutoConfiguration.class));
	}

	interface Whoami {

		@GetExchange("/whoami")
		String whoami();

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "feed", types = Whoami.class)
	static class BlockingServices {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "feed", types = Whoami.class, clientType = HttpServiceGroup.ClientType.WEB_CLIENT)
	static class ReactiveServices {

	}

}
