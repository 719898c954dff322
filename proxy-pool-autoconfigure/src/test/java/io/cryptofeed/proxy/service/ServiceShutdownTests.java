package io.cryptofeed.proxy.service;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.cryptofeed.proxy.netty.ConnectStoppedException;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the application while a connection waits for the proxy service's answer: Boot's
 * Reactor Netty resources close the call as they stop, which is the stop's doing, not the
 * service's.
 */
class ServiceShutdownTests {

	@AutoClose
	private final ServiceFixture fixture = new ServiceFixture();

	@Test
	void aCallToTheServiceTheCloseCutsIsNeitherWarnedOfNorCountedNorFallenBackFrom() {
		// held until the test ends: only the close ends the ask
		this.fixture.answer(okJson(ServiceFixture.json(this.fixture.serviceProxy.url(), 60L, "embedded_fallback"))
			.withTransformers(HeldAnswers.NAME));
		try (CapturedLog log = CapturedLog.of(ServiceProxySource.class)) {
			this.fixture.runner().withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s").run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				CompletableFuture<String> call = context.getBean(WebClient.Builder.class)
					.build()
					.get()
					.uri(this.fixture.target.baseUrl() + "/whoami")
					.retrieve()
					.bodyToMono(String.class)
					.toFuture();
				await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.held.arrived() == 1);

				context.getSourceApplicationContext().close();

				await().atMost(Duration.ofSeconds(10)).until(call::isDone);
				Throwable error = call.handle((answer, failure) -> failure).join();
				assertThat(error).as("the call's error").isNotNull();
				assertThat(error).hasStackTraceContaining(ConnectStoppedException.class.getName())
					.hasStackTraceContaining("while the application is stopping");
				assertThat(this.fixture.embeddedProxy.accepted()).as("connections to the embedded pool's proxy").isZero();
				assertThat(meters.find("cryptofeed.proxy.service.requests").tag("outcome", "failed").meters())
					.as("failed calls counted")
					.isEmpty();
				assertThat(meters.find("cryptofeed.proxy.service.fallback").meters()).as("fallbacks counted")
					.map(Meter::measure)
					.isEmpty();
			});
			assertThat(log.warnings()).isEmpty();
		}
	}

}
