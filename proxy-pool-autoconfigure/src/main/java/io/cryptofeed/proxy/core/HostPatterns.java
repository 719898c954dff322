package io.cryptofeed.proxy.core;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps request hosts to exchange ids. A pattern is an exact host ({@code binance.com}) or a
 * wildcard for its subdomains ({@code *.binance.com}, which does not match
 * {@code binance.com} itself). An exact match wins, then the longest wildcard.
 */
public final class HostPatterns {

	static final int MAX_REMEMBERED_HOSTS = 1024;

	private final Map<String, String> exact = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

	/** Keyed by the suffix with its leading dot, {@code .binance.com}. */
	private final Map<String, String> suffixes = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

	/**
	 * Answers already given, by host as requested: a feed talks to a handful of hosts, so
	 * each is matched once. Bounded, so that a caller with endless host names cannot grow it.
	 */
	private final Map<String, Optional<String>> answers = new ConcurrentHashMap<>();

	/**
	 * @param patternsByExchange exchange id to its host patterns
	 * @throws IllegalArgumentException when one pattern is claimed by two exchanges
	 */
	public HostPatterns(Map<String, ? extends Iterable<String>> patternsByExchange) {
		patternsByExchange.forEach((exchange, patterns) -> {
			for (String pattern : patterns) {
				String normalized = normalize(pattern);
				boolean wildcard = normalized.startsWith("*.");
				Map<String, String> target = wildcard ? this.suffixes : this.exact;
				String key = wildcard ? normalized.substring(1) : normalized;
				String previous = target.putIfAbsent(key, exchange.toLowerCase(Locale.ROOT));
				if (previous != null && !previous.equalsIgnoreCase(exchange)) {
					throw new IllegalArgumentException("host pattern '" + pattern + "' belongs to both exchange '"
							+ previous + "' and exchange '" + exchange + "'");
				}
			}
		});
	}

	private static String normalize(String host) {
		String trimmed = host.strip();
		return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
	}

	/** The exchange whose patterns match the host. */
	public Optional<String> exchangeFor(String host) {
		if (host == null || host.isEmpty()) {
			return Optional.empty();
		}
		Optional<String> known = this.answers.get(host);
		if (known != null) {
			return known;
		}
		Optional<String> exchange = match(host);
		if (this.answers.size() < MAX_REMEMBERED_HOSTS) {
			this.answers.put(host, exchange);
		}
		return exchange;
	}

	private Optional<String> match(String host) {
		String normalized = normalize(host);
		String exchange = this.exact.get(normalized);
		if (exchange != null) {
			return Optional.of(exchange);
		}
		for (int dot = normalized.indexOf('.'); dot >= 0; dot = normalized.indexOf('.', dot + 1)) {
			exchange = this.suffixes.get(normalized.substring(dot));
			if (exchange != null) {
				return Optional.of(exchange);
			}
		}
		return Optional.empty();
	}

}
