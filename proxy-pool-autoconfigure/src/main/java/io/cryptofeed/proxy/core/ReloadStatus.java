package io.cryptofeed.proxy.core;

import java.time.Instant;
import java.util.List;

/**
 * How the last reloads of the proxy configuration went, for operators.
 *
 * @param reloads reloads attempted since start-up
 * @param lastApplied when a new configuration was last applied, or {@code null}
 * @param lastRejected when a new configuration was last rejected, or {@code null}
 * @param rejectionReasons why the configuration of {@code lastRejected} was rejected: one line
 * per broken rule, values masked; kept when a later reload applies, as {@code lastRejected} is
 */
public record ReloadStatus(long reloads, Instant lastApplied, Instant lastRejected, List<String> rejectionReasons) {

	/** No reload attempted yet. */
	public static final ReloadStatus NONE = new ReloadStatus(0, null, null, List.of());

	public ReloadStatus {
		rejectionReasons = List.copyOf(rejectionReasons);
	}

	/** This status after one more reload, applied at the given time. */
	public ReloadStatus applied(Instant at) {
		return new ReloadStatus(this.reloads + 1, at, this.lastRejected, this.rejectionReasons);
	}

	/** This status after one more reload, rejected at the given time for these reasons. */
	public ReloadStatus rejected(Instant at, List<String> reasons) {
		return new ReloadStatus(this.reloads + 1, this.lastApplied, at, reasons);
	}

}
