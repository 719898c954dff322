package io.cryptofeed.proxy.core.ratelimit;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolsChange;
import io.cryptofeed.proxy.core.PoolsListener;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyUrls;

/**
 * Every exchange's cooldowns and budgets, keyed by the exchange a connection was
 * routed for: the exchange it names, else the one whose host patterns match, else the settings
 * block of its pool ({@value PoolKey#DEFAULT}). A member banned by one exchange keeps serving
 * the others. A proxy a reload removed while an exchange limited it is still limited when a
 * later reload configures it again in the same pool (see {@link #joining}).
 */
public final class RateLimits implements PoolsListener {

	private static final System.Logger log = System.getLogger(RateLimits.class.getName());

	/**
	 * How many exchanges are kept before those that restrict no member are forgotten: the ids
	 * come from requests, which may name any, and from blocks a reload removed.
	 */
	static final int EXCHANGES_KEPT = 1024;

	/**
	 * How many exchanges are kept at most: past it, those whose rests end first are forgotten,
	 * down to half of it, except those of the default block and of exchanges configured with
	 * settings of their own. Requests may
	 * name ever new ids faster than their rests end (a symbol or a request id set as the
	 * exchange, each answered 429), and each would keep its limits and its meters until then.
	 */
	static final int EXCHANGES_AT_MOST = 4 * EXCHANGES_KEPT;

	/**
	 * How many proxies a reload removed while an exchange limited them are remembered for one
	 * configured again: an external proxy service may rotate through any number of them.
	 */
	static final int RETIRED_PROXIES_KEPT = 1024;

	private volatile RateLimitPolicies policies;

	private final LimitClock clock;

	private final List<CooldownListener> listeners = new CopyOnWriteArrayList<>();

	private final Map<String, ExchangeLimits> exchanges = new ConcurrentHashMap<>();

	private final int exchangesKept;

	private final int exchangesAtMost;

	/** When the next new exchange makes the map forget the ones that restrict nobody. */
	private volatile int forgetAt;

	private final RetiredLimits retired = new RetiredLimits(RETIRED_PROXIES_KEPT);

	/** Cooldowns members took over in the reload under way: listeners hear of them with it. */
	private final List<Resumed> resumed = new CopyOnWriteArrayList<>();

	/** Runs while a joining member takes an exchange's limit over, before it is in; for tests. */
	Runnable takingOver = () -> {
	};

	/** Cooldowns and budgets timed by {@link System#nanoTime()}; the clock dates their ends. */
	public RateLimits(RateLimitPolicies policies, Clock clock) {
		this(policies, clock, System::nanoTime);
	}

	/**
	 * @param clock the wall clock: dates the ends of rests, and reads a {@code Retry-After} date
	 * @param nanoTime monotonic nanoseconds, as {@link System#nanoTime()}, which time rests and
	 * budgets' windows: a step of the wall clock moves neither
	 */
	public RateLimits(RateLimitPolicies policies, Clock clock, LongSupplier nanoTime) {
		this(policies, clock, nanoTime, EXCHANGES_KEPT);
	}

	/** @param exchangesKept how many exchanges are kept before those restricting nobody are forgotten; for tests */
	RateLimits(RateLimitPolicies policies, Clock clock, LongSupplier nanoTime, int exchangesKept) {
		this.exchangesKept = exchangesKept;
		// as EXCHANGES_AT_MOST is to EXCHANGES_KEPT
		this.exchangesAtMost = 4 * exchangesKept;
		this.forgetAt = exchangesKept;
		this.policies = Objects.requireNonNull(policies, "policies");
		this.clock = new LimitClock(Objects.requireNonNull(clock, "clock"),
				Objects.requireNonNull(nanoTime, "nanoTime"));
	}

	/**
	 * The limits a connection routed to the pool goes through: those of the exchange it was
	 * routed for, else, with no exchange named or matched, those of the pool's settings block.
	 */
	public ExchangeLimits forRoute(String exchange, PoolKey pool) {
		return forExchange((exchange != null) ? exchange : pool.settings());
	}

	/**
	 * The limits of an exchange, created on first use with its policy. An exchange with
	 * settings of its own has one set of limits, kept under its id as configured, whichever
	 * way {@link io.cryptofeed.proxy.core.ExchangeIds} lets a request spell it; another is
	 * kept under the id named, in lower case.
	 */
	public ExchangeLimits forExchange(String exchange) {
		ExchangeLimits limits = kept(exchange);
		if (limits != null) {
			return limits;
		}
		String id = idOf(exchange);
		if (this.exchanges.size() >= this.forgetAt) {
			// forgetting one loses only the strikes of its past cooldowns (a connect still holding
			// it looks it up again for each selection and cooldown); while most restrict someone,
			// the next sweep waits for the map to double, so that a new id does not scan every
			// time, up to the hard bound
			forget();
			this.forgetAt = Math.min(this.exchangesAtMost, Math.max(this.exchangesKept, 2 * this.exchanges.size()));
		}
		return this.exchanges.computeIfAbsent(id, this::newLimits);
	}

	/**
	 * The policy an exchange's limits follow, without keeping anything for the exchange: what a
	 * proxy the pools do not own (the proxy service's) is judged by. Found in any spelling the
	 * rule of {@link io.cryptofeed.proxy.core.ExchangeIds} matches, without a copy.
	 */
	public RateLimitPolicy policyOf(String exchange) {
		return this.policies.of(exchange);
	}

	/**
	 * The exchange's limits if they are kept: found without a copy under the id as configured,
	 * which is what the routing hands on (COINBASE_PRO is routed as coinbase-pro); an id in
	 * another case costs a lower-case copy, and one spelt otherwise a look at the policies too.
	 */
	private ExchangeLimits kept(String exchange) {
		ExchangeLimits limits = this.exchanges.get(exchange);
		if (limits != null) {
			return limits;
		}
		String lowerCase = exchange.toLowerCase(Locale.ROOT);
		limits = this.exchanges.get(lowerCase);
		if (limits != null) {
			return limits;
		}
		String configured = this.policies.exchangeId(lowerCase);
		return (configured != null) ? this.exchanges.get(configured) : null;
	}

	/** The id the exchange's limits are kept under: as configured, else as named in lower case. */
	private String idOf(String exchange) {
		String lowerCase = exchange.toLowerCase(Locale.ROOT);
		String configured = this.policies.exchangeId(lowerCase);
		return (configured != null) ? configured : lowerCase;
	}

	private ExchangeLimits newLimits(String id) {
		return new ExchangeLimits(id, this.policies.of(id), this.clock, this.listeners, this.retired);
	}

	/**
	 * Forgets the exchanges that restrict nobody now; at the hard bound, also those whose
	 * rests end first, down to half of it (see {@link #forgetSoonestFree}). Then tells the
	 * listeners which went.
	 */
	private void forget() {
		Set<String> forgotten = new HashSet<>();
		this.exchanges.forEach((id, seen) -> forget(id, seen, ExchangeLimits::restrictsNobody, forgotten));
		if (this.exchanges.size() >= this.exchangesAtMost) {
			forgetSoonestFree(this.exchanges.size() - this.exchangesAtMost / 2, forgotten);
		}
		if (!forgotten.isEmpty()) {
			Set<String> ids = Collections.unmodifiableSet(forgotten);
			this.listeners.forEach((listener) -> listener.exchangesForgotten(ids));
		}
	}

	/**
	 * Forgets the exchanges whose rests end first, but none configured with settings of its
	 * own (the configuration names few) nor the default block's, and warns of it: a member may
	 * then be chosen for such an exchange while it still rests.
	 */
	private void forgetSoonestFree(int count, Set<String> forgotten) {
		long now = this.clock.millis();
		// each end read once: a rest that begins meanwhile must not change the order under the sort
		List<Resting> resting = new ArrayList<>();
		this.exchanges.forEach((id, limits) -> {
			if (this.policies.exchangeId(id) == null && !id.equals(PoolKey.DEFAULT)) {
				resting.add(new Resting(id, limits, limits.restrictsUntil(now)));
			}
		});
		resting.sort(Comparator.comparingLong(Resting::until));
		int before = forgotten.size();
		for (Resting first : resting.subList(0, Math.min(count, resting.size()))) {
			forget(first.id(), first.limits(), (limits) -> true, forgotten);
		}
		int dropped = forgotten.size() - before;
		if (dropped > 0) {
			log.log(Level.WARNING, "proxy cooldown: rests for {0} exchanges forgotten, the limits of at most {1} "
					+ "exchanges being kept; their members may be chosen for them again. Requests name these "
					+ "exchange ids: set ProxyAttributes.EXCHANGE to the exchange, not to a symbol or request id",
					Integer.toString(dropped), Integer.toString(this.exchangesAtMost));
		}
	}

	/**
	 * Forgets the exchange's limits if the test holds, checked and removed in one step with the
	 * id's entry held, as a member taking a rest over holds it (see takeOver); and only as seen:
	 * a request may have made them anew since. Its id goes into {@code forgotten}.
	 */
	private void forget(String id, ExchangeLimits seen, Predicate<ExchangeLimits> test, Set<String> forgotten) {
		this.exchanges.computeIfPresent(id, (key, limits) -> {
			if (limits == seen && test.test(limits)) {
				forgotten.add(key);
				return null;
			}
			return limits;
		});
	}

	/** Seconds the member still rests for the exchange; 0 when it does not, or the exchange never limited it. */
	public double remainingCooldownSeconds(String exchange, PoolMember member) {
		ExchangeLimits limits = kept(exchange);
		return (limits != null) ? limits.remainingCooldownSeconds(member) : 0;
	}

	/**
	 * What each exchange that ever limited the member thinks of it now, by exchange id: its
	 * remaining cooldown and budget tokens. For operators' views such as an actuator endpoint.
	 */
	public Map<String, LimitState> stateOf(PoolMember member) {
		Map<String, LimitState> states = new TreeMap<>();
		this.exchanges.forEach((id, limits) -> {
			LimitState state = limits.stateOf(member);
			if (state != null) {
				states.put(id, state);
			}
		});
		return Collections.unmodifiableMap(states);
	}

	/** Whether the exchange's limits are kept now (not yet seen, or forgotten, otherwise). */
	public boolean knows(String exchange) {
		return kept(exchange) != null;
	}

	/** The exchanges seen so far with their limits, by id. */
	public Map<String, ExchangeLimits> exchanges() {
		return Collections.unmodifiableMap(new TreeMap<>(this.exchanges));
	}

	/**
	 * Takes new policies from a reload. Running cooldowns run out as they were; new answers
	 * and budgets follow the new policies. Limits kept under another spelling of an exchange
	 * the reload configures (named GATE_IO before gate-io had settings, or coinbase-pro before
	 * a reload respelt it coinbase_pro) move to the id as configured, where routing now looks:
	 * one exchange, one set of rests.
	 */
	public void reconfigure(RateLimitPolicies policies) {
		this.policies = Objects.requireNonNull(policies, "policies");
		Set<String> respelt = new HashSet<>();
		this.exchanges.forEach((id, limits) -> {
			String configured = policies.exchangeId(id);
			if (configured == null || configured.equals(id)) {
				limits.reconfigure(policies.of(id));
			}
			else if (this.exchanges.remove(id, limits)) {
				// taken over with the entry held, as a joining member's rests are (see takeOver)
				this.exchanges.compute(configured, (key, kept) -> {
					ExchangeLimits into = (kept != null) ? kept : newLimits(key);
					into.takeOver(limits);
					return into;
				});
				respelt.add(id);
			}
		});
		if (!respelt.isEmpty()) {
			Set<String> ids = Collections.unmodifiableSet(respelt);
			this.listeners.forEach((listener) -> listener.exchangesForgotten(ids));
		}
	}

	/**
	 * A member a reload adds for a proxy that a reload removed from the same pool takes over
	 * what every exchange knew of it, while that still restricts something: a rest, its
	 * strikes, the uses in a budget's window. Exchanges limit the address, whichever member
	 * stands for it.
	 */
	@Override
	public void joining(ProxyPool pool, PoolMember member) {
		long now = this.clock.millis();
		this.retired.takeOver(pool.key(), member.endpoint().identity(), now).forEach((kept, limit) -> {
			// a reload since may have configured the exchange under another spelling
			String exchange = idOf(kept);
			takeOver(exchange, member, limit);
			if (now < limit.coolingUntil()) {
				this.resumed.add(new Resumed(pool, member, exchange));
			}
		});
	}

	/**
	 * Puts what the exchange knew of a proxy into its limits in the same step that finds them,
	 * holding the exchange's entry: until the member is in they restrict nobody, and a sweep
	 * for a request's new exchange id, which holds the entry to check and remove, would
	 * otherwise drop them in between, leaving the rest where no selection reads it.
	 */
	private void takeOver(String exchange, PoolMember member, MemberLimit limit) {
		this.exchanges.compute(exchange, (id, limits) -> {
			ExchangeLimits into = (limits != null) ? limits : newLimits(id);
			this.takingOver.run();
			into.takeOver(member, limit);
			return into;
		});
	}

	/**
	 * Members a reload removed are forgotten by every exchange; what still restricts them is
	 * kept for a member a later reload may add for the same proxy (forgotten at the first
	 * reload after it restricts nothing). Then the listeners hear of the reload, and last of
	 * the rests members that joined took over.
	 */
	@Override
	public void poolsChanged(PoolsChange change) {
		long now = this.clock.millis();
		for (PoolsChange.Member removed : change.removedMembers()) {
			PoolMember member = removed.member();
			this.exchanges.forEach((exchange, limits) -> {
				MemberLimit limit = limits.forget(member);
				if (limit != null) {
					this.retired.keep(removed.pool().key(), member.endpoint().identity(), exchange, limit, now);
				}
			});
			tellEach((listener) -> listener.forgotten(member));
		}
		this.retired.forgetUnrestricting(now);
		tellEach(CooldownListener::reloaded);
		// after the members the reload moved: one configured again may stand where another stood
		for (Resumed taken : this.resumed) {
			this.resumed.remove(taken);
			tellEach((listener) -> listener.resumed(taken.pool(), taken.member(), taken.exchange()));
		}
	}

	/**
	 * Tells every cooldown listener of a reload, also when one throws (an application's): the
	 * metrics' gauges must follow the reload all the same.
	 */
	private void tellEach(Consumer<CooldownListener> call) {
		for (CooldownListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				log.log(Level.WARNING, "proxy cooldown: cooldown listener {0} failed in a reload: {1}",
						listener.getClass().getName(), ProxyUrls.maskedSummary(ex));
			}
		}
	}

	/** Proxies whose limits are kept after a reload removed their member; for tests. */
	int retiredProxies() {
		return this.retired.size();
	}

	/** Tells the listener about every cooldown that begins from now on. */
	public void addListener(CooldownListener listener) {
		this.listeners.add(listener);
	}

	/** An exchange's limits and when the last member they restrict may serve it again. */
	private record Resting(String id, ExchangeLimits limits, long until) {
	}

	/** A cooldown a member joining in a reload took over. */
	private record Resumed(ProxyPool pool, PoolMember member, String exchange) {
	}

}
