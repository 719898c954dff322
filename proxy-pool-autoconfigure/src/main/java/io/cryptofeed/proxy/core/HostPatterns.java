package io.cryptofeed.proxy.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps request hosts to exchange ids, or to a direct connection. A pattern is an exact host
 * ({@code binance.com}) or a wildcard for its subdomains ({@code *.binance.com}, which does
 * not match {@code binance.com} itself); a direct host may also be an address range
 * ({@code 10.0.0.0/8}), which matches hosts written as IP addresses. The most specific
 * pattern wins: an exact match, then the longest wildcard, then a range. Names match ignoring
 * case and a trailing dot, and an internationalized name matches written in Unicode or in its
 * ASCII form.
 */
public final class HostPatterns {

	static final int MAX_REMEMBERED_HOSTS = 1024;

	private static final Answer NO_MATCH = new Answer(Optional.empty(), false);

	private static final Answer DIRECT = new Answer(Optional.empty(), true);

	private final Map<String, Answer> exact = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

	/** Keyed by the suffix with its leading dot, {@code .binance.com}. */
	private final Map<String, Answer> suffixes = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

	private final List<AddressRange> directRanges = new ArrayList<>();

	/**
	 * Answers already given, by host as requested: a feed talks to a handful of hosts, so
	 * each is matched once. Bounded, so that a caller with endless host names cannot grow it.
	 */
	private final Map<String, Answer> answers = new ConcurrentHashMap<>();

	/**
	 * @param patternsByExchange exchange id to its host patterns
	 * @param directHosts patterns and address ranges of hosts reached without a proxy
	 * @throws IllegalArgumentException when one pattern is claimed twice (by two exchanges, or
	 * by an exchange and the direct hosts), or a range is malformed
	 */
	HostPatterns(Map<String, ? extends Iterable<String>> patternsByExchange, Iterable<String> directHosts) {
		patternsByExchange.forEach((exchange, patterns) -> {
			Answer answer = new Answer(Optional.of(exchange.toLowerCase(Locale.ROOT)), false);
			for (String pattern : patterns) {
				claim(pattern, answer);
			}
		});
		for (String pattern : directHosts) {
			if (AddressRange.looksLikeRange(pattern)) {
				this.directRanges.add(AddressRange.parse(pattern));
			}
			else {
				claim(pattern, DIRECT);
			}
		}
	}

	private void claim(String pattern, Answer answer) {
		String normalized = ascii(normalize(pattern));
		boolean wildcard = normalized.startsWith("*.");
		Map<String, Answer> target = wildcard ? this.suffixes : this.exact;
		String key = wildcard ? normalized.substring(1) : normalized;
		Answer previous = target.putIfAbsent(key, answer);
		if (previous != null && !previous.equals(answer)) {
			throw new IllegalArgumentException("host pattern '" + pattern + "' belongs to both " + previous.owner()
					+ " and " + answer.owner());
		}
	}

	/**
	 * An IPv4-mapped IPv6 address ({@code [::ffff:10.0.0.7]}) as the IPv4 address the JDK
	 * connects to, which an exact pattern names; any other host as it is.
	 */
	private static String asConnected(String host) {
		if (host.length() < 3 || host.charAt(0) != '[' || host.charAt(host.length() - 1) != ']') {
			return host;
		}
		String bare = host.substring(1, host.length() - 1);
		if (!IpLiterals.isIpv6(bare)) {
			return host;
		}
		String canonical = IpLiterals.canonicalIpv6(bare);
		return IpLiterals.isIpv4(canonical) ? canonical : host;
	}

	/** An internationalized name in its ASCII form, which patterns are kept in; a name without one as it is. */
	private static String ascii(String host) {
		String ascii = HostNames.ascii(host);
		return (ascii != null) ? ascii : host;
	}

	private static String normalize(String host) {
		String trimmed = host.strip();
		return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
	}

	/** The exchange whose patterns match the host; empty for a direct host too. */
	Optional<String> exchangeFor(String host) {
		return answer(host).exchange();
	}

	/** Whether the host is one of the direct hosts: reached without a proxy unless a request names its exchange. */
	boolean isDirect(String host) {
		return answer(host).direct();
	}

	/** Both at once, from one look at the answers already given: what a connection's routing asks. */
	Answer answer(String host) {
		if (host == null || host.isEmpty()) {
			return NO_MATCH;
		}
		Answer known = this.answers.get(host);
		if (known != null) {
			return known;
		}
		Answer answer = match(host);
		if (this.answers.size() < MAX_REMEMBERED_HOSTS) {
			this.answers.put(host, answer);
		}
		return answer;
	}

	private Answer match(String host) {
		String normalized = ascii(asConnected(normalize(host)));
		Answer answer = this.exact.get(normalized);
		if (answer != null) {
			return answer;
		}
		for (int dot = normalized.indexOf('.'); dot >= 0; dot = normalized.indexOf('.', dot + 1)) {
			answer = this.suffixes.get(normalized.substring(dot));
			if (answer != null) {
				return answer;
			}
		}
		for (AddressRange range : this.directRanges) {
			if (range.contains(normalized)) {
				return DIRECT;
			}
		}
		return NO_MATCH;
	}

	/**
	 * What a host maps to: an exchange, a direct connection, or neither (the default block's).
	 * @param exchange the exchange whose patterns match; empty for a direct host
	 * @param direct whether the host is one of the direct hosts
	 */
	public record Answer(Optional<String> exchange, boolean direct) {

		String owner() {
			return this.direct ? "the direct hosts" : "exchange '" + this.exchange.orElseThrow() + "'";
		}

	}

}
