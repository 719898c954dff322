package io.cryptofeed.proxy.breaker;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolsChange;
import io.cryptofeed.proxy.core.PoolsListener;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.health.HealthListener;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;

/**
 * One Resilience4j circuit breaker per pool member, fed by connect outcomes. An open breaker
 * takes its member out of the pool's snapshot; the automatic move to half-open lets trial
 * connects through, and closing brings the member back. Selection never asks a breaker: it
 * only reads the snapshot these transitions maintain.
 *
 * <p>The breaker of a member set {@code enabled: false} is DISABLED: configuration keeps the
 * member out, not its connects, and an open or half-open state would stay for good with no
 * traffic to end it. Enabled again, the member starts closed with no outcome remembered, as
 * its health checks start afresh.
 *
 * <p>A reload that gives a kept member a new password makes its breaker forget what it met
 * with the old one: the rejections of a rotated password would otherwise keep the member
 * the operator just fixed out for the rest of its open state, or open its breaker at its
 * first successes, whose rate they would drag below the threshold. Connects that were under way
 * with the old password when the reload came are not told here when they fail (see
 * {@link ProxyOutcomes#failed}), so their 407s do not send the member straight back out.
 */
public final class MemberCircuitBreakers implements ProxyOutcomes, HealthListener, PoolsListener, AutoCloseable {

	private static final System.Logger log = System.getLogger(MemberCircuitBreakers.class.getName());

	private final CircuitBreakerRegistry registry;

	private final Map<PoolMember, MemberBreaker> breakers = new ConcurrentHashMap<>();

	private volatile CircuitBreakerConfig config;

	public MemberCircuitBreakers(CircuitBreakerRegistry registry, ProxyPools pools) {
		this.registry = registry;
		this.config = registry.getDefaultConfig();
		pools.pools().values().forEach((pool) -> pool.members().forEach((member) -> register(pool, member)));
		pools.addPoolsListener(this);
	}

	/** A registry whose default configuration follows the settings. */
	public static CircuitBreakerRegistry registry(BreakerSettings settings) {
		return CircuitBreakerRegistry.of(config(settings));
	}

	private static CircuitBreakerConfig config(BreakerSettings settings) {
		return CircuitBreakerConfig.custom()
			.failureRateThreshold(settings.failureRateThreshold())
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(settings.slidingWindowSize())
			.minimumNumberOfCalls(settings.minimumNumberOfCalls())
			.waitDurationInOpenState(settings.waitDurationInOpenState())
			.permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpenState())
			// without it a member that gets no traffic while open would stay out for good
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.recordExceptions(Throwable.class)
			// failures alone open a breaker: Resilience4j would count connects of a minute or more
			// (a slow proxy, a large upload within the span, a client's report) as slow calls and
			// open it on successes
			.slowCallDurationThreshold(Duration.ofNanos(Long.MAX_VALUE))
			.build();
	}

	/**
	 * New breaker settings from a reload, for members that join from now on. Kept members
	 * keep their breaker and its state: a breaker's configuration cannot change under it.
	 */
	public void reconfigure(BreakerSettings settings) {
		this.config = config(settings);
	}

	/**
	 * Members that joined get a breaker; those that left lose theirs. Breakers are created
	 * with the breaker configuration of the moment, so changed breaker settings apply to
	 * members that join after the change, and kept members keep their breaker and its state,
	 * unless the reload disabled or enabled them, or changed their password (whose breakers
	 * forget what the old one met).
	 */
	@Override
	public void poolsChanged(PoolsChange change) {
		change.addedMembers().forEach((added) -> register(added.pool(), added.member()));
		change.removedMembers().forEach((removed) -> remove(removed.member()));
		this.breakers.values().forEach(MemberBreaker::followEnabled);
		change.newCredentials().forEach((kept) -> forgetOldCredentials(kept.pool(), kept.member()));
	}

	/**
	 * An open (or half-open) breaker goes half-open, so that trial connects with the new
	 * password decide at once: half-open rather than closed, since a password mistyped again
	 * then costs one round of trials, not a full window of failed connects. A closed one
	 * starts with an empty window. A disabled one has nothing to forget.
	 */
	private void forgetOldCredentials(ProxyPool pool, PoolMember member) {
		MemberBreaker memberBreaker = this.breakers.get(member);
		CircuitBreaker.State from = (memberBreaker != null) ? memberBreaker.startAfresh() : null;
		if (from != null) {
			CircuitBreaker.State to = (from == CircuitBreaker.State.CLOSED) ? from : CircuitBreaker.State.HALF_OPEN;
			log.log(Level.INFO,
					"proxy breaker: pool={0} member={1} from={2} to={3} reason=\"a reload changed its password;"
							+ " outcomes with the old one forgotten\"",
					pool.key(), pool.nameOf(member), from, to);
		}
	}

	private void register(ProxyPool pool, PoolMember member) {
		// the masked endpoint keeps credentials out of the name, which becomes a metric tag;
		// the serial keeps names unique when two members differ only in their user name
		CircuitBreaker breaker = this.registry.circuitBreaker(pool.key() + "#" + member.serial() + " " + member.endpoint(),
				this.config);
		MemberBreaker memberBreaker = new MemberBreaker(pool, member, breaker);
		breaker.getEventPublisher().onStateTransition((event) -> {
			CircuitBreaker.State from = event.getStateTransition().getFromState();
			CircuitBreaker.State to = event.getStateTransition().getToState();
			if (to == CircuitBreaker.State.DISABLED) {
				return;
			}
			memberBreaker.markFromState();
			if (from == CircuitBreaker.State.DISABLED || from == to) {
				// a reload enabled the member, or gave it a new password (logged with its reason):
				// nothing its connects did
				return;
			}
			log.log(TransitionLogLevel.of(from, to), "proxy breaker: pool={0} member={1} from={2} to={3}", pool.key(),
					pool.nameOf(member), from, to);
		});
		this.breakers.put(member, memberBreaker);
		memberBreaker.followEnabled();
	}

	/** Disabling cancels a pending automatic transition; removal drops it from the registry and its metrics. */
	private void remove(PoolMember member) {
		MemberBreaker removed = this.breakers.remove(member);
		if (removed != null) {
			CircuitBreaker breaker = removed.breaker;
			breaker.transitionToDisabledState();
			this.registry.remove(breaker.getName());
		}
	}

	@Override
	public void succeeded(ProxyPool pool, PoolMember member, Duration elapsed) {
		CircuitBreaker breaker = breakerOf(member);
		if (breaker != null) {
			breaker.onSuccess(elapsed.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void failed(ProxyPool pool, PoolMember member, Duration elapsed, Throwable cause) {
		CircuitBreaker breaker = breakerOf(member);
		if (breaker != null) {
			breaker.onError(elapsed.toNanos(), TimeUnit.NANOSECONDS, cause);
		}
	}

	/**
	 * A check that shows a recovery lets an open breaker try again now instead of waiting out
	 * its open state: the member returns to selection half-open, and real connects decide. A
	 * check that only shows the proxy process alive, as it was when connects failed, leaves
	 * the breaker its wait: otherwise a proxy that answers its greeting but cannot carry
	 * connects would cost real requests a failed trial at every check.
	 */
	@Override
	public void recoverySeen(ProxyPool pool, PoolMember member) {
		CircuitBreaker breaker = breakerOf(member);
		if (breaker != null && breaker.getState() == CircuitBreaker.State.OPEN) {
			try {
				breaker.transitionToHalfOpenState();
			}
			catch (IllegalStateTransitionException ex) {
				// its own timer moved it first: nothing left to do
			}
		}
	}

	/** The breaker of a member, for operators and tests. */
	public CircuitBreaker breakerOf(PoolMember member) {
		MemberBreaker memberBreaker = this.breakers.get(member);
		return (memberBreaker != null) ? memberBreaker.breaker : null;
	}

	public CircuitBreakerRegistry registry() {
		return this.registry;
	}

	/**
	 * Disables and removes every breaker, which also cancels pending automatic transitions:
	 * nothing of a closed application keeps firing.
	 */
	@Override
	public void close() {
		List.copyOf(this.breakers.keySet()).forEach(this::remove);
	}

	/** A member's breaker and the mark it keeps on the member in its pool. */
	private static final class MemberBreaker {

		private final ProxyPool pool;

		private final PoolMember member;

		private final CircuitBreaker breaker;

		/** Held while the mark follows the state, so that the last state read sets it. */
		private final Object marking = new Object();

		MemberBreaker(ProxyPool pool, PoolMember member, CircuitBreaker breaker) {
			this.pool = pool;
			this.member = member;
			this.breaker = breaker;
		}

		/**
		 * Sets the member's circuit-open mark from the state now. Resilience4j changes the state
		 * before it publishes, unlocked: two threads' events (a connect opening it, a check that
		 * saw a recovery half-opening it) may come in either order, and the state read now, under
		 * a lock, sets the mark right whichever comes last.
		 */
		void markFromState() {
			synchronized (this.marking) {
				CircuitBreaker.State now = this.breaker.getState();
				if (now != CircuitBreaker.State.DISABLED) {
					this.pool.setUnavailable(this.member, Unavailability.CIRCUIT_OPEN,
							now == CircuitBreaker.State.OPEN || now == CircuitBreaker.State.FORCED_OPEN);
				}
			}
		}

		/**
		 * Forgets the outcomes the breaker remembers: an open or half-open one goes half-open
		 * for fresh trials, a closed one that remembers any starts closed and empty. A connect
		 * with the new password that opens a closed breaker between the read and the reset is
		 * forgotten with the rest: a breaker does not know which password an outcome used (the
		 * failures of connects that sent the old one are not told once the member has the new one).
		 * @return the state it left as read, or {@code null} when it had nothing to forget or a
		 * trial closed it after the read
		 */
		CircuitBreaker.State startAfresh() {
			synchronized (this.marking) {
				CircuitBreaker.State from = this.breaker.getState();
				try {
					if (from == CircuitBreaker.State.OPEN || from == CircuitBreaker.State.HALF_OPEN) {
						this.breaker.transitionToHalfOpenState();
					}
					else if (from == CircuitBreaker.State.CLOSED
							&& this.breaker.getMetrics().getNumberOfBufferedCalls() > 0) {
						this.breaker.transitionToClosedState();
					}
					else {
						return null;
					}
				}
				catch (IllegalStateTransitionException ex) {
					// a trial closed it after the read: nothing left to forget
					return null;
				}
				return from;
			}
		}

		/**
		 * DISABLED while configuration disables the member, which lifts its circuit-open mark
		 * (and cancels a pending move to half-open); closed and empty once it is enabled again.
		 */
		void followEnabled() {
			synchronized (this.marking) {
				boolean disabled = this.breaker.getState() == CircuitBreaker.State.DISABLED;
				if (this.member.enabled() && disabled) {
					this.breaker.transitionToClosedState();
				}
				else if (!this.member.enabled() && !disabled) {
					this.breaker.transitionToDisabledState();
					this.pool.setUnavailable(this.member, Unavailability.CIRCUIT_OPEN, false);
				}
			}
		}

	}

}
