package io.cryptofeed.proxy.netty;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.HostPatterns;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.NoProxyAvailableException;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.TriedMembers;
import io.cryptofeed.proxy.core.ratelimit.ExchangeLimits;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicy;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.Future;

/**
 * The proxy side of one logical connection (a request or a WebSocket session) across its
 * failover attempts: which members were tried, why each failed, the leases to release when
 * the connection ends, and the exchange whose cooldowns and budgets selection respects. Lives in the Reactor context under {@link #CONTEXT_KEY}.
 */
final class ConnectAttempt {

	static final Object CONTEXT_KEY = ConnectAttempt.class;

	private static final System.Logger log = System.getLogger(ConnectAttempt.class.getName());

	private final String exchange;

	private final ConnectionType type;

	private final ProxyOutcomes outcomes;

	private final RateLimits rateLimits;

	/** Whether the application is stopping: its event loops then close what is open. */
	private final BooleanSupplier stopping;

	private final TriedMembers tried = new TriedMembers();

	/** Created on the first failure: most connections have none. */
	private List<String> failures;

	/** The first lease, and the list only once failover takes a second one. */
	private Lease firstLease;

	private List<Lease> moreLeases;

	/** Set once the connection ended: a lease a failover takes after a racing cancel goes back at once. */
	private boolean ended;

	private ProxyPool pool;

	private boolean routed;

	/**
	 * The exchange the connection was routed for: the named one as the configuration spells it
	 * (as named where it has no settings of its own), else the one its host patterns match.
	 */
	private String routedExchange;

	/** Routed to one of the direct hosts: no pool, nor the proxy service, is to carry it. */
	private boolean toDirectHost;

	/** The proxy a {@link ProxySource} chose, carrying the connection now. */
	private ProxyChoice chosen;

	/**
	 * Set once a chosen proxy failed, or a member of the embedded pools the source left the
	 * connection to: what every further attempt uses, without asking the source again.
	 */
	private ProxyChoice fallback;

	/**
	 * Whether a try went direct because a chosen proxy had failed: an error after the direct
	 * connect is up is to name that proxy (see {@link #nameFailedBeforeDirect}).
	 */
	private boolean directAfterFailure;

	/** Whether the {@link ProxySource} left a try of this connection to the embedded pools. */
	private boolean leftToPools;

	/** The failed proxy's feedback, until a further attempt uses its fallback: told once. */
	private ProxyChoice.Feedback fallingBack;

	private int chosenTried;

	private boolean chosenFailedLast;

	private ProxyPool route;

	private ExchangeLimits limits;

	private Lease current;

	private long currentSince;

	/**
	 * The address the next connect is to reach the current member at, set when its proxy's
	 * name has several and the one tried refused; taken by that connect instead of a selection.
	 * Volatile: read by every connect, written only after such a refusal.
	 */
	private volatile InetSocketAddress nextAddress;

	/** The current member's address its last connect went to, once a next one was tried. */
	private InetSocketAddress lastAddress;

	/** Nanoseconds from the start of the current try until its request was sent, or -1 before. */
	private long sentAfter = -1;

	/**
	 * The proxy's handshake of the current try's new tunnel, when its request was sent before
	 * the tunnel was up: the request waits in the proxy's handler, and has not left until this
	 * succeeds. {@code null} otherwise.
	 */
	private Future<?> tunnelOpening;

	/**
	 * The connection the current try's request was sent on, {@code null} before (and for a
	 * WebSocket): a cancel is made on its event loop (see {@link LoopCancels}).
	 */
	private Channel sentOn;

	/** Whether the exchange's last answer put the current member to rest. */
	private boolean cooledDown;

	/** Whether the exchange answered through the current member or proxy (a WebSocket session is then open). */
	private boolean answered;

	/**
	 * Set when a connect of a client from {@link ProxyPoolHttpClients#apply} took the
	 * attempt. Volatile since the connect and the code that asks may run on different threads.
	 */
	private volatile boolean pooledConnect;

	/**
	 * Set when the pools start a try of this connection, and cleared by the connect that takes
	 * it: a connect that finds none open is one the pools did not start, such as a request that
	 * a filter or interceptor of the application's sends again.
	 */
	private boolean tryOpen;

	/**
	 * Members through which the exchange stalled (the TLS handshake, or the answer to a request
	 * retried elsewhere), not blamed yet: the exchange may be what stalls. Their breakers hear
	 * of it once the exchange answers through another member below 500. When no attempt follows,
	 * a lone stall is blamed, since nothing else would tell; when two or more members stalled and
	 * no answer came, or the answer is a 5xx, the exchange is in trouble and none is blamed.
	 */
	private List<Stall> unblamed;

	/**
	 * The error of the stall after which the request (or opening handshake) is being sent once
	 * more, or {@code null}: what the caller gets when no member is left to send it and none
	 * failed to connect, as when the pool has no other member.
	 */
	private Throwable resentAfter;

	ConnectAttempt(String exchange, ConnectionType type, ProxyOutcomes outcomes, RateLimits rateLimits,
			BooleanSupplier stopping) {
		this.exchange = exchange;
		this.type = type;
		this.outcomes = outcomes;
		this.rateLimits = rateLimits;
		this.stopping = stopping;
	}

	String exchange() {
		return this.exchange;
	}

	/**
	 * The pool this connection goes through ({@code null}: direct), resolved on the first call
	 * and the same on every later one (the connect after the WebClient filter, each failover):
	 * the named exchange's, else none for a direct host, else that of the exchange whose
	 * {@code hosts} patterns match the target host, else the default block's. Also fixes
	 * whose limits apply: the exchange the connection was routed for, else the pool's
	 * settings block. Routed anew when a reload closed that pool: a try after that goes where
	 * the new configuration sends the connection.
	 * @param host the target host, asked for only when no exchange was named
	 */
	synchronized ProxyPool route(ProxyPools pools, Supplier<String> host) {
		if (!this.routed || (this.route != null && this.route.isClosed())) {
			if (this.exchange != null) {
				// the one lookup that finds the pool also finds how the configuration spells the
				// exchange (COINBASE_PRO is coinbase-pro): limits, the proxy service, errors and
				// meters all see that one id
				ProxyPools.Route named = pools.route(this.exchange, this.type);
				this.routedExchange = named.exchangeOr(this.exchange);
				this.route = named.pool().orElse(null);
			}
			else {
				HostPatterns.Answer answer = pools.hostAnswer(host.get());
				this.toDirectHost = answer.direct();
				this.routedExchange = answer.exchange().orElse(null);
				this.route = this.toDirectHost ? null : pools.resolve(this.routedExchange, this.type).orElse(null);
			}
			this.routed = true;
			if (this.route != null) {
				this.limits = this.rateLimits.forRoute(this.routedExchange, this.route.key());
			}
		}
		return this.route;
	}

	/**
	 * Whether a connection to this host would go where this one went: for the same exchange
	 * (whose limits, and whose answer of a proxy service, apply) through the same pool, or
	 * directly alike. A named exchange routes every host alike.
	 */
	synchronized boolean routesAlike(ProxyPools pools, String host) {
		if (!this.routed || this.exchange != null) {
			return true;
		}
		HostPatterns.Answer answer = pools.hostAnswer(host);
		if (answer.direct() || this.toDirectHost) {
			return answer.direct() == this.toDirectHost;
		}
		String exchange = answer.exchange().orElse(null);
		return Objects.equals(exchange, this.routedExchange)
				&& pools.resolve(exchange, this.type).orElse(null) == this.route;
	}

	/**
	 * The exchange {@link #route} routed the connection for: a named one as the configuration
	 * spells it (as named where it has no settings of its own), else the one whose host
	 * patterns match; {@code null} before routing, or when neither names one.
	 */
	synchronized String routedFor() {
		return this.routedExchange;
	}

	/** Whether {@link #route} found the target to be one of the direct hosts (and no exchange was named). */
	synchronized boolean toDirectHost() {
		return this.toDirectHost;
	}

	/**
	 * The exchange as errors name it: once routed, the one it was routed for (a named one as
	 * the configuration spells it); before, the named one; else the settings block of the pool
	 * the connection went through.
	 */
	synchronized String routedExchange() {
		if (this.routedExchange != null) {
			return this.routedExchange;
		}
		if (this.exchange != null) {
			return this.exchange;
		}
		return (this.pool != null) ? this.pool.key().settings() : null;
	}

	ConnectionType type() {
		return this.type;
	}

	/**
	 * Selects a member of the routed pool not tried yet and not resting for the exchange;
	 * throws NoProxyAvailableException (PoolRateLimitedException when only resting ones are left).
	 */
	synchronized Lease select(ProxyPool pool) {
		// spends go to the limits later connects read: past their bound, the ones read at routing
		// (or for the last try) may have been forgotten since (see RateLimits); a kept exchange's
		// lookup neither locks nor allocates
		this.limits = this.rateLimits.forExchange(this.limits.exchange());
		Lease lease;
		try {
			lease = this.limits.select(pool, this.tried);
		}
		catch (NoProxyAvailableException ex) {
			settleHeldBack();
			throw ex;
		}
		this.pool = pool;
		this.current = lease;
		this.lastAddress = null;
		this.chosen = null;
		this.answered = false;
		this.currentSince = System.nanoTime();
		this.sentAfter = -1;
		this.tunnelOpening = null;
		this.sentOn = null;
		this.tried.add(lease.member());
		if (this.firstLease == null) {
			this.firstLease = lease;
		}
		else {
			if (this.moreLeases == null) {
				this.moreLeases = new ArrayList<>(2);
			}
			this.moreLeases.add(lease);
		}
		if (this.ended) {
			// the connect it serves is being cancelled: nothing would release it later, and the
			// exchange never sees this use of the member's budget
			this.limits.refund(lease);
			lease.release();
		}
		return lease;
	}

	/** A proxy chosen by a {@link ProxySource} carries the connection from now. */
	synchronized void use(ProxyChoice choice) {
		this.chosen = choice;
		// a member that carried an earlier try (its answer put it to rest) carries nothing now
		this.current = null;
		this.answered = false;
		this.currentSince = System.nanoTime();
		this.sentAfter = -1;
		this.tunnelOpening = null;
		this.sentOn = null;
		this.chosenTried++;
	}

	/**
	 * What this try must use because a chosen proxy failed, or {@code null}: ask the source.
	 * The first try to use it tells the failed proxy's feedback that the connection falls back.
	 */
	synchronized ProxyChoice useFallback() {
		if (this.fallingBack != null) {
			this.fallingBack.fallingBack();
			this.fallingBack = null;
			this.directAfterFailure = this.fallback != null && this.fallback.kind() == ProxyChoice.Kind.DIRECT;
		}
		return this.fallback;
	}

	/**
	 * The {@link ProxySource} left this try to the embedded pools: when their member fails, a
	 * further attempt stays with them rather than ask again, which would wait once more for a
	 * service that could not answer and count the connection's fallback twice. A member the
	 * exchange put to rest is no failure: the source is asked again, and may have a proxy the
	 * exchange does not limit.
	 */
	synchronized void leftToPools() {
		this.leftToPools = true;
	}

	/** Whether a proxy chosen by a {@link ProxySource} carries the connection now. */
	synchronized boolean carriedByChosen() {
		return this.chosen != null;
	}

	/** Whether the pool of the current member is in panic mode: it uses members that are set aside. */
	synchronized boolean panicking() {
		return this.pool != null && this.pool.isPanicking();
	}

	/** The pool of the member carrying the connection now, or {@code null} when no member does. */
	synchronized ProxyPool currentPool() {
		return (this.current != null) ? this.pool : null;
	}

	/**
	 * What carries the connection now, as an error names it: the member (masked) and its pool,
	 * the proxy service's proxy, or no proxy.
	 */
	synchronized String carrier() {
		if (this.current != null) {
			return "proxy " + this.current.endpoint() + ((this.pool != null) ? " of pool " + this.pool.key() : "");
		}
		return (this.chosen != null) ? "the proxy service's proxy " + this.chosen.endpoint() : "no proxy (direct)";
	}

	/** The member carrying the connection now, or {@code null} for a direct connection. */
	synchronized PoolMember current() {
		return (this.current != null) ? this.current.member() : null;
	}

	/**
	 * The request was sent (a WebSocket's opening handshake prepared): the connection is up,
	 * and how long that took is what a new tunnel's success reports, not the wait for the answer.
	 * @param channel the connection it was sent on
	 * @return the member carrying the connection now, as {@link #current()}
	 */
	synchronized PoolMember requestSent(Channel channel) {
		this.sentAfter = System.nanoTime() - this.currentSince;
		// a WebSocket's connection is never lent again: its cancel needs no care
		this.sentOn = (this.type == ConnectionType.HTTP) ? channel : null;
		return current();
	}

	/** The connection the current try's request was sent on, or {@code null} before it was sent. */
	synchronized Channel sentOn() {
		return this.sentOn;
	}

	/**
	 * The request was sent on a connection whose proxy has not opened the tunnel yet: it waits
	 * in the proxy's handler until the handshake succeeds. Only a new tunnel's first request.
	 */
	synchronized void sentBeforeTunnel(Future<?> handshake) {
		this.tunnelOpening = handshake;
	}

	/**
	 * A new tunnel is up (the exchange answered through it): a success for the current
	 * member's counters and breaker, or the source's feedback, taking as long as connecting took.
	 */
	synchronized void tunnelUp() {
		if (this.current != null) {
			this.current.connectSucceeded();
			this.outcomes.succeeded(this.pool, this.current.member(), connecting());
		}
		else if (this.chosen != null) {
			this.chosen.feedback().connected(connecting());
		}
	}

	/**
	 * The exchange answered through the current member; a cooldown status puts the member to
	 * rest for the exchange. Not a proxy outcome: breakers never hear of it.
	 */
	synchronized void responded(int status, HttpHeaders headers) {
		this.answered = true;
		if (status < 500) {
			// the exchange answers through another: those members stalled, not the exchange
			blameHeldBack();
		}
		else {
			// a 5xx: the exchange is in trouble through this member too, and may have been through those
			this.unblamed = null;
		}
		if (this.current == null) {
			if (this.chosen != null) {
				chosenResponded(status, headers);
			}
			return;
		}
		// the header is read only for the few statuses that need it
		boolean coolsDown = this.limits.policy().coolsDown(status);
		String retryAfter = coolsDown ? headers.get(HttpHeaderNames.RETRY_AFTER) : null;
		// a rest goes to the limits later connects read: past their bound, the ones read at
		// routing may have been forgotten since (see RateLimits)
		ExchangeLimits limits = coolsDown ? this.rateLimits.forExchange(this.limits.exchange()) : this.limits;
		if (limits.responded(this.pool, this.current.member(), status, retryAfter)) {
			this.cooledDown = true;
		}
	}

	/**
	 * The exchange answered through a source's proxy. The pools keep no rest for a proxy they do
	 * not own: a status that would put a member to rest for the exchange (the same policy's
	 * statuses) goes to the source, which owns it.
	 */
	private void chosenResponded(int status, HttpHeaders headers) {
		if (status < 400) {
			// most answers: no policy limits on them, so none is looked up (a map's, without a pool)
			return;
		}
		RateLimitPolicy policy = (this.limits != null) ? this.limits.policy()
				: this.rateLimits.policyOf((this.routedExchange != null) ? this.routedExchange : PoolKey.DEFAULT);
		if (policy.coolsDown(status)) {
			this.chosen.feedback().rateLimited(connecting(), status, headers.get(HttpHeaderNames.RETRY_AFTER));
		}
	}

	/** Whether the exchange answered through the member or proxy carrying the connection now. */
	synchronized boolean answered() {
		return this.answered;
	}

	/** The pools start a try of this connection: its first connect is to take the attempt. */
	synchronized void openTry() {
		this.tryOpen = true;
	}

	/**
	 * A connect of a pooled client takes the try the pools started, if one is open.
	 * @return whether it did; {@code false} for a second connect within one try
	 */
	synchronized boolean takeTry() {
		if (!this.tryOpen) {
			return false;
		}
		this.tryOpen = false;
		this.pooledConnect = true;
		return true;
	}

	/**
	 * Whether a pooled connect carried this connection: not so when the client's connector is
	 * not on a client from {@link ProxyPoolHttpClients#apply}, whose requests go direct.
	 */
	boolean hadPooledConnect() {
		return this.pooledConnect;
	}

	/** Whether the last answer put its member to rest; clears the mark for the next attempt. */
	synchronized boolean takeCooldown() {
		boolean cooled = this.cooledDown;
		this.cooledDown = false;
		return cooled;
	}

	/** Whether the exchange's policy sends a cooled-down idempotent request through another member. */
	synchronized boolean retriesOnCooldown() {
		return this.limits != null && this.limits.policy().retryOnCooldown();
	}

	/**
	 * After a member's proxy refused the TCP connect, readies its proxy name's next address
	 * for the next connect, when the name has one: the member is tried there before it counts
	 * as failed, as Reactor Netty tries each address of a target it connects to directly, so
	 * that one address down (a name that gives {@code ::1} and {@code 127.0.0.1}, a proxy
	 * behind several A records) does not fail the member. A connect timeout is not retried: it
	 * spent the member's time. One member, one outcome: only the last address's failure counts.
	 * @return whether the next connect is to go to the next address
	 */
	synchronized boolean retryAtNextAddress(Throwable error, ProxyAddressResolver addresses) {
		if (this.current == null || this.chosen != null || this.answered || this.ended
				|| !ConnectFailures.refusedTcpConnect(error)) {
			return false;
		}
		ProxyEndpoint endpoint = this.current.endpoint();
		InetSocketAddress refused = (this.lastAddress != null) ? this.lastAddress : addresses.ready(endpoint);
		InetSocketAddress next = (refused != null) ? addresses.after(endpoint, refused) : null;
		if (next == null) {
			return false;
		}
		this.lastAddress = next;
		this.nextAddress = next;
		return true;
	}

	/**
	 * The address the connect is to reach the current member at, once, when the last one
	 * refused ({@link #retryAtNextAddress}); else {@code null}: select a member.
	 */
	InetSocketAddress takeNextAddress() {
		InetSocketAddress next = this.nextAddress;
		if (next != null) {
			this.nextAddress = null;
		}
		return next;
	}

	/** The member the connection goes through now; {@code null} before a selection. */
	synchronized ProxyEndpoint currentEndpoint() {
		return (this.current != null) ? this.current.endpoint() : null;
	}

	/**
	 * The current member or proxy failed: counted against it and remembered for the final
	 * error. A stall through a member is held back (see {@link #unblamed}).
	 * @param maxAttempts the attempts this connection may make (1 when nothing retries it)
	 * @return whether a member or proxy had been selected (false for a direct connection)
	 */
	synchronized boolean failed(Throwable cause, int maxAttempts) {
		this.chosenFailedLast = this.chosen != null;
		if (this.chosen != null) {
			this.chosen.feedback().failed(elapsed(), cause);
			failure(this.chosen.endpoint() + " -> " + ProxyConnectFailedException.describe(cause));
			this.fallback = this.chosen.fallback();
			this.fallingBack = this.chosen.feedback();
			this.chosen = null;
		}
		else if (this.current != null) {
			memberFailed(cause);
			if (this.leftToPools) {
				this.fallback = ProxyChoice.embedded();
			}
		}
		else {
			return false;
		}
		if (!mayTryAnother(maxAttempts)) {
			settleHeldBack();
		}
		return true;
	}

	/**
	 * A direct connection failed to connect after a proxy had failed (the proxy service's
	 * policy sent this attempt direct): remembered, so that the final error names the proxy
	 * as well as the direct connect, rather than the direct connect alone.
	 * @return whether a proxy had failed before; nothing is remembered otherwise
	 */
	synchronized boolean directFailedAfterProxy(Throwable cause) {
		if (this.failures == null || this.current != null || this.chosen != null) {
			return false;
		}
		failure("no proxy (direct) -> " + ProxyConnectFailedException.describe(cause));
		return true;
	}

	/**
	 * The connect failed while the application stops, which most likely closed it: the error
	 * the caller gets, naming the proxy (masked), the exchange and the type. Neither the member nor the source's proxy is
	 * blamed; the lease goes back when the connection ends.
	 */
	synchronized ConnectStoppedException stoppedConnect(Throwable cause) {
		Object through = (this.current != null) ? this.current.endpoint()
				: (this.chosen != null) ? this.chosen.endpoint() : "no proxy";
		// the source's proxy is not to hear of it when the connection ends either
		this.chosen = null;
		return new ConnectStoppedException(String.valueOf(through), routedExchange(), this.type, cause);
	}

	/**
	 * No connection through the current member (or the source's proxy) was free: the error
	 * the caller gets, naming it (masked). Nothing is blamed; the lease goes back when the
	 * connection ends.
	 */
	synchronized ProxyConnectionsExhaustedException connectionsExhausted(Throwable cause) {
		if (cause instanceof ProxyConnectionsExhaustedException exhausted) {
			return exhausted;
		}
		Object through = (this.current != null) ? this.current.endpoint()
				: (this.chosen != null) ? this.chosen.endpoint() : "no proxy";
		return new ProxyConnectionsExhaustedException(String.valueOf(through),
				(this.routedExchange != null) ? this.routedExchange : "(default)", cause);
	}

	/**
	 * The connection ends with this error. A tunnel through a source's proxy that stalled or
	 * closed before the exchange answered, and that no retry took over (a POST, or retries
	 * off), is reported to the source as failed: the pools watch no such proxy, and the source
	 * would hand it out again. Not while the application stops: its event loops closed the
	 * tunnel most likely, and the source would demote a good proxy at every restart.
	 */
	synchronized void endedWith(Throwable error) {
		if (this.chosen != null && !this.answered && ConnectFailures.afterTunnel(error)
				&& !this.stopping.getAsBoolean()) {
			this.chosen.feedback().failed(elapsed(), error);
			this.chosen = null;
		}
	}

	/**
	 * The connection ends with this error (as the caller gets it) on a direct try that a failed
	 * proxy led to: the error names that proxy and its cause as a suppressed exception, as the
	 * proxy's WARN line does. Only on the error path; nothing for a connection that went through
	 * a proxy or a member.
	 */
	synchronized void nameFailedBeforeDirect(Throwable delivered) {
		if (this.directAfterFailure && this.current == null && this.chosen == null) {
			FailedBeforeDirect.addTo(delivered, this.failures);
		}
	}

	/**
	 * An idempotent request (or a WebSocket opening handshake) failed: when its tunnel stalled
	 * or closed before the exchange answered, counted as {@link #failed}; any other error, or one
	 * after the answer, is no proxy failure and counts against nothing.
	 * @return whether it stalled before the answer and another member or proxy may take it
	 */
	synchronized boolean stalledBeforeAnswer(Throwable cause, int maxAttempts) {
		if (!ConnectFailures.afterTunnel(cause) || this.answered) {
			return false;
		}
		if (!failed(cause, maxAttempts) || !mayTryAnother(maxAttempts)) {
			return false;
		}
		this.resentAfter = cause;
		return true;
	}

	/**
	 * The stall the request is being sent once more after, when that stall is the only
	 * failure: no member failed to connect, so nothing but the stall went wrong. {@code null}
	 * otherwise.
	 */
	synchronized Throwable loneStallResent() {
		return (this.resentAfter != null && failureCount() == 1) ? this.resentAfter : null;
	}

	private void blameHeldBack() {
		if (this.unblamed != null) {
			this.unblamed
				.forEach((stalled) -> blame(stalled.pool(), stalled.lease(), stalled.elapsed(), stalled.cause()));
			this.unblamed = null;
		}
	}

	/**
	 * Tells the outcomes of a failure through the lease's member, unless a reload has given the
	 * member another password since the lease was taken: a 407 (or SOCKS5 authentication
	 * failure) to the old one would send back out the member whose breaker the reload let try
	 * the new one. Its success is told as any other, with no check: the proxy carried it.
	 */
	private void blame(ProxyPool pool, Lease lease, Duration elapsed, Throwable cause) {
		if (lease.credentialsReplaced()) {
			log.log(Level.DEBUG,
					"proxy connect not counted: pool={0} member={1} reason=\"it used the password a reload replaced\""
							+ " error={2}",
					pool.key(), pool.nameOf(lease.member()), ProxyConnectFailedException.describe(cause));
			return;
		}
		this.outcomes.failed(pool, lease.member(), elapsed, cause);
	}

	/**
	 * No attempt follows, so no answer will tell the held-back stalls apart: a lone one is
	 * blamed, several mean the exchange stalls and are not.
	 */
	private void settleHeldBack() {
		if (this.unblamed != null && this.unblamed.size() == 1) {
			blameHeldBack();
		}
		this.unblamed = null;
	}

	private void memberFailed(Throwable cause) {
		this.current.connectFailed();
		if (ConnectFailures.stalled(cause)) {
			if (this.unblamed == null) {
				this.unblamed = new ArrayList<>(2);
			}
			this.unblamed.add(new Stall(this.pool, this.current, elapsed(), cause));
		}
		else {
			blame(this.pool, this.current, elapsed(), cause);
		}
		if (ConnectFailures.beforeTunnel(cause)) {
			// the exchange never saw this use of the member's budget
			this.limits.refund(this.current);
		}
		failure(this.current.endpoint() + " -> " + ProxyConnectFailedException.describe(cause));
		this.current.release();
		this.current = null;
	}

	/**
	 * The exchange refused the WebSocket handshake through the current member, and another
	 * member is to open the session: the refused member's lease goes back now, not when the
	 * session opened elsewhere closes. Not a failure: the member is resting, not broken.
	 */
	synchronized void refused() {
		if (this.current != null) {
			this.current.release();
			this.current = null;
		}
	}

	/**
	 * Whether another attempt may follow: fewer tried than {@code maxAttempts}, and an enabled
	 * member of the pool this connection tried last that it has not tried yet (any, when a reload
	 * closed that pool: the next try routes anew), or after a chosen proxy failed, a fallback
	 * that does not refuse; never while the application stops, so that no retry opens a
	 * connection through a proxy as it goes away.
	 */
	synchronized boolean mayTryAnother(int maxAttempts) {
		if (this.stopping.getAsBoolean()) {
			return false;
		}
		if (this.chosenFailedLast) {
			return attempts() < maxAttempts && this.fallback.kind() != ProxyChoice.Kind.REFUSED;
		}
		if (this.pool == null) {
			return false;
		}
		if (this.pool.isClosed()) {
			// the next try routes anew, to a pool whose members it has not tried
			return attempts() < maxAttempts;
		}
		boolean untried = this.pool.members().stream().anyMatch((m) -> m.enabled() && !this.tried.excludes(m));
		return attempts() < maxAttempts && untried;
	}

	/**
	 * The response timeout of the request carried now (for a WebSocket, of its opening
	 * handshake): the timeout of its member's pool, or for a source's proxy that of the pool
	 * the request resolved to, else the blocks' default (nothing else bounds a tunnel through
	 * it that stalls once up); {@code null} for a direct connection.
	 */
	synchronized Duration responseTimeout() {
		if (this.current != null && this.pool != null) {
			return this.pool.timeout();
		}
		if (this.chosen == null) {
			return null;
		}
		return (this.route != null) ? this.route.timeout() : PoolSpec.DEFAULT_TIMEOUT;
	}

	/** Members and source proxies tried so far. */
	synchronized int attempts() {
		return this.tried.size() + this.chosenTried;
	}

	/** Whether a member failed; members the exchange refused are no failures. */
	synchronized boolean hasFailures() {
		return this.failures != null;
	}

	/** How many members and source proxies failed so far. */
	synchronized int failureCount() {
		return (this.failures != null) ? this.failures.size() : 0;
	}

	synchronized List<String> failures() {
		return (this.failures != null) ? List.copyOf(this.failures) : List.of();
	}

	private void failure(String description) {
		if (this.failures == null) {
			this.failures = new ArrayList<>(2);
		}
		this.failures.add(description);
	}

	/** Releases every lease this connection took, and any it takes later; safe to call more than once. */
	synchronized void releaseAll() {
		this.ended = true;
		if (this.firstLease != null) {
			this.firstLease.release();
		}
		if (this.moreLeases != null) {
			this.moreLeases.forEach(Lease::release);
		}
	}

	/**
	 * The caller cancelled the connection: releases every lease as {@link #releaseAll} does,
	 * and gives back the budget use of the current member when its request was not sent yet
	 * (its connect or tunnel still under way), since the exchange never saw it.
	 */
	synchronized void cancelled() {
		if (!this.ended && this.current != null && !requestLeft()) {
			this.limits.refund(this.current);
		}
		releaseAll();
	}

	/** Whether the current try's request was written through an open tunnel. */
	private boolean requestLeft() {
		return this.sentAfter >= 0 && (this.tunnelOpening == null || this.tunnelOpening.isSuccess());
	}

	/** How long connecting took: until the request was sent, or until now before that. */
	private Duration connecting() {
		return (this.sentAfter >= 0) ? Duration.ofNanos(this.sentAfter) : elapsed();
	}

	private Duration elapsed() {
		return Duration.ofNanos(System.nanoTime() - this.currentSince);
	}

	/** A member's lease through which the exchange stalled, and what its breaker is to hear. */
	private record Stall(ProxyPool pool, Lease lease, Duration elapsed, Throwable cause) {
	}

}
