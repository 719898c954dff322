package io.cryptofeed.proxy.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.Exclusion;
import io.cryptofeed.proxy.core.InvalidProxyUrlException;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.LogText;
import io.cryptofeed.proxy.core.NoProxyAvailableException;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.SecretNames;
import io.cryptofeed.proxy.core.ratelimit.ExchangeLimits;
import io.cryptofeed.proxy.core.ratelimit.PoolRateLimitedException;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import reactor.core.publisher.Mono;

import org.springframework.core.codec.CodecException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * The server side of the protocol, answered from this application's pools: a request selects a
 * member of the pool its exchange and connection type resolve to, through that exchange's limits
 * as a local connection does (members resting for the exchange are passed over, each answer
 * spends one use of a budget); feedback feeds the reported member's outcomes (its circuit
 * breaker) as if this application had connected through it, and a report of the exchange's
 * limiting status puts the member to rest for the exchange as if it had answered this
 * application so.
 */
public final class ProxyServiceHandler {

	/**
	 * The longest {@code exchange_id} served: well beyond any exchange's id, short enough that
	 * the limits kept for an id and the log lines that name it stay small.
	 */
	static final int MAX_EXCHANGE_ID = 128;

	/** The longest latency a breaker records: it counts in nanoseconds, which a long holds for 292 years. */
	private static final long MAX_LATENCY_MS = Long.MAX_VALUE / 1_000_000;

	private static final String EXCHANGE_ID_PROBLEM = "exchange_id must be at most " + MAX_EXCHANGE_ID
			+ " characters, none of them a control character";

	private static final String NOT_A_MEMBER = "the proxy is not a member of the pool for this exchange and connection type";

	private final ProxyPools pools;

	private final List<ProxyOutcomes> outcomes;

	private final RateLimits rateLimits;

	private final ServiceServerSettings settings;

	private final PasswordRotations rotations;

	/**
	 * @param rateLimits the cooldowns and budgets this application's own connections use: a
	 * member resting for an exchange here is refused by it for a caller too, since the
	 * exchange limits the proxy's address
	 */
	public ProxyServiceHandler(ProxyPools pools, List<ProxyOutcomes> outcomes, RateLimits rateLimits,
			ServiceServerSettings settings) {
		this(pools, outcomes, rateLimits, settings, Clock.systemUTC());
	}

	ProxyServiceHandler(ProxyPools pools, List<ProxyOutcomes> outcomes, RateLimits rateLimits,
			ServiceServerSettings settings, Clock clock) {
		this.pools = pools;
		this.outcomes = List.copyOf(outcomes);
		this.rateLimits = rateLimits;
		this.settings = settings;
		this.rotations = new PasswordRotations(clock);
		pools.addPoolsListener(this.rotations);
	}

	/** Both endpoints, behind the caller check. */
	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.POST(ProxyRequest.PATH, this::request)
			.POST(ProxyFeedback.PATH, this::feedback)
			.filter(new ServiceCallerCheck(this.settings))
			.build();
	}

	Mono<ServerResponse> request(ServerRequest request) {
		return readProblems(request.bodyToMono(Asked.class).flatMap(this::answer));
	}

	private Mono<ServerResponse> answer(Asked request) {
		ConnectionType type = type(request.connectionType());
		if (type == null) {
			return badRequest("connection_type must be http or websocket");
		}
		if (!servable(request.exchangeId())) {
			return badRequest(EXCHANGE_ID_PROBLEM);
		}
		String named = exchange(request.exchangeId());
		// one lookup finds the pool and the id the configuration spells the exchange with
		ProxyPools.Route route = this.pools.route(named, type);
		String exchange = route.exchangeOr(named);
		Optional<ProxyPool> pool = route.pool();
		long ttl = this.settings.answerTtlSeconds();
		if (pool.isEmpty()) {
			// direct by configuration here, so direct for the caller too
			return json(HttpStatus.OK, new ProxyResponse(null, null, ttl, FallbackPolicy.DIRECT_CONNECTION.wireName(),
					Map.of("reason", "no pool for this exchange and connection type")));
		}
		Lease lease;
		try {
			// the limits a local connection routed here goes through (a request names no host
			// for the hosts patterns)
			lease = this.rateLimits.forRoute(exchange, pool.get().key()).select(pool.get(), Exclusion.NONE);
		}
		catch (PoolRateLimitedException ex) {
			// the exchange refuses these addresses whoever connects: the caller follows the
			// policy and asks again when the first member may serve the exchange, or after
			// answer-ttl (a drained member may come back, a reload add members)
			Map<String, Object> metadata = new LinkedHashMap<>();
			metadata.put("reason", ex.getMessage());
			metadata.put("retry_at", ex.retryAt().toString());
			return json(HttpStatus.OK, new ProxyResponse(null, null, restingTtl(ex.retryIn(), ttl),
					this.settings.fallbackPolicy().wireName(), metadata));
		}
		catch (NoProxyAvailableException ex) {
			return json(HttpStatus.OK, new ProxyResponse(null, null, 0L, this.settings.fallbackPolicy().wireName(),
					Map.of("reason", "every member of " + pool.get().key() + " is drained")));
		}
		// the caller's connection is out of sight: the lease only marks the selection (the use
		// of a budget it spent stays spent)
		lease.release();
		PoolMember member = lease.member();
		Map<String, Object> metadata = new LinkedHashMap<>();
		member.metadata().forEach((name, value) -> {
			// the client does nothing with a label, and every caller let in reads it: a secret
			// stays here, as the operations surfaces hide it
			if (!SecretNames.isSecret(name)) {
				metadata.put(name, value);
			}
		});
		metadata.put("pool", pool.get().key().toString());
		return json(HttpStatus.OK, new ProxyResponse(ProxyUrlFormat.withCredentials(member.endpoint()),
				pool.get().strategyName(), ttl, this.settings.fallbackPolicy().wireName(), metadata));
	}

	/**
	 * What the server reads of a {@link ProxyRequest}: the fields that choose the pool. The
	 * others are the client's labels, free-form, so their shape is no reason to refuse a call.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Asked(@JsonProperty("exchange_id") String exchangeId,
			@JsonProperty("connection_type") String connectionType) {
	}

	/**
	 * Seconds until the first resting member may serve the exchange again, rounded up: at
	 * least 1, so that the caller does not ask again at once, and at most the answer TTL.
	 */
	static long restingTtl(Duration retryIn, long answerTtl) {
		return Math.max(1, Math.min(Durations.secondsRoundedUp(retryIn), answerTtl));
	}

	Mono<ServerResponse> feedback(ServerRequest request) {
		return readProblems(request.bodyToMono(ProxyFeedback.class).flatMap(this::record));
	}

	private Mono<ServerResponse> record(ProxyFeedback feedback) {
		ConnectionType type = type(feedback.connectionType());
		if (type == null) {
			return badRequest("connection_type must be http or websocket");
		}
		if (!servable(feedback.exchangeId())) {
			return badRequest(EXCHANGE_ID_PROBLEM);
		}
		ProxyEndpoint reported;
		try {
			reported = ProxyEndpoint.parse(feedback.proxyUrl());
		}
		catch (InvalidProxyUrlException ex) {
			return badRequest("proxy_url: " + ex.getMessage());
		}
		Optional<ProxyPool> pool = this.pools.resolve(exchange(feedback.exchangeId()), type);
		PoolMember member = pool.flatMap((p) -> p.members()
			.stream()
			.filter((m) -> m.endpoint().identity().equals(reported.identity()))
			.findFirst()).orElse(null);
		if (member == null) {
			// most often a member a reload took out while a client still connected through it:
			// advice about it has nowhere to go, and a 404 would read as a missing endpoint
			return json(HttpStatus.ACCEPTED, Map.of("ignored", NOT_A_MEMBER));
		}
		if (feedback.status() != null) {
			exchangeAnswered(pool.get(), member, feedback);
			return ServerResponse.accepted().build();
		}
		if (!feedback.success() && this.rotations.mayHaveUsedTheOldPassword(member, failedAt(feedback),
				Duration.ofSeconds(this.settings.answerTtlSeconds()).plus(pool.get().timeout()))) {
			// as for a local connect (see ProxyOutcomes#failed): the proxy refused a password the
			// member no longer has
			return ServerResponse.accepted().build();
		}
		Duration latency = Duration.ofMillis(Math.min(Math.max(0, feedback.latencyMs()), MAX_LATENCY_MS));
		for (ProxyOutcomes outcome : this.outcomes) {
			if (feedback.success()) {
				outcome.succeeded(pool.get(), member, latency);
			}
			else {
				outcome.failed(pool.get(), member, latency,
						new ReportedConnectFailure(feedback.clientId(), feedback.errorDetails()));
			}
		}
		return ServerResponse.accepted().build();
	}

	/**
	 * When the reported connect failed: the report's {@code timestamp}, unless it is missing,
	 * unreadable or later than now (a client's clock ahead of this one's).
	 */
	private Instant failedAt(ProxyFeedback feedback) {
		Instant now = this.rotations.now();
		try {
			Instant reported = (feedback.timestamp() != null) ? Instant.parse(feedback.timestamp()) : now;
			return reported.isBefore(now) ? reported : now;
		}
		catch (DateTimeParseException ex) {
			return now;
		}
	}

	/**
	 * The exchange answered a client through the member with this status: one of the exchange's
	 * {@code rate-limit.statuses} puts the member to rest for it as an answer to this
	 * application's own connection would (its {@code Retry-After}, strikes, a geo-block's
	 * cooldown), any other changes nothing. An answer, not a connect: the breaker hears nothing.
	 */
	private void exchangeAnswered(ProxyPool pool, PoolMember member, ProxyFeedback feedback) {
		int status = feedback.status();
		ExchangeLimits limits = this.rateLimits.forRoute(exchange(feedback.exchangeId()), pool.key());
		if (limits.policy().coolsDown(status)) {
			Long wait = feedback.retryAfterSeconds();
			// the exchange's Retry-After, in seconds as the header's first form writes them
			limits.responded(pool, member, status, (wait != null && wait > 0) ? wait.toString() : null);
		}
	}

	/**
	 * The call's answer, or what is wrong with its body as the protocol's other mistakes are
	 * told: the caller's, so a 4xx with the reason, never a 500 for a monitor to page about.
	 */
	private static Mono<ServerResponse> readProblems(Mono<ServerResponse> answer) {
		return answer.switchIfEmpty(Mono.defer(() -> badRequest("the request has no body")))
			.onErrorResume(ProxyServiceHandler::tooLarge, (error) -> json(HttpStatus.CONTENT_TOO_LARGE,
					Map.of("error", "the body is larger than the server reads")))
			.onErrorResume(UnsupportedMediaTypeStatusException.class, (error) -> json(
					HttpStatus.UNSUPPORTED_MEDIA_TYPE, Map.of("error", "the body must be application/json")))
			.onErrorResume(ProxyServiceHandler::unreadable,
					(error) -> badRequest("the body is not JSON of the protocol"));
	}

	private static boolean unreadable(Throwable error) {
		return error instanceof ServerWebInputException || error instanceof CodecException;
	}

	/** A body past the codecs' limit ({@code spring.codec.max-in-memory-size}). */
	private static boolean tooLarge(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof DataBufferLimitException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the named id may be served: the limits of an exchange no block configures are
	 * kept under the id as named, and the {@code proxy cooldown} line prints it, so a line break
	 * in it would forge log lines.
	 */
	private static boolean servable(String id) {
		return id == null || (id.length() <= MAX_EXCHANGE_ID && LogText.fitsOneLine(id));
	}

	private static String exchange(String id) {
		return (id == null || id.isBlank() || id.equalsIgnoreCase(PoolKey.DEFAULT)) ? null
				: id.strip();
	}

	private static ConnectionType type(String id) {
		for (ConnectionType type : ConnectionType.values()) {
			if (type.id().equals(id)) {
				return type;
			}
		}
		return null;
	}

	private static Mono<ServerResponse> badRequest(String problem) {
		return json(HttpStatus.BAD_REQUEST, Map.of("error", problem));
	}

	private static Mono<ServerResponse> json(HttpStatus status, Object body) {
		return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).bodyValue(body);
	}

}
