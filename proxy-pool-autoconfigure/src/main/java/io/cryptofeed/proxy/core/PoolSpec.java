package io.cryptofeed.proxy.core;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A validated pool as configured: what {@link ProxyPool} is built from.
 *
 * @param key which settings block and connection type it serves
 * @param origin whether it came from a {@code pool} list or a single {@code url}
 * @param members the members in configuration order, disabled ones included
 * @param strategy the name of the selection strategy
 * @param timeout the response timeout of requests (and WebSocket opening handshakes) through this pool
 */
public record PoolSpec(PoolKey key, Origin origin, List<MemberSpec> members, String strategy, Duration timeout) {

	/**
	 * The response timeout of a block that sets none, and of a request through a proxy
	 * service's proxy where no block resolves.
	 */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	public PoolSpec {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(origin, "origin");
		Objects.requireNonNull(strategy, "strategy");
		Objects.requireNonNull(timeout, "timeout");
		if (strategy.isBlank()) {
			throw new IllegalArgumentException("pool " + key + " has no strategy: name one, such as round-robin");
		}
		String timeoutProblem = (timeout.isZero() || timeout.isNegative()) ? "must be positive"
				: Durations.timerProblem(timeout);
		if (timeoutProblem != null) {
			throw new IllegalArgumentException(
					"pool " + key + ": the timeout " + Durations.format(timeout) + " " + timeoutProblem);
		}
		members = List.copyOf(members);
		if (members.stream().noneMatch(MemberSpec::enabled)) {
			throw new IllegalArgumentException("pool " + key + " has no enabled member");
		}
		// members are told apart by identity (reloads, breakers, health checks): one proxy, one member
		Set<ProxyEndpoint.Identity> seen = new HashSet<>();
		for (int i = 0; i < members.size(); i++) {
			if (!seen.add(members.get(i).endpoint().identity())) {
				throw new IllegalArgumentException("pool " + key + ": member " + i + " ("
						+ members.get(i).endpoint().identity() + ") is the same proxy as an earlier member:"
						+ " remove it, or raise the earlier one's weight");
			}
		}
	}

	/** Where a pool's members came from. */
	public enum Origin {

		/** A {@code pool} list. */
		POOL,

		/** A single {@code url}: one fixed proxy, the behaviour from before pools existed. */
		URL

	}

}
