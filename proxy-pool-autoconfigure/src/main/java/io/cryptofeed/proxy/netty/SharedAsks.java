package io.cryptofeed.proxy.netty;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/**
 * At most one ask in flight per key: a caller that finds one under way waits for its outcome
 * instead of asking too. A burst of connections with nothing cached (a start-up, an expired
 * answer) then makes one call to the proxy service, not one each, and feeds its breaker once;
 * and one lookup of a proxy's host name, holding one worker thread, not one each.
 * An ask runs to its end even when every caller waiting for it gives up: its outcome is
 * kept for the next (by the ask itself, before its callers hear it), and a call cancelled
 * mid-connect would leave nothing to learn from.
 * It runs in the Reactor context of the caller that made it, as that caller's own ask would
 * (what the application put there reaches a guard of its own); a caller that joins keeps its
 * own context downstream. Public for the transport and the proxy service's client, not for
 * applications.
 */
public final class SharedAsks<K, V> {

	private final Map<K, Sinks.One<V>> inFlight = new ConcurrentHashMap<>();

	/**
	 * The outcome of the ask under way for the key ({@link Shared#joined()}), or of a new one
	 * made with {@code ask}, which must not be empty.
	 */
	public Mono<Shared<V>> join(K key, Supplier<Mono<V>> ask) {
		return Mono.deferContextual((context) -> {
			Sinks.One<V> started = Sinks.one();
			Sinks.One<V> underWay = this.inFlight.putIfAbsent(key, started);
			if (underWay != null) {
				return underWay.asMono().map((value) -> new Shared<>(value, true));
			}
			// out of the map before the outcome is out: a caller coming later finds the cache
			// the ask filled, or makes an ask of its own, never an outcome already used
			ask.get().subscribe((value) -> {
				this.inFlight.remove(key, started);
				started.tryEmitValue(value);
			}, (error) -> {
				this.inFlight.remove(key, started);
				started.tryEmitError(error);
			}, () -> {
				if (this.inFlight.remove(key, started)) {
					started.tryEmitError(new IllegalStateException("the ask ended without an outcome"));
				}
			}, Context.of(context));
			return started.asMono().map((value) -> new Shared<>(value, false));
		});
	}

	/** Keys whose ask is under way. */
	public int underWay() {
		return this.inFlight.size();
	}

	/**
	 * @param value the ask's outcome
	 * @param joined whether the caller waited for another caller's ask rather than making it
	 */
	public record Shared<V>(V value, boolean joined) {
	}

}
