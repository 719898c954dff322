package io.cryptofeed.proxy.core.ratelimit;

import java.time.Duration;

/**
 * What one exchange thinks of one member right now: a cooldown after it was told off, and
 * the uses of its budget left. Readers take no lock; changes lock this object.
 */
final class MemberLimit {

	/** The least time between two WARN lines about one member's cooldowns for one exchange. */
	static final Duration WARN_INTERVAL = Duration.ofMinutes(1);

	/** {@code null} when the member's pool has no budget for this exchange. */
	final Budget budget;

	/** The uses spent within the budget's window; {@code null} without a budget. */
	final BudgetWindow window;

	/** End of the cooldown, epoch milliseconds; 0 when the member never cooled down. */
	private volatile long coolingUntil;

	/** Cooldowns in a row without a welcome answer between them. */
	private volatile int strikes;

	/** The status that started or last extended the cooldown. */
	private volatile int status;

	/** When a cooldown of this member was last logged at WARN, epoch milliseconds. */
	private long warnedAt;

	/** The status of that cooldown; 0 before the first. */
	private int warnedStatus;

	/** Cooldowns logged at DEBUG since then. */
	private int unwarned;

	/** Whether a cooldown of the current run was logged at WARN: its end is then news too. */
	private boolean runWarned;

	/**
	 * What replaced this one when a reload changed the budget: a cooldown or welcome that
	 * reaches this one afterwards (an answer that raced the reload) goes on to it.
	 */
	private volatile MemberLimit successor;

	MemberLimit(Budget budget) {
		this.budget = budget;
		this.window = (budget != null) ? new BudgetWindow(budget) : null;
	}

	/**
	 * The same cooldown under another budget, whose window starts empty. Made once: every
	 * later call gets the same one (whatever its budget), which then hears what this one is told.
	 */
	synchronized MemberLimit withBudget(Budget budget) {
		if (this.successor == null) {
			MemberLimit next = new MemberLimit(budget);
			next.coolingUntil = this.coolingUntil;
			next.strikes = this.strikes;
			next.status = this.status;
			next.warnedAt = this.warnedAt;
			next.warnedStatus = this.warnedStatus;
			next.unwarned = this.unwarned;
			next.runWarned = this.runWarned;
			this.successor = next;
		}
		return this.successor;
	}

	/**
	 * Whether selection must pass the member over now under the budget that applies now: a
	 * window spent under another budget (before a reload changed or dropped it) restricts
	 * nothing, the member's next use starts the new one.
	 */
	boolean restricted(long now, Budget budget) {
		return now < this.coolingUntil || (spends(budget) && !this.window.hasToken(now));
	}

	/** Whether no cooldown runs and no use is in the window: only past strikes would be lost with this. */
	boolean restrictsNothing(long now) {
		return now >= coolingUntil() && (this.window == null || this.window.tokens(now) == this.budget.max());
	}

	/** When the member may be selected again: the end of its cooldown or of its spent budget, whichever is later. */
	long restrictedUntil(long now, Budget budget) {
		long until = Math.max(now, this.coolingUntil);
		return spends(budget) ? Math.max(until, this.window.nextTokenAt(now)) : until;
	}

	/** Whether this member's window counts uses of that budget. */
	private boolean spends(Budget budget) {
		return this.window != null && keeps(budget);
	}

	/** Whether this limit was made for that budget (or, both {@code null}, for none). */
	boolean keeps(Budget budget) {
		return this.budget == budget || (this.budget != null && this.budget.equals(budget));
	}

	/** The end of the cooldown, read through to the successor: the one a raced answer told. */
	long coolingUntil() {
		MemberLimit next = this.successor;
		return (next != null) ? next.coolingUntil() : this.coolingUntil;
	}

	int strikes() {
		return this.strikes;
	}

	int status() {
		return this.status;
	}

	/**
	 * Starts or extends the cooldown. A limited answer while the member is already cooling
	 * (the tail of the same burst) extends it without counting as a repeat.
	 * @return what started, or {@code null} when a running cooldown only absorbed the answer
	 */
	synchronized Started coolDown(int status, Duration retryAfter, RateLimitPolicy policy, long now) {
		if (this.successor != null) {
			return this.successor.coolDown(status, retryAfter, policy, now);
		}
		boolean cooling = now < this.coolingUntil;
		int previousStatus = this.status;
		if (!cooling) {
			this.strikes++;
		}
		Duration cooldown = policy.cooldownFor(status, retryAfter, this.strikes);
		long until = saturatedAdd(now, saturatedMillis(cooldown));
		boolean longer = until > this.coolingUntil;
		if (longer) {
			this.coolingUntil = until;
			this.status = status;
		}
		// a new cooldown, or one that a different answer (429 then 418) made longer, is news; so is
		// a run the log has not shown that now rests a minute or more
		boolean unseenLongRest = !this.runWarned && cooldown.compareTo(WARN_INTERVAL) >= 0;
		if (!cooling || (longer && (status != previousStatus || unseenLongRest))) {
			return started(cooldown, until, status, now);
		}
		return null;
	}

	/**
	 * A steady trickle of limited answers would be a WARN line per cooldown: one per member
	 * and {@link #WARN_INTERVAL}, or at once for another status (429 then 418), the others at
	 * DEBUG, counted in the next WARN. A cooldown as long as that interval always warns: after
	 * a WARN and its INFO end, a rest the log does not show lasts less than a minute.
	 */
	private Started started(Duration cooldown, long until, int status, long now) {
		boolean warn = status != this.warnedStatus || now - this.warnedAt >= WARN_INTERVAL.toMillis()
				|| cooldown.compareTo(WARN_INTERVAL) >= 0;
		int unwarnedBefore = this.unwarned;
		if (warn) {
			this.warnedAt = now;
			this.warnedStatus = status;
			this.unwarned = 0;
			this.runWarned = true;
		}
		else {
			this.unwarned++;
		}
		return new Started(cooldown, until, this.strikes, warn, unwarnedBefore);
	}

	/**
	 * The exchange answered through the member without telling it off.
	 * @return whether that ended a run of cooldowns, and whether one of them was logged at WARN
	 */
	RunEnd welcomed(long now) {
		MemberLimit next = this.successor;
		if (next != null) {
			return next.welcomed(now);
		}
		if (this.strikes == 0) {
			return RunEnd.NONE;
		}
		synchronized (this) {
			if (this.successor != null) {
				return this.successor.welcomed(now);
			}
			// a late answer to a request sent before the cooldown proves nothing
			if (this.strikes == 0 || now < this.coolingUntil) {
				return RunEnd.NONE;
			}
			this.strikes = 0;
			boolean warned = this.runWarned;
			this.runWarned = false;
			return warned ? RunEnd.WARNED : RunEnd.UNWARNED;
		}
	}

	/** A Retry-After of up to 18 digits of seconds holds more milliseconds than a long. */
	private static long saturatedMillis(Duration duration) {
		return (duration.getSeconds() >= Long.MAX_VALUE / 1000) ? Long.MAX_VALUE : duration.toMillis();
	}

	private static long saturatedAdd(long a, long b) {
		long sum = a + b;
		return (((a ^ sum) & (b ^ sum)) < 0) ? Long.MAX_VALUE : sum;
	}

	/**
	 * A cooldown that began, or grew because of a different status.
	 * @param warn whether it is logged at WARN, else at DEBUG
	 * @param unwarned how many of this member's cooldowns were logged at DEBUG since the last WARN
	 */
	record Started(Duration cooldown, long until, int strikes, boolean warn, int unwarned) {
	}

	/** What a welcome answer ended. */
	enum RunEnd {

		/** No run of cooldowns, or not yet: the answer was to a request sent before the cooldown. */
		NONE,

		/** A run whose cooldowns were all logged at DEBUG. */
		UNWARNED,

		/** A run of which a cooldown was logged at WARN. */
		WARNED

	}

}
