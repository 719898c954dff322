package io.cryptofeed.proxy.health;

import java.net.URI;
import java.time.Duration;
import java.util.function.IntPredicate;

import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.netty.ProxyTls;

/**
 * How one pool's members are checked. {@link #toString()} shows the check URL without its user
 * info, query and fragment, any of which may hold a key ({@code ?apikey=…}).
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

	@Override
	public String toString() {
		return "HealthCheckSettings[method=" + this.method + ", interval=" + this.interval + ", timeout=" + this.timeout
				+ ", attempts=" + this.attempts + ", unhealthyThreshold=" + this.unhealthyThreshold
				+ ", healthyThreshold=" + this.healthyThreshold + ", jitter=" + this.jitter + ", url="
				+ shown(this.url) + ", expectedStatus=" + this.expectedStatus + ", proxyTls=" + this.proxyTls + "]";
	}

	/** The URL with its user info masked, and its query and fragment replaced by {@code ***}. */
	private static String shown(URI url) {
		if (url == null) {
			return null;
		}
		String raw = url.toString();
		int cut = raw.length();
		for (char c : new char[] { '?', '#' }) {
			int at = raw.indexOf(c);
			if (at >= 0 && at < cut) {
				cut = at;
			}
		}
		String shown = ProxyUrls.mask(raw.substring(0, cut));
		return (cut < raw.length()) ? shown + raw.charAt(cut) + "***" : shown;
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
