package io.cryptofeed.proxy.health;

import java.time.Duration;
import java.time.Instant;

/**
 * The health record of one member: thresholds turn check results into the healthy flag.
 * Thread-safe; checks of one member never overlap, but readers (operators) may come at any time.
 */
public final class MemberHealth {

	/** Weight of the newest latency in the moving average. */
	private static final double LATENCY_SMOOTHING = 0.3;

	private boolean healthy = true;

	private int consecutiveFailures;

	private int consecutiveSuccesses;

	private long totalChecks;

	private Instant lastCheck;

	private double latencyMillis = Double.NaN;

	private String lastError;

	/** Set by a new password until the next check, whose pass then brings an unhealthy member back alone. */
	private boolean newCredentials;

	/**
	 * Records one check.
	 * @param error why it failed (credentials already masked), or {@code null} when it passed
	 * @return whether the healthy flag changed
	 */
	synchronized boolean record(Instant at, Duration latency, String error, HealthCheckSettings settings) {
		this.totalChecks++;
		this.lastCheck = at;
		boolean firstWithNewCredentials = this.newCredentials;
		this.newCredentials = false;
		if (error == null) {
			this.consecutiveSuccesses++;
			this.consecutiveFailures = 0;
			double millis = latency.toNanos() / 1e6;
			this.latencyMillis = Double.isNaN(this.latencyMillis) ? millis
					: LATENCY_SMOOTHING * millis + (1 - LATENCY_SMOOTHING) * this.latencyMillis;
			if (!this.healthy
					&& (firstWithNewCredentials || this.consecutiveSuccesses >= settings.healthyThreshold())) {
				this.healthy = true;
				return true;
			}
			return false;
		}
		this.consecutiveFailures++;
		this.consecutiveSuccesses = 0;
		this.lastError = error;
		if (this.healthy && this.consecutiveFailures >= settings.unhealthyThreshold()) {
			this.healthy = false;
			return true;
		}
		return false;
	}

	/**
	 * The member's password changed: the checks in a row so far were of the old one, so they
	 * count no more. If the next check passes, it brings an unhealthy member back alone: a
	 * member that joins gets no more proof than that (it starts healthy), and the failures
	 * that made this one unhealthy were the old password's.
	 */
	synchronized void newCredentials() {
		this.consecutiveFailures = 0;
		this.consecutiveSuccesses = 0;
		this.newCredentials = true;
	}

	/** Whether the member's last check failed: a pass now shows a recovery. */
	synchronized boolean failedLastCheck() {
		return this.consecutiveFailures > 0;
	}

	/** A consistent copy for operators and tests. */
	public synchronized Snapshot snapshot() {
		return new Snapshot(this.healthy, this.consecutiveFailures, this.consecutiveSuccesses, this.totalChecks,
				this.lastCheck, this.latencyMillis, this.lastError);
	}

	/**
	 * @param healthy whether the member passes its checks
	 * @param consecutiveFailures failed checks in a row
	 * @param consecutiveSuccesses passed checks in a row
	 * @param totalChecks checks so far
	 * @param lastCheck when the last check finished, {@code null} before the first
	 * @param latencyMillis moving average of passed checks' latency, NaN before the first pass
	 * @param lastError why the last failed check failed, credentials masked
	 */
	public record Snapshot(boolean healthy, int consecutiveFailures, int consecutiveSuccesses, long totalChecks,
			Instant lastCheck, double latencyMillis, String lastError) {
	}

}
