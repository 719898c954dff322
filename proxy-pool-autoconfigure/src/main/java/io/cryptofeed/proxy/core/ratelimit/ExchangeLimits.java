package io.cryptofeed.proxy.core.ratelimit;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.LogText;
import io.cryptofeed.proxy.core.NoProxyAvailableException;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;

/**
 * One exchange's view of the members that carry its traffic, in whichever pools: which rest
 * after the exchange told them off, and how much of its budget each has left. Selection for
 * the exchange passes resting members over.
 *
 * <p>While no member rests and the pool has no budget, selection costs one volatile read more
 * than the pool's own and allocates nothing.
 */
public final class ExchangeLimits {

	private static final System.Logger log = System.getLogger(ExchangeLimits.class.getName());

	private final String exchange;

	/** Replaced by a reload; members' budgets follow at their next use. */
	private volatile RateLimitPolicy policy;

	private final LimitClock clock;

	private final List<CooldownListener> listeners;

	private final Map<PoolMember, MemberLimit> members = new ConcurrentHashMap<>();

	/** What the exchanges know of proxies whose members a reload removed, shared by every exchange. */
	private final RetiredLimits retired;

	/** The latest end of any member's cooldown; 0 once every cooldown is over. */
	private final AtomicLong coolingUntil = new AtomicLong();

	ExchangeLimits(String exchange, RateLimitPolicy policy, LimitClock clock, List<CooldownListener> listeners,
			RetiredLimits retired) {
		this.exchange = exchange;
		this.retired = retired;
		this.policy = policy;
		this.clock = clock;
		this.listeners = listeners;
	}

	public String exchange() {
		return this.exchange;
	}

	public RateLimitPolicy policy() {
		return this.policy;
	}

	/**
	 * Leases a member of the pool that the exclusion allows and that is not resting for this
	 * exchange, spending one use of its budget when the pool has one.
	 * @throws PoolRateLimitedException when the only members left are resting
	 * @throws NoProxyAvailableException when every member is excluded or drained
	 */
	public Lease select(ProxyPool pool, Exclusion exclusion) {
		Budget budget = this.policy.budget(pool.key().type());
		if (budget == null && this.coolingUntil.get() == 0) {
			return pool.select(exclusion);
		}
		long now = this.clock.millis();
		if (budget == null && !stillCooling(now)) {
			return pool.select(exclusion);
		}
		// no failover for the pool to count: a lease lost to a racing spend is selected again,
		// so the failover is counted here, once, for the lease kept
		Exclusion resting = (member) -> exclusion.excludes(member) || rests(member, budget, now);
		// each lost race for a last use marks that member spent, so this ends within the pool's size
		for (int round = 0; round <= pool.members().size(); round++) {
			Lease lease;
			try {
				lease = pool.select(resting);
			}
			catch (NoProxyAvailableException ex) {
				throw restingOr(ex, pool, exclusion, budget, now);
			}
			if (budget == null || spend(lease, pool, now)) {
				if (exclusion.failover()) {
					pool.failedOver();
				}
				return lease;
			}
			lease.release();
			if (!budget.equals(this.policy.budget(pool.key().type()))) {
				// a reload changed the budget since this selection began: select under the new one
				return select(pool, exclusion);
			}
		}
		throw restingOr(new NoProxyAvailableException(pool.key(), "no member kept a use"), pool, exclusion, budget,
				now);
	}

	/** Gives back the use a lease spent, when the exchange never saw it (the proxy failed first). */
	public void refund(Lease lease) {
		MemberLimit limit = this.members.get(lease.member());
		if (limit != null && limit.window != null) {
			limit.window.refund(lease);
		}
	}

	/**
	 * The exchange answered a request carried by the member: a cooldown status puts the
	 * member to rest for this exchange; any other answer ends a run of cooldowns.
	 * @param retryAfter the answer's {@code Retry-After} header, or {@code null}
	 * @return whether the answer put the member to rest
	 */
	public boolean responded(ProxyPool pool, PoolMember member, int status, String retryAfter) {
		if (!this.policy.coolsDown(status)) {
			MemberLimit limit = this.members.get(member);
			MemberLimit.RunEnd ended = (limit != null) ? limit.welcomed(this.clock.millis()) : MemberLimit.RunEnd.NONE;
			if (ended != MemberLimit.RunEnd.NONE) {
				// the end of a run nobody was warned of is as quiet as its start
				log.log((ended == MemberLimit.RunEnd.WARNED) ? Level.INFO : Level.DEBUG,
						"proxy cooldown over: exchange={0} pool={1} member={2} status={3}", LogText.oneLine(this.exchange), pool.key(),
						pool.nameOf(member), status);
			}
			return false;
		}
		long now = this.clock.millis();
		Duration delay = RetryAfter.parse(retryAfter, this.clock.wallNow());
		if (delay != null && delay.isZero()) {
			// 0, or a date already past, says when not to wait, not how long to rest after a
			// limit: the policy decides, as without the header
			delay = null;
		}
		PoolMember limited = standingFor(member, pool);
		MemberLimit limit = limit(limited, pool.key());
		MemberLimit.Started started = limit.coolDown(status, delay, this.policy, now);
		if (!limited.isRemoved()) {
			// a removed member's rest waits for a reload to configure its proxy again (see
			// takeOver): until then no selection reads it, and all may take the path without rests
			this.coolingUntil.accumulateAndGet(limit.coolingUntil(), Math::max);
		}
		if (started != null) {
			Cooldown cooldown = new Cooldown(pool, limited, this.exchange, status, started.cooldown(),
					this.clock.toInstant(started.until(), now), started.strikes(), delay != null);
			log.log(started.warn() ? Level.WARNING : Level.DEBUG,
					"proxy cooldown: exchange={0} pool={1} member={2} status={3} cooldown={4} until={5} strikes={6} "
							+ "source={7} repeats-at-debug={8}",
					LogText.oneLine(this.exchange), pool.key(), pool.nameOf(limited), status,
					Durations.format(started.cooldown()),
					cooldown.until(), started.strikes(), (delay != null) ? "retry-after" : "policy", started.unwarned());
			this.listeners.forEach((listener) -> listener.cooledDown(cooldown));
		}
		return true;
	}

	/** What this exchange thinks of the member, or {@code null} if it never limited it. */
	public LimitState stateOf(PoolMember member) {
		MemberLimit limit = this.members.get(member);
		if (limit == null) {
			return null;
		}
		long now = this.clock.millis();
		long until = limit.coolingUntil();
		BudgetWindow window = limit.window;
		return new LimitState(Duration.ofMillis(Math.max(0, until - now)),
				(until > 0) ? this.clock.toInstant(until, now) : null, limit.status(), limit.strikes(),
				(window != null) ? window.tokens(now) : null, limit.budget);
	}

	/** Whether no member rests or has a use in its budget's window now: forgetting this changes no selection. */
	boolean restrictsNobody() {
		long now = this.clock.millis();
		return this.members.values().stream().allMatch((limit) -> limit.restrictsNothing(now));
	}

	/** When the last of the members this exchange restricts may serve it again; {@code now} when it restricts nobody. */
	long restrictsUntil(long now) {
		long until = now;
		for (MemberLimit limit : this.members.values()) {
			until = Math.max(until, limit.restrictedUntil(now, limit.budget));
		}
		return until;
	}

	/** Seconds the member still rests for this exchange; 0 when it does not. */
	double remainingCooldownSeconds(PoolMember member) {
		MemberLimit limit = this.members.get(member);
		return (limit != null) ? Math.max(0, limit.coolingUntil() - this.clock.millis()) / 1000.0 : 0;
	}

	private boolean rests(PoolMember member, Budget budget, long now) {
		MemberLimit limit = this.members.get(member);
		return limit != null && limit.restricted(now, budget);
	}

	/** Whether a cooldown still runs; forgets them all once the last one is over. */
	private boolean stillCooling(long now) {
		long until = this.coolingUntil.get();
		if (until == 0) {
			return false;
		}
		if (now < until) {
			return true;
		}
		// a cooldown that begins meanwhile raises the value, and then this does nothing
		this.coolingUntil.compareAndSet(until, 0);
		return false;
	}

	/**
	 * Spends one use of the lease's member under the budget of the policy now, when it has one.
	 * @return false when that budget is spent
	 */
	private boolean spend(Lease lease, ProxyPool pool, long now) {
		BudgetWindow window = limit(standingFor(lease.member(), pool), pool.key()).window;
		return window == null || window.take(lease, now);
	}

	/**
	 * The member that stands for the proxy of one a reload removed, when a later reload
	 * configured the proxy again in the pool: an answer to a request sent through the removed
	 * one (a use it spent) concerns the address, which that member carries now.
	 */
	private static PoolMember standingFor(PoolMember member, ProxyPool pool) {
		if (!member.isRemoved()) {
			return member;
		}
		PoolMember standing = pool.memberFor(member.endpoint().identity());
		return (standing != null) ? standing : member;
	}

	/**
	 * What this exchange thinks of the member under the budget of the policy now. Read here,
	 * not by the caller: a caller that read the policy before a reload would put back a limit
	 * under the old budget, and the next caller one under the new budget with its window
	 * afresh, forgetting the uses already spent under it.
	 */
	private MemberLimit limit(PoolMember member, PoolKey pool) {
		ConnectionType type = pool.type();
		Budget budget = this.policy.budget(type);
		MemberLimit limit = this.members.get(member);
		if (limit != null) {
			if (limit.keeps(budget)) {
				return limit;
			}
			// a reload changed the budget: the cooldown carries over, the window starts afresh;
			// only forward, to the budget still in force after the limit was read (the limit may
			// have been made under a newer one meanwhile); read again, since another thread may
			// have put the successor in first, or removed the member
			if (Objects.equals(budget, this.policy.budget(type))) {
				this.members.replace(member, limit, limit.withBudget(budget));
			}
			return limit(member, pool);
		}
		if (member.isRemoved()) {
			// a reload removed it (an answer to a request sent before, a lease taken before): kept
			// here it would never be forgotten; the exchange limits the proxy's address all the
			// same, so it is kept for a member a later reload configures for that proxy
			return this.retired.limitOf(pool, member.endpoint().identity(), this.exchange, budget);
		}
		MemberLimit created = this.members.computeIfAbsent(member, (m) -> new MemberLimit(budget));
		if (member.isRemoved()) {
			// removed meanwhile, and maybe forgotten already
			this.members.remove(member, created);
			return limit(member, pool);
		}
		// another thread may have put one in first, under the budget before or after a reload
		return created.keeps(budget) ? created : limit(member, pool);
	}

	/** Takes this exchange's policy from a reload. */
	void reconfigure(RateLimitPolicy policy) {
		this.policy = policy;
	}

	/**
	 * Drops what this exchange knew of a member a reload removed.
	 * @return what it knew, or {@code null}
	 */
	MemberLimit forget(PoolMember member) {
		return this.members.remove(member);
	}

	/**
	 * A member a reload adds for a proxy removed before takes over what this exchange knew of
	 * that proxy's removed member: the exchange still limits its address. Called before any
	 * selection sees the member, so it has nothing of its own yet.
	 */
	void takeOver(PoolMember member, MemberLimit limit) {
		this.members.putIfAbsent(member, limit);
		// selection passes resting members over only while a cooldown is known to run
		this.coolingUntil.accumulateAndGet(limit.coolingUntil(), Math::max);
	}

	/**
	 * Takes over what the limits of another spelling of this exchange knew of each member (a
	 * reload configured the exchange under this id): of two, the one that rests the member longer.
	 */
	void takeOver(ExchangeLimits other) {
		other.members.forEach((member, limit) -> {
			this.members.merge(member, limit,
					(own, taken) -> (taken.coolingUntil() > own.coolingUntil()) ? taken : own);
			this.coolingUntil.accumulateAndGet(limit.coolingUntil(), Math::max);
		});
	}

	/** A rate-limit error when resting members are what is left, else the pool's own error. */
	private RuntimeException restingOr(NoProxyAvailableException ex, ProxyPool pool, Exclusion exclusion,
			Budget budget, long now) {
		int cooling = 0;
		int spent = 0;
		long earliest = Long.MAX_VALUE;
		// a member set aside is no candidate when its rest ends, so it neither counts nor dates the retry
		for (PoolMember member : pool.candidates()) {
			MemberLimit limit = this.members.get(member);
			if (limit == null || exclusion.excludes(member) || !limit.restricted(now, budget)) {
				continue;
			}
			if (now < limit.coolingUntil()) {
				cooling++;
			}
			else {
				spent++;
			}
			earliest = Math.min(earliest, limit.restrictedUntil(now, budget));
		}
		if (cooling + spent == 0) {
			return ex;
		}
		return new PoolRateLimitedException(pool.key(), this.exchange, cooling, spent,
				this.clock.toInstant(earliest, now), Duration.ofMillis(earliest - now));
	}

}
