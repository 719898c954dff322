package io.cryptofeed.proxy.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The proxy service client's meters, all under {@code cryptofeed.proxy.service}. Tags hold
 * outcomes and reasons only: never an endpoint's or a proxy's credentials.
 */
public final class MicrometerServiceMetrics implements ServiceMetrics {

	static final String PREFIX = "cryptofeed.proxy.service";

	private final MeterRegistry registry;

	private final Timer succeeded;

	private final Counter cached;

	private final Counter breakerOpens;

	private final Counter feedbackSent;

	private final Counter feedbackDropped;

	/** Built once per reason or resort, not per call: fallbacks happen on every connect of an outage. */
	private final Map<String, Timer> failed = new ConcurrentHashMap<>();

	private final Map<String, Counter> fallbacks = new ConcurrentHashMap<>();

	public MicrometerServiceMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.succeeded = responseTime("success", "none");
		this.cached = Counter.builder(PREFIX + ".cached")
			.description("Connections that reused an unexpired answer instead of asking the service")
			.register(registry);
		this.breakerOpens = Counter.builder(PREFIX + ".breaker.opens")
			.description("Times the circuit breaker around the service opened")
			.register(registry);
		this.feedbackSent = Counter.builder(PREFIX + ".feedback")
			.description("Feedback reports by outcome")
			.tag("outcome", "sent")
			.register(registry);
		this.feedbackDropped = Counter.builder(PREFIX + ".feedback")
			.description("Feedback reports by outcome")
			.tag("outcome", "dropped")
			.register(registry);
	}

	/**
	 * Calls to the service: a timer, so its count is the requests and its total the response
	 * time, tagged {@code outcome} (success, failed) and {@code reason}.
	 */
	private Timer responseTime(String outcome, String reason) {
		return Timer.builder(PREFIX + ".requests")
			.description("Calls to the proxy service and their response time")
			.tag("outcome", outcome)
			.tag("reason", reason)
			.register(this.registry);
	}

	@Override
	public void requestSucceeded(Duration elapsed) {
		this.succeeded.record(elapsed);
	}

	@Override
	public void requestFailed(String reason, Duration elapsed) {
		this.failed.computeIfAbsent(reason, (r) -> responseTime("failed", r)).record(elapsed);
	}

	@Override
	public void cached() {
		this.cached.increment();
	}

	@Override
	public void breakerOpened() {
		this.breakerOpens.increment();
	}

	@Override
	public void fallbackUsed(String to) {
		this.fallbacks
			.computeIfAbsent(to, (resort) -> Counter.builder(PREFIX + ".fallback")
				.description("Connections that did without the service's proxy, by what they used instead")
				.tag("to", resort)
				.register(this.registry))
			.increment();
	}

	@Override
	public void feedbackSent() {
		this.feedbackSent.increment();
	}

	@Override
	public void feedbackDropped() {
		this.feedbackDropped.increment();
	}

}
