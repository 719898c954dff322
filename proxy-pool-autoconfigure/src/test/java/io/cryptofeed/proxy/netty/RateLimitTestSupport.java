package io.cryptofeed.proxy.netty;

import io.cryptofeed.proxy.autoconfigure.CompiledProxyConfiguration;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The transport context with the rate limits on a clock the test moves. */
final class RateLimitTestSupport {

	private RateLimitTestSupport() {
	}

	static ApplicationContextRunner runner(TestClock clock) {
		return TransportTestSupport.runner()
			.withBean(TestClock.class, () -> clock)
			.withUserConfiguration(TestClockRateLimits.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class TestClockRateLimits {

		@Bean
		RateLimits proxyRateLimits(CompiledProxyConfiguration configuration, TestClock clock) {
			return new RateLimits(configuration.rateLimits(), clock, clock.ticker());
		}

	}

}
