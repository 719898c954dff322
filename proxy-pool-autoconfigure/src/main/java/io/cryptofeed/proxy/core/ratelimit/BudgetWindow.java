package io.cryptofeed.proxy.core.ratelimit;

import java.util.Arrays;

/**
 * The uses one member spent for one exchange within the last window, oldest first: a sliding
 * log, so no window of that length ever holds more than the budget (a refilling token bucket
 * would allow twice as many across its boundary). Each spend is kept with the object that
 * spent it, so a use that never reached the exchange is given back exactly. The log grows
 * with use, up to the budget.
 *
 * <p>Taking and giving back lock this window; {@link #hasToken} is one volatile read, so
 * selection can skip a spent member without locking.
 */
final class BudgetWindow {

	private final int max;

	private final long windowMillis;

	/** Spend times, a ring from {@code head}; guarded by this. */
	private long[] times;

	/** Who spent each, same positions; guarded by this. */
	private Object[] owners;

	private int head;

	private int size;

	/** When the budget is spent: the time its oldest spend leaves the window; else {@link Long#MIN_VALUE}. */
	private volatile long spentUntil = Long.MIN_VALUE;

	BudgetWindow(Budget budget) {
		this.max = budget.max();
		this.windowMillis = budget.window().toMillis();
		int initial = Math.min(this.max, 8);
		this.times = new long[initial];
		this.owners = new Object[initial];
	}

	/** Whether a use may be spent now; may be stale by a moment, {@link #take} decides. */
	boolean hasToken(long now) {
		return now >= this.spentUntil;
	}

	/** Spends one use for the owner; false when the budget is spent. */
	synchronized boolean take(Object owner, long now) {
		expire(now);
		if (this.size == this.max) {
			this.spentUntil = this.times[this.head] + this.windowMillis;
			return false;
		}
		if (this.size == this.times.length) {
			grow();
		}
		int tail = index(this.size);
		this.times[tail] = now;
		this.owners[tail] = owner;
		this.size++;
		this.spentUntil = (this.size == this.max) ? this.times[this.head] + this.windowMillis : Long.MIN_VALUE;
		return true;
	}

	/** Gives back the use the owner spent, if it is still in the window. */
	synchronized void refund(Object owner) {
		// refunds come right after the spend: search from the newest
		for (int i = this.size - 1; i >= 0; i--) {
			if (this.owners[index(i)] == owner) {
				for (int j = i; j < this.size - 1; j++) {
					this.times[index(j)] = this.times[index(j + 1)];
					this.owners[index(j)] = this.owners[index(j + 1)];
				}
				this.size--;
				this.owners[index(this.size)] = null;
				this.spentUntil = Long.MIN_VALUE;
				return;
			}
		}
	}

	/** Uses left in the window now. */
	synchronized int tokens(long now) {
		expire(now);
		return this.max - this.size;
	}

	/** When the next use may be spent: now, or when the oldest spend leaves the window. */
	synchronized long nextTokenAt(long now) {
		expire(now);
		return (this.size < this.max) ? now : this.times[this.head] + this.windowMillis;
	}

	private void expire(long now) {
		while (this.size > 0 && this.times[this.head] + this.windowMillis <= now) {
			this.owners[this.head] = null;
			this.head = (this.head + 1 == this.times.length) ? 0 : this.head + 1;
			this.size--;
		}
		if (this.size < this.max) {
			this.spentUntil = Long.MIN_VALUE;
		}
	}

	private int index(int offset) {
		int i = this.head + offset;
		return (i < this.times.length) ? i : i - this.times.length;
	}

	private void grow() {
		int capacity = (int) Math.min((long) this.times.length * 2, this.max);
		long[] times = new long[capacity];
		Object[] owners = new Object[capacity];
		for (int i = 0; i < this.size; i++) {
			times[i] = this.times[index(i)];
			owners[i] = this.owners[index(i)];
		}
		Arrays.fill(this.owners, null);
		this.times = times;
		this.owners = owners;
		this.head = 0;
	}

}
