package io.cryptofeed.proxy.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.health.contributor.Status;

/** The {@code proxyPool} health contributor of {@code /actuator/health}. */
@ConfigurationProperties("management.health.proxypool")
public class ProxyPoolHealthIndicatorProperties {

	/** Status reported while a pool has no available member: down, out-of-service, or up to leave the application's health alone. */
	private UnavailableStatus unavailableStatus = UnavailableStatus.DOWN;

	public UnavailableStatus getUnavailableStatus() {
		return this.unavailableStatus;
	}

	public void setUnavailableStatus(UnavailableStatus unavailableStatus) {
		this.unavailableStatus = unavailableStatus;
	}

	/** The standard statuses a pool without an available member may report. */
	public enum UnavailableStatus {

		/** The application's health goes down with the pool. */
		DOWN(Status.DOWN),

		/** Reported as out of service: over HTTP Boot answers 503 for it as for down; the JSON status tells them apart. */
		OUT_OF_SERVICE(Status.OUT_OF_SERVICE),

		/** Reported up: the pools show in the details only. */
		UP(Status.UP);

		private final Status status;

		UnavailableStatus(Status status) {
			this.status = status;
		}

		Status status() {
			return this.status;
		}

	}

}
