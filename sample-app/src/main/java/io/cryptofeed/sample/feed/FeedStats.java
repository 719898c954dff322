package io.cryptofeed.sample.feed;

import java.util.concurrent.atomic.AtomicLong;

/** What one exchange's feed has done so far. */
public final class FeedStats {

	private final String exchange;

	private final AtomicLong polls = new AtomicLong();

	private final AtomicLong failedPolls = new AtomicLong();

	private final AtomicLong trades = new AtomicLong();

	private final AtomicLong sessions = new AtomicLong();

	private final AtomicLong failedSessions = new AtomicLong();

	private volatile String lastPrice = "-";

	FeedStats(String exchange) {
		this.exchange = exchange;
	}

	public String exchange() {
		return this.exchange;
	}

	/** Ticker requests answered. */
	public long polls() {
		return this.polls.get();
	}

	/** Ticker requests that failed: no proxy could carry them, or the exchange refused. */
	public long failedPolls() {
		return this.failedPolls.get();
	}

	/** Messages received on the trade stream. */
	public long trades() {
		return this.trades.get();
	}

	/** Trade stream sessions opened. */
	public long sessions() {
		return this.sessions.get();
	}

	/** Trade stream sessions that could not be opened or broke off. */
	public long failedSessions() {
		return this.failedSessions.get();
	}

	public String lastPrice() {
		return this.lastPrice;
	}

	void polled(String price) {
		this.polls.incrementAndGet();
		this.lastPrice = price;
	}

	void pollFailed() {
		this.failedPolls.incrementAndGet();
	}

	void trade() {
		this.trades.incrementAndGet();
	}

	void sessionOpened() {
		this.sessions.incrementAndGet();
	}

	void sessionFailed() {
		this.failedSessions.incrementAndGet();
	}

}
