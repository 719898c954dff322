package io.cryptofeed.sample.demo;

import java.time.Duration;
import java.util.List;

import io.cryptofeed.proxy.testkit.Fault;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the demo's exchange and its flapping proxy behave.
 *
 * @param exchange the local demo exchange
 * @param flap the proxy that fails and recovers on a timer
 */
@ConfigurationProperties("demo")
public record DemoProperties(@DefaultValue Exchange exchange, @DefaultValue Flap flap) {

	/**
	 * The demo exchange.
	 *
	 * @param tradeInterval time between two trades on each stream
	 * @param sessionLifetime how long the exchange keeps a trade stream open before closing it, as
	 * real exchanges do (Binance after 24 hours): the feed has to reconnect through the pool
	 * @param maxKeepAliveRequests requests the exchange serves on one connection before closing
	 * it, as real servers do: new connections keep going through the pool
	 */
	public record Exchange(@DefaultValue("200ms") Duration tradeInterval, @DefaultValue("30s") Duration sessionLifetime,
			@DefaultValue("4") int maxKeepAliveRequests) {
	}

	/**
	 * The proxy that fails and recovers.
	 *
	 * @param proxy the demo proxy's name
	 * @param upFor how long it works between two failures
	 * @param downFor how long each failure lasts
	 * @param faults the failures, taken in turn: refuse, hang, hold (answered when it recovers), reset,
	 * status-407, status-500, auth-fail, stall, freeze or crash (auth-fail for a SOCKS5 proxy only,
	 * the two statuses for an HTTP proxy only)
	 */
	public record Flap(@DefaultValue("bravo") String proxy, @DefaultValue("20s") Duration upFor,
			@DefaultValue("15s") Duration downFor,
			@DefaultValue({ "hang", "refuse", "status-500" }) List<Fault.Kind> faults) {
	}

}
