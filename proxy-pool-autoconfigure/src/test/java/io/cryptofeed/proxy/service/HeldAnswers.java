package io.cryptofeed.proxy.service;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * The service's answers, for the stubs that name {@link #NAME} as their transformer, held back
 * until the test releases them: a test then knows how many asks reached the service before any
 * was answered, instead of guessing it from arrival times.
 */
final class HeldAnswers implements ResponseDefinitionTransformerV2 {

	static final String NAME = "held-answers";

	private final CountDownLatch released = new CountDownLatch(1);

	private final AtomicInteger waiting = new AtomicInteger();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public boolean applyGlobally() {
		return false;
	}

	@Override
	public ResponseDefinition transform(ServeEvent serveEvent) {
		this.waiting.incrementAndGet();
		try {
			// bounded only so that a failed test cannot hold WireMock's threads for ever
			this.released.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return serveEvent.getResponseDefinition();
	}

	/** Asks that reached the service and wait for their answer, or got it after {@link #release()}. */
	int arrived() {
		return this.waiting.get();
	}

	/** Lets every held answer go, and those that come later pass at once. */
	void release() {
		this.released.countDown();
	}

}
