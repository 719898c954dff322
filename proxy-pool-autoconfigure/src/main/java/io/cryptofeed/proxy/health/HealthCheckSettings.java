package io.cryptofeed.proxy.health;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.IntPredicate;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.netty.ProxyTls;

/**
 * How one pool's members are checked. {@link #toString()} shows the check URL as
 * {@link ProxyUrls#withoutSecrets} does.
 *
 * @param method how a member is checked
 * @param interval time between two checks of a member
 * @param timeout time one attempt may take
 * @param attempts attempts within one check before it counts as failed
 * @param unhealthyThreshold consecutive failed checks that make a member unhealthy
 * @param healthyThreshold consecutive passed checks that make an unhealthy member healthy
 * @param jitter fraction of the interval by which each check moves at random, 0 to 0.5
 * @param url what the http method requests through the proxy, else {@code null}
 * @param expectedStatus statuses that pass the http method
 * @param proxyTls the TLS spoken to {@code https} members
 */
public record HealthCheckSettings(Method method, Duration interval, Duration timeout, int attempts,
		int unhealthyThreshold, int healthyThreshold, double jitter, URI url, IntPredicate expectedStatus,
		ProxyTls proxyTls) {

	/** The largest jitter, as a fraction of the interval: no check comes sooner than half an interval after the last. */
	public static final double MAX_JITTER = 0.5;

	/**
	 * Refuses what would run a member's checks without pause (a jitter of {@code 10} meant as
	 * 10% makes nearly half the delays negative) or never decide: the configuration checks
	 * these too, but an application that makes its own checker makes its own settings.
	 */
	public HealthCheckSettings {
		Objects.requireNonNull(method, "method");
		Objects.requireNonNull(interval, "interval");
		String intervalProblem = Durations.timerProblem(interval);
		if (intervalProblem != null) {
			throw new IllegalArgumentException(
					"interval " + intervalProblem + ", but was " + Durations.format(interval));
		}
		if (!(jitter >= 0 && jitter <= MAX_JITTER)) {
			throw new IllegalArgumentException("jitter must be a fraction of the interval from 0 to " + MAX_JITTER
					+ " (0.1 for 10%), but was " + jitter);
		}
		atLeastOne("attempts", attempts);
		atLeastOne("unhealthyThreshold", unhealthyThreshold);
		atLeastOne("healthyThreshold", healthyThreshold);
	}

	private static void atLeastOne(String name, int value) {
		if (value < 1) {
			throw new IllegalArgumentException(name + " must be at least 1, but was " + value);
		}
	}

	@Override
	public String toString() {
		return "HealthCheckSettings[method=" + this.method + ", interval=" + this.interval + ", timeout=" + this.timeout
				+ ", attempts=" + this.attempts + ", unhealthyThreshold=" + this.unhealthyThreshold
				+ ", healthyThreshold=" + this.healthyThreshold + ", jitter=" + this.jitter + ", url="
				+ ((this.url != null) ? ProxyUrls.withoutSecrets(this.url) : null) + ", expectedStatus="
				+ this.expectedStatus + ", proxyTls=" + this.proxyTls + "]";
	}

	/** Ways to check a member. */
	public enum Method {

		/** Connect and complete the proxy's protocol greeting. */
		TCP,

		/** A request through the proxy to the check URL. */
		HTTP,

		/** ICMP reachability of the proxy host. */
		PING

	}

}
