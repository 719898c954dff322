package io.cryptofeed.proxy.netty;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys seen so far of a condition that repeats with traffic (a redirect to a host, an
 * exchange named without a pool), so that each is one WARN line rather than one per request.
 * Bounded: past {@value #MAX_KEYS} keys every sighting counts as a repeat.
 */
final class FirstSightings {

	static final int MAX_KEYS = 1000;

	private final Set<String> seen = ConcurrentHashMap.newKeySet();

	/** Whether this key is seen for the first time; a repeat costs one lookup and no allocation. */
	boolean first(String key) {
		return !this.seen.contains(key) && this.seen.size() < MAX_KEYS && this.seen.add(key);
	}

}
