package io.cryptofeed.proxy.health.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Checks that the proxy's host answers {@link InetAddress#isReachable(int)}, which blocks, so it
 * runs on platform threads of its own ({@code proxy-ping-N}). Says nothing about the proxy
 * process or its port; use it only as a coarse host check.
 *
 * <p>What {@code isReachable} does depends on privileges. Observed with OpenJDK 17.0.15 on
 * Linux 6.18 (Debian 12, traced with strace):
 * <ul>
 * <li>With the privilege to open a raw ICMP socket (root, or {@code CAP_NET_RAW}) the JDK sends
 * an ICMP echo request and waits for the reply ({@code 127.0.0.1} answered in about 1 ms); no
 * reply within the timeout means unreachable.</li>
 * <li>Without it ({@code socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)} fails with {@code EPERM}) the
 * JDK falls back to a TCP connection attempt to port 7 (echo); the same holds for IPv6. A
 * completed connection <em>and a refused one</em> both count as reachable, only silence until
 * the timeout counts as unreachable. So {@code 127.0.0.1}, where nothing listens on port 7,
 * was reachable. Unprivileged ICMP sockets are not used, even when
 * {@code net.ipv4.ping_group_range} allows them.</li>
 * </ul>
 * Hence, as non-root, any host that answers TCP with a reset passes, and a live host behind a
 * firewall that silently drops port 7 fails. Temurin 25.0.3 did the same (raw ICMP socket as
 * root, else a connect to port 7).
 *
 * <p>Not Reactor's bounded-elastic scheduler: Spring Boot puts that on virtual threads when
 * {@code spring.threads.virtual.enabled} is on (Java 21 and later), and {@code isReachable}
 * waits in native code, which holds a virtual thread's carrier for the whole timeout. On
 * Temurin 25 with one carrier, a ping to a silent host kept every other virtual thread waiting
 * until its timeout.
 *
 * <p>Each ping gets a thread of its own at once, up to {@value PingThreads#THREADS} at a time
 * (threads started as needed, gone after a minute idle): pings of silent hosts hold their
 * threads for the whole timeout, and a ping of a host that answers must not wait behind them
 * and fail for their silence. The timeout counts from the subscription and bounds everything,
 * the host name's lookup and the wait for a thread included: a lookup or an
 * {@code isReachable} that overruns it (native code, which no interrupt ends) keeps its thread
 * after the check has failed, and once every thread is kept so, checks fail at their timeout
 * instead of waiting in line for ever. The latency counts from the moment a thread takes the
 * ping.
 */
final class PingProbe implements HealthProbe {

	private final Reachability reachability;

	private final Scheduler threads;

	PingProbe() {
		this(InetAddress::isReachable);
	}

	/** Uses the given reachability test instead of {@link InetAddress#isReachable(int)}. */
	PingProbe(Reachability reachability) {
		this(reachability, PingThreads.SCHEDULER);
	}

	/** Pings on the given threads instead of the shared {@code proxy-ping-N} ones. */
	PingProbe(Reachability reachability, Scheduler threads) {
		this.reachability = reachability;
		this.threads = threads;
	}

	@Override
	public Mono<Duration> check(ProxyEndpoint endpoint, Duration timeout) {
		ProbeSupport.checkArguments(endpoint, timeout);
		int millis = ProbeSupport.millis(timeout);
		return Mono.defer(() -> {
			AtomicLong start = new AtomicLong();
			return Mono.fromCallable(() -> {
				start.set(System.nanoTime());
				return this.reachability.isReachable(InetAddress.getByName(endpoint.host()), millis);
			})
				.subscribeOn(this.threads)
				.timeout(timeout)
				.onErrorMap((ex) -> failure(endpoint, timeout, ex, start.get() != 0))
				.flatMap((reachable) -> reachable ? Mono.just(ProbeSupport.since(start.get()))
						: Mono.error(new ProbeFailedException(endpoint + ": host " + endpoint.host()
								+ " did not answer a ping (ICMP echo, or TCP port 7 without privileges) within "
								+ Durations.format(timeout), null)));
		});
	}

	/** @param pinged whether a thread took the ping before it failed */
	private static Throwable failure(ProxyEndpoint endpoint, Duration timeout, Throwable ex, boolean pinged) {
		if (ex instanceof TimeoutException && !pinged) {
			return new ProbeFailedException(endpoint + ": host " + endpoint.host() + " was not pinged within "
					+ Durations.format(timeout) + ": no ping thread was free to take it", ex);
		}
		if (ex instanceof TimeoutException) {
			return new ProbeFailedException(endpoint + ": host " + endpoint.host() + " did not answer a ping within "
					+ Durations.format(timeout), ex);
		}
		if (ex instanceof UnknownHostException) {
			return new ProbeFailedException(endpoint + ": host " + endpoint.host() + " could not be resolved: "
					+ ProbeSupport.describe(ex), ex);
		}
		return new ProbeFailedException(endpoint + ": pinging host " + endpoint.host() + " failed: "
				+ ProbeSupport.describe(ex), ex);
	}

	@Override
	public String toString() {
		return "ping (InetAddress.isReachable)";
	}

	/**
	 * The pings' platform threads, started as pings need them and gone after a minute idle.
	 * As many as the default {@code max-concurrent-health-checks}, so that the checker's pings
	 * never wait for one unless earlier pings overran their timeouts. Daemons: they never hold
	 * up the JVM's exit.
	 */
	static final class PingThreads {

		static final int THREADS = 256;

		static final Scheduler SCHEDULER = Schedulers.newBoundedElastic(THREADS,
				Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "proxy-ping", 60, true);

	}

	/** Whether a host answers within a timeout; blocking. */
	@FunctionalInterface
	interface Reachability {

		boolean isReachable(InetAddress address, int timeoutMillis) throws IOException;

	}

}
