package io.cryptofeed.proxy.netty;

import io.cryptofeed.proxy.autoconfigure.ProxyPoolAutoConfiguration;
import io.cryptofeed.proxy.autoconfigure.ProxyPoolTransportAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

/** The application context a user of the starter gets, for transport tests. */
final class TransportTestSupport {

	private TransportTestSupport() {
	}

	/**
	 * Boot's reactive HTTP client and WebClient auto-configuration plus ours, with short
	 * timeouts and a breaker that opens after two failures in a row.
	 */
	static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
					ProxyPoolTransportAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
					WebClientAutoConfiguration.class))
			.withPropertyValues("cryptofeed.proxy.enabled=true", "cryptofeed.proxy.handshake-timeout=500ms",
					"cryptofeed.proxy.circuit-breaker.minimum-number-of-calls=2",
					"cryptofeed.proxy.circuit-breaker.sliding-window-size=2",
					"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1s",
					"cryptofeed.proxy.circuit-breaker.permitted-calls-in-half-open-state=1");
	}

	static String[] pool(String block, String... urls) {
		String[] properties = new String[urls.length];
		for (int i = 0; i < urls.length; i++) {
			properties[i] = "cryptofeed.proxy." + block + ".pool[" + i + "].url=" + urls[i];
		}
		return properties;
	}

}
