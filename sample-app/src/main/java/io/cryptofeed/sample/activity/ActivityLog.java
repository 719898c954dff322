package io.cryptofeed.sample.activity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.sample.feed.FeedStats;
import io.cryptofeed.sample.feed.MarketDataFeed;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import org.springframework.context.SmartLifecycle;

/**
 * Every {@code feed.summary-interval}, one line per exchange (what the feed did) and one line
 * per pool member (its state and what went through it since the last summary).
 */
final class ActivityLog implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ActivityLog.class);

	private final Duration interval;

	private final MarketDataFeed feed;

	private final ProxyPools pools;

	private final ProxyPoolHttpClients clients;

	private final ConnectCounts connects;

	private final MemberTraffic traffic;

	/** The previous summary's totals, for the differences; only the summary's thread touches it. */
	private final Map<Counter, Long> previous = new HashMap<>();

	private Disposable running;

	/**
	 * @param pools the pools, or {@code null} when proxies are off
	 * @param clients the pooled transport, or {@code null}
	 * @param traffic what each proxy carried, or {@code null} when nothing can tell
	 */
	ActivityLog(Duration interval, MarketDataFeed feed, ProxyPools pools, ProxyPoolHttpClients clients,
			ConnectCounts connects, MemberTraffic traffic) {
		this.interval = interval;
		this.feed = feed;
		this.pools = pools;
		this.clients = clients;
		this.connects = connects;
		this.traffic = traffic;
	}

	void summarize() {
		for (FeedStats stats : this.feed.stats().values()) {
			logger.info(String.format(Locale.ROOT,
					"summary: exchange=%s polls=+%d failed-polls=+%d trades=+%d sessions=+%d failed-sessions=+%d "
							+ "price=%s",
					stats.exchange(), delta(stats, "polls", stats.polls()),
					delta(stats, "failed-polls", stats.failedPolls()), delta(stats, "trades", stats.trades()),
					delta(stats, "sessions", stats.sessions()), delta(stats, "failed-sessions", stats.failedSessions()),
					stats.lastPrice()));
		}
		if (this.pools == null) {
			return;
		}
		for (ProxyPool pool : this.pools.pools().values()) {
			for (PoolMember member : pool.members()) {
				logger.info(memberLine(pool, member));
			}
		}
	}

	private String memberLine(ProxyPool pool, PoolMember member) {
		StringBuilder line = new StringBuilder("summary: pool=").append(pool.key())
			.append(" member=")
			.append(member.endpoint())
			.append(" state=")
			.append(state(member))
			.append(" tunnels=+")
			.append(delta(member, "tunnels", this.connects.opened(member)))
			.append(" failed-connects=+")
			.append(delta(member, "failed", this.connects.failed(member)));
		if (this.clients != null) {
			line.append(" open-connections=").append(this.clients.openConnections(member));
		}
		OptionalLong carried = (this.traffic != null) ? this.traffic.carried(member.endpoint(), pool.key().type())
				: OptionalLong.empty();
		if (carried.isPresent()) {
			String what = (pool.key().type() == ConnectionType.HTTP) ? "requests" : "sessions";
			line.append(' ').append(what).append("=+").append(delta(member, what, carried.getAsLong()));
		}
		return line.toString();
	}

	private static String state(PoolMember member) {
		if (!member.enabled()) {
			return "disabled";
		}
		if (member.isAvailable()) {
			return "available";
		}
		List<String> reasons = new ArrayList<>();
		for (Unavailability reason : Unavailability.values()) {
			if (member.isSetAsideFor(reason)) {
				reasons.add(reason.id());
			}
		}
		return "set-aside(" + String.join(",", reasons) + ")";
	}

	private long delta(Object owner, String what, long total) {
		Long before = this.previous.put(new Counter(owner, what), total);
		return total - ((before != null) ? before : 0);
	}

	@Override
	public synchronized void start() {
		this.running = Flux.interval(this.interval, this.interval).subscribe((tick) -> summarize());
	}

	@Override
	public synchronized void stop() {
		this.running.dispose();
		this.running = null;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running != null;
	}

	private record Counter(Object owner, String what) {
	}

}
