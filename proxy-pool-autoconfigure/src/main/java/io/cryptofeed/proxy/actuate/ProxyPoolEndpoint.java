package io.cryptofeed.proxy.actuate;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ReloadStatus;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.core.ratelimit.LimitState;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.health.MemberHealth;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/proxypool}: every pool and member as they are now, and what an operator
 * may do to them without a restart: drain a member (no new connections, open ones finish),
 * undrain it, and check a member or a whole pool at once. A pool is named by its exchange
 * ({@code default} for the default settings) and connection type; a member by its id
 * ({@code host:port}, see {@link MemberIds}) or its index in configuration order. Nothing
 * shown holds a credential. A refused action throws an {@link InvalidEndpointRequestException}
 * that says what is wrong; over HTTP, {@link ProxyPoolEndpointWebExtension} answers it with
 * its status and reason.
 */
@Endpoint(id = "proxypool")
public class ProxyPoolEndpoint {

	/** How long a check request waits for its checks before answering with the state so far. */
	public static final Duration CHECK_WAIT = Duration.ofSeconds(30);

	private static final System.Logger log = System.getLogger(ProxyPoolEndpoint.class.getName());

	private final ProxyPools pools;

	private final HealthChecker healthChecker;

	private final MemberCircuitBreakers breakers;

	private final ProxyPoolHttpClients clients;

	private final Duration checkWait;

	private final Supplier<ReloadStatus> reloads;

	private final RateLimits rateLimits;

	/**
	 * @param pools the pools, read anew at each call
	 * @param healthChecker the health checker, or {@code null} when health checks are off
	 * @param breakers the members' circuit breakers, or {@code null} when they are off
	 * @param clients the transport that counts open connections, or {@code null} without one
	 * @param checkWait how long a check request waits for its checks
	 * @param reloads how the configuration reloads went, or {@code null} when it cannot be reloaded
	 * @param rateLimits the exchanges' cooldowns and budgets, or {@code null} without them
	 */
	public ProxyPoolEndpoint(ProxyPools pools, HealthChecker healthChecker, MemberCircuitBreakers breakers,
			ProxyPoolHttpClients clients, Duration checkWait, Supplier<ReloadStatus> reloads,
			RateLimits rateLimits) {
		this.pools = pools;
		this.healthChecker = healthChecker;
		this.breakers = breakers;
		this.clients = clients;
		this.checkWait = checkWait;
		this.reloads = (reloads != null) ? reloads : () -> null;
		this.rateLimits = rateLimits;
	}

	/** Every pool with its members. */
	@ReadOperation
	public PoolsDescriptor pools() {
		return new PoolsDescriptor(this.pools.pools().values().stream().map(this::describe).toList(),
				this.pools.directHosts(), this.reloads.get());
	}

	/** One pool, or nothing (404) when there is no such pool. */
	@ReadOperation
	public PoolDescriptor pool(@Selector String exchange, @Selector String type) {
		ProxyPool pool = find(exchange, type);
		return (pool != null) ? describe(pool) : null;
	}

	/** One member, or nothing (404) when there is no such pool or member. */
	@ReadOperation
	public MemberDescriptor member(@Selector String exchange, @Selector String type, @Selector String member) {
		ProxyPool pool = find(exchange, type);
		if (pool == null) {
			return null;
		}
		List<PoolMember> members = pool.members();
		List<String> ids = MemberIds.of(members);
		int index = MemberIds.find(ids, member);
		return (index >= 0) ? describe(pool, members.get(index), index, ids.get(index)) : null;
	}

	/** Checks every member of the pool now and answers when the checks ended. */
	@WriteOperation
	public PoolDescriptor poolAction(@Selector String exchange, @Selector String type, PoolAction action) {
		ProxyPool pool = require(exchange, type);
		CompletableFuture<?> checks = checks(pool, () -> this.healthChecker.checkNow(pool));
		// logged once the checks started: a refused check never ran, so it leaves no audit line
		log.log(Level.INFO, "proxy pool operator: action={0} pool={1}", name(action), pool.key());
		await(checks);
		return describe(pool);
	}

	/** Drains, undrains or checks one member and answers with its state afterwards. */
	@WriteOperation
	public MemberDescriptor memberAction(@Selector String exchange, @Selector String type, @Selector String member,
			MemberAction action) {
		ProxyPool pool = require(exchange, type);
		// one read of the members: a reload between two could put another member at the index
		List<PoolMember> members = pool.members();
		List<String> ids = MemberIds.of(members);
		int index = MemberIds.find(ids, member);
		if (index < 0) {
			throw new RejectedActionException(RejectedActionException.NOT_FOUND,
					"Pool " + pool.key() + " has no member " + ProxyUrls.mask(member),
					"name a member by its id or its index"
							+ (ids.isEmpty() ? "; the pool has no member now"
									: " (0 to " + (ids.size() - 1) + "); its members now: " + listed(ids)));
		}
		PoolMember target = members.get(index);
		String id = ids.get(index);
		switch (action) {
			case DRAIN, UNDRAIN -> pool.setUnavailable(target, Unavailability.DRAINED, action == MemberAction.DRAIN);
			case CHECK -> {
				if (this.healthChecker != null && !target.enabled()) {
					throw new RejectedActionException(RejectedActionException.BAD_REQUEST,
							"Member " + id + " of pool " + pool.key() + " is disabled: it is not health-checked",
							"set its enabled: true in configuration to have it selected and checked");
				}
				await(checks(pool, () -> this.healthChecker.checkNow(target)));
			}
		}
		log.log(Level.INFO, "proxy pool operator: action={0} pool={1} member={2} available={3}", name(action),
				pool.key(), id, target.isAvailable());
		return describe(pool, target, index, id);
	}

	/** The pool of the block the exchange id names, spelt as requests may spell it (COINBASE_PRO is coinbase-pro). */
	private ProxyPool find(String exchange, String type) {
		for (ConnectionType candidate : ConnectionType.values()) {
			if (candidate.id().equalsIgnoreCase(type)) {
				return this.pools.pools().get(new PoolKey(this.pools.exchangeId(exchange), candidate));
			}
		}
		return null;
	}

	private ProxyPool require(String exchange, String type) {
		ProxyPool pool = find(exchange, type);
		if (pool == null) {
			List<String> keys = this.pools.pools().keySet().stream().map(PoolKey::toString).toList();
			throw new RejectedActionException(RejectedActionException.NOT_FOUND,
					"No proxy pool " + ProxyUrls.mask(exchange) + "/" + ProxyUrls.mask(type),
					"name a pool as {exchange}/{type}: an exchange id or default, then http or websocket"
							+ (keys.isEmpty() ? "; there is no pool now" : "; the pools now: " + listed(keys)));
		}
		return pool;
	}

	/** Starts checks, or refuses when the pool or member is not health-checked. */
	private CompletableFuture<?> checks(ProxyPool pool, Supplier<CompletableFuture<?>> start) {
		if (this.healthChecker == null) {
			throw new RejectedActionException(RejectedActionException.BAD_REQUEST,
					"Pool " + pool.key() + " is not health-checked: this application runs no health checks",
					"health checks need Reactor Netty (reactor-netty-core) on the class path; "
							+ "drain and undrain work without them");
		}
		try {
			return start.get();
		}
		catch (IllegalArgumentException ex) {
			// the checker checks no member of the pool: its checks are off, or none is enabled
			throw new RejectedActionException(RejectedActionException.BAD_REQUEST,
					"Pool " + pool.key() + " is not health-checked",
					"turn its checks on with cryptofeed.proxy." + pool.key().settingsPath()
							+ ".health-check.enabled=true, or enable a member (a disabled one is never checked); "
							+ "drain and undrain work without checks");
		}
	}

	/** Ids or pool names for a reason: the first ten, then how many more. */
	private static String listed(List<String> names) {
		int shown = Math.min(names.size(), 10);
		return String.join(", ", names.subList(0, shown))
				+ ((names.size() > shown) ? " and " + (names.size() - shown) + " more" : "");
	}

	/** Waits for the checks, at most {@code checkWait}: after that the answer shows the state so far. */
	private void await(CompletableFuture<?> checks) {
		try {
			checks.get(this.checkWait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException | CancellationException ex) {
			// answered with the state so far; a check still running shows on the next read
		}
	}

	private PoolDescriptor describe(ProxyPool pool) {
		List<PoolMember> current = pool.members();
		List<String> ids = MemberIds.of(current);
		List<MemberDescriptor> members = new ArrayList<>(ids.size());
		for (int i = 0; i < ids.size(); i++) {
			members.add(describe(pool, current.get(i), i, ids.get(i)));
		}
		int available = (int) members.stream().filter(MemberDescriptor::available).count();
		return new PoolDescriptor(pool.key().settings(), pool.key().type().id(), pool.strategyName(),
				pool.isPanicking(), pool.panicEpisodes(), pool.failovers(), pool.quietConnectionsCut(), available,
				members);
	}

	private MemberDescriptor describe(ProxyPool pool, PoolMember member, int index, String id) {
		MemberHealth.Snapshot health = (this.healthChecker != null)
				? this.healthChecker.healthOf(member).map(MemberHealth::snapshot).orElse(null) : null;
		// a member not checked yet has no health figures to show, not zeros that look like a passed check
		boolean checked = health != null && health.lastCheck() != null;
		return new MemberDescriptor(index, id, member.endpoint().toString(), member.weight(), member.enabled(),
				member.isAvailable(), !member.isSetAsideFor(Unavailability.UNHEALTHY),
				member.isSetAsideFor(Unavailability.DRAINED), breakerState(member),
				(this.clients != null) ? this.clients.openConnections(member) : null,
				pool.countsLeases() ? member.activeLeases() : null,
				member.succeededConnects() + member.failedConnects(), member.failedConnects(),
				checked ? health.lastCheck() : null,
				(checked && !Double.isNaN(health.latencyMillis())) ? health.latencyMillis() : null,
				checked ? health.consecutiveFailures() : null, checked ? ProxyUrls.maskWords(health.lastError()) : null,
				(this.rateLimits != null) ? this.rateLimits.stateOf(member) : null);
	}

	private String breakerState(PoolMember member) {
		if (this.breakers == null) {
			return null;
		}
		CircuitBreaker breaker = this.breakers.breakerOf(member);
		return (breaker != null) ? breaker.getState().name() : null;
	}

	private static String name(Enum<?> action) {
		return action.name().toLowerCase(Locale.ROOT);
	}

	/** What an operator may do to a pool. */
	public enum PoolAction {

		/** Check every member now. */
		CHECK;

		/**
		 * The action a request names, in any case.
		 * @throws InvalidEndpointRequestException when it names none, or one that is not a pool's
		 */
		public static PoolAction of(String action) {
			return parse(PoolAction.class, action, "a pool",
					"send {\"action\":\"check\"}: a pool can only be checked; drain and undrain are sent "
							+ "to one member, at {exchange}/{type}/{member}");
		}

	}

	/** What an operator may do to a member. */
	public enum MemberAction {

		/** No new connections through it; open ones finish. */
		DRAIN,

		/** Back into selection, unless it is unhealthy or its breaker is open. */
		UNDRAIN,

		/** Check it now. */
		CHECK;

		/**
		 * The action a request names, in any case.
		 * @throws InvalidEndpointRequestException when it names none, or one that is not a member's
		 */
		public static MemberAction of(String action) {
			return parse(MemberAction.class, action, "a member",
					"send {\"action\":\"drain\"}, {\"action\":\"undrain\"} or {\"action\":\"check\"}");
		}

	}

	private static <A extends Enum<A>> A parse(Class<A> type, String action, String target, String fix) {
		if (action == null || action.isBlank()) {
			throw new RejectedActionException(RejectedActionException.BAD_REQUEST, "No action given for " + target,
					fix);
		}
		for (A candidate : type.getEnumConstants()) {
			if (candidate.name().equalsIgnoreCase(action.strip())) {
				return candidate;
			}
		}
		throw new RejectedActionException(RejectedActionException.BAD_REQUEST,
				"Unknown action '" + ProxyUrls.mask(action.strip()) + "' for " + target, fix);
	}

	/**
	 * Every pool, and how the configuration reloads went.
	 *
	 * @param pools every pool in configuration order
	 * @param directHosts the hosts reached without a proxy, as configured
	 * @param reload the reloads since start-up, or {@code null} when the pools cannot be reloaded
	 */
	public record PoolsDescriptor(List<PoolDescriptor> pools, List<String> directHosts, ReloadStatus reload)
			implements OperationResponseBody {
	}

	/**
	 * One pool as it is now.
	 *
	 * @param exchange the exchange whose settings it comes from, or {@code default}
	 * @param type the connection type, {@code http} or {@code websocket}
	 * @param strategy the selection strategy
	 * @param panic whether no member is available, so that selection uses every enabled one
	 * @param panicEpisodes how many times the pool has entered panic mode
	 * @param failovers selections for a connection that had already tried another member
	 * @param quietConnectionsCut connections cut because they read nothing for the quiet timeout
	 * while their member failed: WebSocket sessions closed, requests failed and (when
	 * idempotent) sent again through another member
	 * @param available how many members are available
	 * @param members every member in configuration order, disabled ones included
	 */
	public record PoolDescriptor(String exchange, String type, String strategy, boolean panic, long panicEpisodes,
			long failovers, long quietConnectionsCut, int available, List<MemberDescriptor> members)
			implements OperationResponseBody {
	}

	/**
	 * One member as it is now. Health fields are {@code null} while its pool is not checked,
	 * and before its first check.
	 *
	 * @param index its position in configuration order, from 0
	 * @param id what names it in a request: {@code host:port}, with {@code #serial} when that is ambiguous
	 * @param url the proxy URL, credentials masked
	 * @param weight its relative share under the weighted strategy
	 * @param enabled whether configuration allows selecting it
	 * @param available whether selection may choose it: enabled, healthy, breaker not open, not drained
	 * @param healthy whether health checks pass (true while unchecked)
	 * @param drained whether an operator drained it
	 * @param breaker its circuit breaker's state, {@code null} when breakers are off
	 * @param openConnections connections open through it, idle pooled ones included; {@code null} without the transport
	 * @param activeLeases requests and sessions it carries now; {@code null} unless the strategy reads them
	 * @param selections new connections through it, failed ones included
	 * @param failures new connections through it that failed
	 * @param lastCheck when its last health check ended
	 * @param latencyMillis moving average of its passed checks' latency
	 * @param consecutiveFailures failed health checks in a row
	 * @param lastError why its last failed health check failed, credentials masked
	 * @param exchangeLimits per exchange that ever limited it: remaining cooldown, last status, strikes and budget; {@code null} without the transport
	 */
	public record MemberDescriptor(int index, String id, String url, int weight, boolean enabled, boolean available,
			boolean healthy, boolean drained, String breaker, Integer openConnections, Integer activeLeases,
			long selections, long failures, Instant lastCheck, Double latencyMillis, Integer consecutiveFailures,
			String lastError, Map<String, LimitState> exchangeLimits) implements OperationResponseBody {
	}

}
