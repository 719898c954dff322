package io.cryptofeed.proxy.autoconfigure;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reload and the settings the starter reads at start only: the external service's client
 * and server, and the switches. It rejects what the next start would refuse, and names
 * (never shows) what waits for that start.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartOnlySettingsReloadTests {

	private static final String CLIENT = "cryptofeed.proxy.external-service";

	private static final String SERVER = "cryptofeed.proxy.service-server";

	private static final String TOKEN = "token-canary-51d0";

	private static final String ROTATED = "token-canary-9e2b";

	private static final String WAITING = "settings read at start only apply at the next start";

	private final Map<String, Object> reloadable = new LinkedHashMap<>();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyServiceClientAutoConfiguration.class, ProxyPoolTransportAutoConfiguration.class,
				ProxyPoolReloadAutoConfiguration.class))
		.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("reloadable", this.reloadable)))
		.withPropertyValues("cryptofeed.proxy.enabled=true");

	private final ReactiveWebApplicationContextRunner reactiveRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyServiceServerAutoConfiguration.class, ProxyPoolReloadAutoConfiguration.class))
		.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("reloadable", this.reloadable)))
		.withPropertyValues("cryptofeed.proxy.enabled=true");

	@Test
	void invalidClientSettingsAreRejectedWithThePoolsAndNothingChanges(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.reloadable.put(CLIENT + ".enabled", "true");
		this.reloadable.put(CLIENT + ".endpoints", "http://127.0.0.1:9");
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(CompiledServiceClient.class);
			this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3129");
			this.reloadable.put("cryptofeed.proxy.default.http.strategy", "fastest");
			this.reloadable.put(CLIENT + ".timeout", "-1s");
			this.reloadable.put(CLIENT + ".endpoints", "ftp://nowhere");
			this.reloadable.put(CLIENT + ".auth-method", "bearer-token");
			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);

			assertThat(reloader.reload()).isFalse();

			assertThat(reloader.status().rejectionReasons()).hasSize(4)
				.anySatisfy((reason) -> assertThat(reason).startsWith("cryptofeed.proxy.default.http.strategy"))
				.anySatisfy((reason) -> assertThat(reason).startsWith(CLIENT + ".timeout = '-1s'"))
				.anySatisfy((reason) -> assertThat(reason).startsWith(CLIENT + ".endpoints[0]"))
				.anySatisfy((reason) -> assertThat(reason).startsWith(CLIENT + ".token")
					.contains("bearer-token needs a token"));
			assertThat(pool(context).members()).singleElement()
				.satisfies((member) -> assertThat(member.endpoint().port()).isEqualTo(3128));
			assertThat(output).contains("proxy config reload rejected").doesNotContain(WAITING);
		});
	}

	@Test
	void aValidClientChangeIsNamedAsWaitingForTheNextStartWithoutItsValues(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.reloadable.put(CLIENT + ".enabled", "true");
		this.reloadable.put(CLIENT + ".endpoints", "http://127.0.0.1:9");
		this.reloadable.put(CLIENT + ".auth-method", "bearer-token");
		this.reloadable.put(CLIENT + ".token", TOKEN);
		this.runner.run((context) -> {
			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);
			this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3129");
			assertThat(reloader.reload()).isTrue();
			assertThat(output).as("unchanged client settings").doesNotContain(WAITING);

			this.reloadable.put(CLIENT + ".endpoints", "http://127.0.0.1:19,http://127.0.0.2:19");
			this.reloadable.put(CLIENT + ".token", ROTATED);
			// as Spring Cloud's rebinder leaves it: the bean holds the new values, the client the old ones
			context.getBean(ExternalServiceProperties.class).setToken(ROTATED);
			context.getBean(ExternalServiceProperties.class)
				.setEndpoints(List.of("http://127.0.0.1:19", "http://127.0.0.2:19"));

			assertThat(reloader.reload()).isTrue();

			assertThat(output).contains("WARN")
				.contains(WAITING + ": changed=" + CLIENT + ".endpoints," + CLIENT + ".token")
				.doesNotContain(TOKEN)
				.doesNotContain(ROTATED)
				.doesNotContain("127.0.0.2:19");
			assertThat(context.getBean(CompiledServiceClient.class).settings().endpoints())
				.containsExactly(URI.create("http://127.0.0.1:9"));
			assertThat(reloader.status().lastApplied()).isNotNull();
		});
	}

	@Test
	void turningTheMemberBreakersOffOrTheClientOnIsNamedAsWaitingForTheNextStart(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(MemberCircuitBreakers.class);
			this.reloadable.put("cryptofeed.proxy.circuit-breaker.enabled", "false");
			this.reloadable.put(CLIENT + ".enabled", "true");
			this.reloadable.put(CLIENT + ".endpoints", "http://127.0.0.1:9");

			assertThat(context.getBean(ProxyPoolReloader.class).reload()).isTrue();

			assertThat(output).contains(WAITING + ": changed=cryptofeed.proxy.circuit-breaker.enabled," + CLIENT
					+ ".enabled");
			assertThat(context).hasSingleBean(MemberCircuitBreakers.class).doesNotHaveBean(CompiledServiceClient.class);
		});
	}

	@Test
	void aClientTurnedOnByTheReloadIsCheckedAsTheNextStartWould() {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.run((context) -> {
			this.reloadable.put(CLIENT + ".enabled", "true");
			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);

			assertThat(reloader.reload()).isFalse();

			assertThat(reloader.status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith(CLIENT + ".endpoints")
					.contains("no endpoint is set"));
		});
	}

	@Test
	void anUnreadableSwitchIsRejectedAsAtStart() {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.runner.run((context) -> {
			this.reloadable.put(CLIENT + ".enabled", "ture");
			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);

			assertThat(reloader.reload()).isFalse();

			assertThat(reloader.status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith(CLIENT + ".enabled = 'ture'")
					.contains("set " + CLIENT + ".enabled to true or false"));
		});
	}

	@Test
	void aServerLeftOpenToAnyoneIsRejectedAndANewAnswerTtlWaitsForTheNextStart(CapturedOutput output) {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.reloadable.put(SERVER + ".enabled", "true");
		this.reloadable.put(SERVER + ".token", TOKEN);
		this.reactiveRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			ProxyPoolReloader reloader = context.getBean(ProxyPoolReloader.class);
			this.reloadable.remove(SERVER + ".token");

			assertThat(reloader.reload()).isFalse();
			assertThat(reloader.status().rejectionReasons()).singleElement()
				.satisfies((reason) -> assertThat(reason).startsWith(SERVER + ".token").contains("to any caller"));

			this.reloadable.put(SERVER + ".token", TOKEN);
			this.reloadable.put(SERVER + ".answer-ttl", "5s");
			assertThat(reloader.reload()).isTrue();
			assertThat(output).contains(WAITING + ": changed=" + SERVER + ".answer-ttl").doesNotContain(TOKEN);
		});
	}

	@Test
	void serverSettingsDoNotStopReloadsWhereTheServerCannotRun() {
		this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3128");
		this.reloadable.put(SERVER + ".enabled", "true");
		this.runner.run((context) -> {
			this.reloadable.put("cryptofeed.proxy.default.http.url", "http://127.0.0.1:3129");

			assertThat(context.getBean(ProxyPoolReloader.class).reload()).as("no reactive web server, no service")
				.isTrue();
		});
	}

	private static ProxyPool pool(ApplicationContext context) {
		return context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
	}

}
