package io.cryptofeed.proxy.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyBindFailureAnalyzerTests {

	/** The environment of the last context run, as the analyzer is given it when the start fails. */
	private Environment environment;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class))
		.withInitializer((context) -> this.environment = context.getEnvironment())
		.withPropertyValues("cryptofeed.proxy.enabled=true");

	@Test
	void aNonNumericWeightNamesThePropertyAndTheFix() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.http.pool[0].url=http://h:3128",
					"cryptofeed.proxy.default.http.pool[0].weight=heavy")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("cryptofeed.proxy.default.http.pool[0].weight")
					.contains("\"heavy\"");
				assertThat(analysis.getAction()).contains("whole number of 1 or more");
			});
	}

	/** Boot stops at the first value it cannot read: the others are named too, not one per start. */
	@Test
	void everyValueThatCannotBeBoundIsNamedInOneReport() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.http.pool[0].url=http://h:3128",
					"cryptofeed.proxy.default.http.pool[0].weight=heavy",
					"cryptofeed.proxy.default.websocket.pool=socks5://alice:canary@h:1080",
					"cryptofeed.proxy.connect-timeout=soon")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
				// the first Boot met heads the report, the others follow it, each once
				String description = analysis.getDescription();
				assertThat(description).containsOnlyOnce("These proxy properties cannot be bound either:")
					.contains("cryptofeed.proxy.default.http.pool[0].weight", "cryptofeed.proxy.default.websocket.pool",
							"cryptofeed.proxy.connect-timeout", "socks5://***@h:1080")
					.doesNotContain("canary");
				assertThat(description.split("the value is not a valid", -1)).as("one reason per value").hasSize(4);
			});
	}

	@Test
	void aPoolWrittenAsAStringIsReportedWithoutItsPassword() {
		this.runner.withPropertyValues("cryptofeed.proxy.default.http.pool=socks5://alice:canary@h:1080")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("cryptofeed.proxy.default.http.pool")
					.contains("socks5://***@h:1080")
					.doesNotContain("canary");
				assertThat(analysis.getAction()).contains("- url:");
			});
	}

	/** 'health-check: false' meant the switch inside the block: the fix names it. */
	@Test
	void aBlockWrittenAsASwitchIsToldToSetItsEnabled() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.http.url=http://h:3128",
					"cryptofeed.proxy.default.http.health-check=false")
			.run((context) -> {
				FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: cryptofeed.proxy.default.http.health-check");
				assertThat(analysis.getAction())
					.contains("Set cryptofeed.proxy.default.http.health-check.enabled to false")
					.contains("interval");
			});
	}

	/** 'http: socks5://…' meant the block's url: the fix names it, and the report shows no secret. */
	@Test
	void aBlockWrittenAsAUrlIsToldToSetItsUrlWithoutShowingItsSecrets() {
		this.runner.withPropertyValues("cryptofeed.proxy.exchanges.binance.http=socks5://alice:canary@h:1080")
			.run((context) -> {
				FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
				assertThat(analysis.getAction()).contains("Set cryptofeed.proxy.exchanges.binance.http.url to the URL");
				assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("canary");
			});
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.http.url=http://h:3128",
					"cryptofeed.proxy.default.http.health-check=https://api.binance.com/api/v3/ping?apikey=canary")
			.run((context) -> {
				FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
				assertThat(analysis.getAction()).contains("Set cryptofeed.proxy.default.http.health-check.url to the URL");
				assertThat(analysis.getDescription()).contains("https://api.binance.com/api/v3/ping")
					.doesNotContain("canary");
			});
	}

	@Test
	void aBlockWrittenAsAnythingElseListsItsSettings() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.http.url=http://h:3128", "cryptofeed.proxy.failover=5")
			.run((context) -> assertThat(new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure())
				.getAction()).contains("cryptofeed.proxy.failover is a block of settings")
				.contains("max-attempts"));
	}

	@Test
	void aBadDurationGetsTheDurationFix() {
		this.runner.withPropertyValues("cryptofeed.proxy.default.http.timeout=soon").run((context) -> {
			FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
			assertThat(analysis.getAction()).contains("30s");
		});
	}

	/** A member's switch is not a list: its fix is the switch's, not how to write a pool. */
	@Test
	void aMembersBadSwitchGetsTheSwitchFixNotThePoolOne() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.http.pool[0].url=http://h:3128",
					"cryptofeed.proxy.default.http.pool[0].enabled=maybe")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
				assertThat(analysis.getAction()).contains("cryptofeed.proxy.default.http.pool[0].enabled")
					.contains("true or false")
					.doesNotContain("list of members");
			});
	}

	@Test
	void aBadDurationWhoseNameSaysNothingOfTimeStillGetsTheDurationFix() {
		this.runner.withPropertyValues("cryptofeed.proxy.default.rate-limit.cooldown=5 minutes").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
			assertThat(analysis.getAction()).contains("cryptofeed.proxy.default.rate-limit.cooldown")
				.contains("duration such as 30s");
		});
	}

	@Test
	void aBadHealthCheckMethodListsTheMethods() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.http.pool[0].url=http://h:3128",
					"cryptofeed.proxy.default.http.health-check.method=icmp")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
				assertThat(analysis.getAction()).contains("one of tcp, http, ping");
			});
	}

	@Test
	void aBadFrameSizeGetsTheSizeFix() {
		this.runner.withPropertyValues("cryptofeed.proxy.websocket-client.max-frame-payload-length=big")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
				assertThat(analysis.getAction()).contains("size such as 8MB");
			});
	}

	/** An override of one member's setting, in a source above the one that holds the pool. */
	@Test
	void aListSetInTwoPlacesNamesTheElementsThatCameAloneAndTheFix() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.http.pool[0].url=http://h:3128",
					"cryptofeed.proxy.default.http.pool[1].url=socks5://alice:canary@h:1080")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("override",
						Map.of("cryptofeed.proxy.default.http.pool[1].enabled", "false"))))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: cryptofeed.proxy.default.http.pool")
					.contains("set in more than one place")
					.contains("cryptofeed.proxy.default.http.pool[1].enabled")
					.doesNotContain("canary");
				assertThat(analysis.getAction()).contains("Set the whole list cryptofeed.proxy.default.http.pool");
			});
	}

	/**
	 * One source, an index skipped (a member's lines deleted from a properties file): Spring Boot
	 * binds up to the gap and leaves the rest, which no second source explains.
	 */
	@Test
	void aListWhoseIndexesSkipOneIsToldWhichIndexIsMissing() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.default.http.pool[0].url=http://h:3128",
					"cryptofeed.proxy.default.http.pool[2].url=socks5://alice:canary@g:1080")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: cryptofeed.proxy.default.http.pool")
					.contains("Reason: the list has no element [1]")
					.contains("cryptofeed.proxy.default.http.pool[2].url")
					.doesNotContain("more than one place")
					.doesNotContain("canary");
				assertThat(analysis.getAction())
					.contains("Number the elements of cryptofeed.proxy.default.http.pool from [0] without a gap");
			});
	}

	/** The elements below the one left alone sit in another source: that, not the gap, is the cause. */
	@Test
	void aListSetInTwoPlacesWithAGapIsStillToldItIsSetInTwoPlaces() {
		this.runner.withPropertyValues("cryptofeed.proxy.default.http.pool[0].url=http://h:3128")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("override",
						Map.of("cryptofeed.proxy.default.http.pool[2].url", "http://g:3128"))))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("set in more than one place")
					.contains("cryptofeed.proxy.default.http.pool[2].url");
			});
	}

	@Test
	void aTypeIsNamedWithoutItsPackages() {
		this.runner.withPropertyValues("cryptofeed.proxy.default.http.pool=socks5://alice:canary@h:1080")
			.run((context) -> assertThat(
					new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure()).getDescription())
				.contains("Reason: the value is not a valid List<ProxyProperties.Member>"));
	}

	@Test
	void leavesOtherPropertiesToSpringBoot() {
		new ApplicationContextRunner().withUserConfiguration(OtherProperties.Config.class)
			.withPropertyValues("other.count=many")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(new ProxyBindFailureAnalyzer(this.environment).analyze(context.getStartupFailure())).isNull();
			});
	}

	@org.springframework.boot.context.properties.ConfigurationProperties("other")
	static class OtherProperties {

		private int count;

		public int getCount() {
			return this.count;
		}

		public void setCount(int count) {
			this.count = count;
		}

		@org.springframework.boot.context.properties.EnableConfigurationProperties(OtherProperties.class)
		static class Config {

		}

	}

}
