package io.cryptofeed.proxy.netty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.Security;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.netty.util.NetUtil;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps the host lookup of a direct connection off the event loop. Reactor Netty looks the
 * target of a direct connection up itself, with a blocking JDK call on the thread that starts
 * the connect: often an event loop, which a slow or unreachable DNS server would then stall,
 * together with every pooled connection on it. So the host is looked up first on a worker
 * thread, where the connect then goes on, and Reactor Netty finds the answer in the JDK's
 * cache. A host looked up a moment ago needs no second lookup, and no change of thread.
 * "A moment" runs on a monotonic ticker, as the JDK's cache does: a step of the wall clock
 * does not make a host whose answer the JDK dropped look ready.
 */
final class DirectHostLookups {

	/** Forgotten all at once when this many are known: direct hosts are few in practice. */
	private static final int MAX_HOSTS = 1024;

	private static final Duration MAX_FRESH = Duration.ofSeconds(10);

	private final LongSupplier nanoTime;

	/** How long a successful lookup surely stays in the JDK's cache. */
	private final long freshNanos;

	private final Map<String, Long> lookedUpAt = new ConcurrentHashMap<>();

	/** @param nanoTime monotonic nanoseconds, as {@link System#nanoTime()} */
	DirectHostLookups(LongSupplier nanoTime) {
		this(nanoTime, freshFor(jdkCacheSeconds()));
	}

	DirectHostLookups(LongSupplier nanoTime, Duration fresh) {
		this.nanoTime = nanoTime;
		this.freshNanos = fresh.toNanos();
	}

	/**
	 * Whether Reactor Netty can take the host without a lookup that may block: an address, or
	 * a name looked up a moment ago (its answer is in the JDK's cache), or no host at all.
	 */
	boolean ready(String host) {
		// Netty's test, not core's IpLiterals: what Reactor Netty parses without a lookup
		if (host == null || NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
			return true;
		}
		Long at = this.lookedUpAt.get(host);
		return at != null && this.nanoTime.getAsLong() - at < this.freshNanos;
	}

	/**
	 * Looks the host up on a worker thread and then emits the value there. A failed lookup is
	 * not an error here: Reactor Netty's own lookup fails the connect in its usual way, still
	 * on the worker thread.
	 */
	<T> Mono<T> thenOnWorker(String host, T value) {
		return Mono.fromCallable(() -> {
			lookUp(host);
			return value;
		}).subscribeOn(Schedulers.boundedElastic());
	}

	private void lookUp(String host) {
		try {
			InetAddress.getAllByName(host);
		}
		catch (UnknownHostException ex) {
			this.lookedUpAt.remove(host);
			return;
		}
		if (this.lookedUpAt.size() >= MAX_HOSTS) {
			this.lookedUpAt.clear();
		}
		this.lookedUpAt.put(host, this.nanoTime.getAsLong());
	}

	/** Half the JDK's positive cache time, at most {@link #MAX_FRESH}; zero when the JDK caches nothing. */
	static Duration freshFor(long jdkCacheSeconds) {
		if (jdkCacheSeconds < 0) {
			// the JDK caches forever
			return MAX_FRESH;
		}
		Duration half = Duration.ofMillis(jdkCacheSeconds * 1000 / 2);
		return (half.compareTo(MAX_FRESH) < 0) ? half : MAX_FRESH;
	}

	/** The JDK's positive cache time in seconds, as the JDK reads it: -1 is forever. */
	static long jdkCacheSeconds() {
		String ttl = Security.getProperty("networkaddress.cache.ttl");
		if (ttl == null) {
			ttl = System.getProperty("sun.net.inetaddr.ttl");
		}
		if (ttl != null) {
			try {
				return Long.parseLong(ttl.strip());
			}
			catch (NumberFormatException ex) {
				// the JDK ignores a value it cannot read, and so do we
			}
		}
		return 30;
	}

}
