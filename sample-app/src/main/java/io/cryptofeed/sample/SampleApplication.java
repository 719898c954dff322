package io.cryptofeed.sample;

import io.cryptofeed.sample.demo.DemoNetworkInitializer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A market-data feed handler that sends its exchange traffic through proxy pools. Without a
 * profile it runs the {@code demo} profile: a local exchange and local proxies in this JVM.
 * With {@code --spring.profiles.active=live} it follows real exchanges through your proxies.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		// the demo's proxies must be up before the pools are built from their addresses
		application.addInitializers(new DemoNetworkInitializer());
		application.run(args);
	}

}
