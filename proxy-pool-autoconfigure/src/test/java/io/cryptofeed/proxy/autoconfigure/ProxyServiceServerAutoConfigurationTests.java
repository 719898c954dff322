package io.cryptofeed.proxy.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.service.FallbackPolicy;
import io.cryptofeed.proxy.service.ProxyRequest;
import io.cryptofeed.proxy.service.ProxyResponse;
import io.cryptofeed.proxy.service.ProxyServiceHandler;
import io.cryptofeed.proxy.service.ServiceServerSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** The server side answers through the exchanges' limits of the application, whichever configuration made them. */
class ProxyServiceServerAutoConfigurationTests {

	private static final String SOCKS = "socks5://feed:canary@127.0.0.1:1080";

	private static final String HTTP = "http://127.0.0.1:3128";

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyServiceServerAutoConfiguration.class))
		.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.default.http.pool[0].url=" + SOCKS,
				"cryptofeed.proxy.default.http.pool[1].url=" + HTTP, "cryptofeed.proxy.service-server.enabled=true",
				"cryptofeed.proxy.service-server.token=tok");

	@Test
	void theHandlerSkipsMembersRestingInTheTransportsRateLimits() {
		this.runner.withConfiguration(AutoConfigurations.of(ProxyPoolTransportAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(ProxyPoolHttpClients.class)
					.hasSingleBean(RateLimits.class)
					.hasSingleBean(ProxyServiceHandler.class);
				assertSkipsMemberRestingIn(context, context.getBean(RateLimits.class));
			});
	}

	@Test
	void withoutTheTransportTheServerMakesTheRateLimitsWithTheConfiguredBudgets() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.http.budget.max-requests=1",
					"cryptofeed.proxy.default.http.budget.window=1m")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ProxyPoolHttpClients.class).hasSingleBean(RateLimits.class);
				WebTestClient client = client(context);
				List<String> answered = new ArrayList<>();
				answered.add(proxyUrl(client));
				answered.add(proxyUrl(client));
				assertThat(answered).containsExactlyInAnyOrder(SOCKS, HTTP);
				// one use per member and minute, both spent
				assertThat(proxyUrl(client)).isNull();
			});
	}

	@Test
	void anApplicationsOwnRateLimitsAreTheOnesTheHandlerUses() {
		RateLimits own = new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC());
		this.runner.withConfiguration(AutoConfigurations.of(ProxyPoolTransportAutoConfiguration.class))
			.withBean(RateLimits.class, () -> own)
			.run((context) -> {
				assertThat(context).getBean(RateLimits.class).isSameAs(own);
				assertSkipsMemberRestingIn(context, own);
			});
	}

	/** Settings of the application's skip the start-up check: a blank key, as from ${key:}, must not let an empty one in. */
	@Test
	void aBlankKeyInSettingsOfYourOwnLetsNoCallerIn() {
		this.runner
			.withBean(ServiceServerSettings.class,
					() -> new ServiceServerSettings("tok", "", Duration.ofSeconds(60), FallbackPolicy.FAIL))
			.run((context) -> client(context).post()
				.uri(ProxyRequest.PATH)
				.header("X-API-Key", "")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("exchange_id", "binance", "connection_type", "http"))
				.exchange()
				.expectStatus()
				.isUnauthorized());
	}

	private static void assertSkipsMemberRestingIn(AssertableReactiveWebApplicationContext context,
			RateLimits rateLimits) {
		ProxyPool pool = context.getBean(ProxyPools.class).resolve("binance", ConnectionType.HTTP).orElseThrow();
		rateLimits.forExchange("binance").responded(pool, pool.members().get(0), 429, "120");
		WebTestClient client = client(context);
		for (int i = 0; i < 3; i++) {
			assertThat(proxyUrl(client)).isEqualTo(HTTP);
		}
	}

	private static WebTestClient client(AssertableReactiveWebApplicationContext context) {
		RouterFunction<?> routes = context.getBean("proxyServiceRoutes", RouterFunction.class);
		return WebTestClient.bindToRouterFunction(routes).build();
	}

	/** The proxy URL answered for binance, {@code null} for an answer without one. */
	private static String proxyUrl(WebTestClient client) {
		ProxyResponse response = client.post()
			.uri(ProxyRequest.PATH)
			.header("Authorization", "Bearer tok")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("exchange_id", "binance", "connection_type", "http"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(ProxyResponse.class)
			.returnResult()
			.getResponseBody();
		assertThat(response).isNotNull();
		return response.proxyUrl();
	}

}
