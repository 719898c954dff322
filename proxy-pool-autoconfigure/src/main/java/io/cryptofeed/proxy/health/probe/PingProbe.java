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
import reactor.core.publisher.Sinks;
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
 * <p>The timeout and the latency count from the moment a ping thread takes the check: pings of
 * silent hosts hold their threads for the whole timeout, and a check waiting behind them would
 * otherwise fail a host that answers. Such a check may therefore end later than
 * {@code timeout} after it was subscribed to.
 */
final class PingProbe implements HealthProbe {

	private final Reachability reachability;

	PingProbe() {
		this(InetAddress::isReachable);
	}

	/** Uses the given reachability test instead of {@link InetAddress#isReachable(int)}. */
	PingProbe(Reachability reachability) {
		this.reachability = reachability;
	}

	@Override
	public Mono<Duration> check(ProxyEndpoint endpoint, Duration timeout) {
		ProbeSupport.checkArguments(endpoint, timeout);
		int millis = ProbeSupport.millis(timeout);
		return Mono.defer(() -> {
			AtomicLong start = new AtomicLong();
			Sinks.Empty<Void> pinging = Sinks.empty();
			return Mono.fromCallable(() -> {
				start.set(System.nanoTime());
				pinging.tryEmitEmpty();
				return this.reachability.isReachable(InetAddress.getByName(endpoint.host()), millis);
			})
				.subscribeOn(PingThreads.SCHEDULER)
				// timed from the moment a ping thread takes it: a ping still waiting for one, behind
				// pings of silent hosts that hold every thread, has asked its own host nothing yet
				.timeout(pinging.asMono().then(Mono.delay(timeout)))
				.onErrorMap((ex) -> failure(endpoint, timeout, ex))
				.flatMap((reachable) -> reachable ? Mono.just(ProbeSupport.since(start.get()))
						: Mono.error(new ProbeFailedException(endpoint + ": host " + endpoint.host()
								+ " did not answer a ping (ICMP echo, or TCP port 7 without privileges) within "
								+ Durations.format(timeout), null)));
		});
	}

	private static Throwable failure(ProxyEndpoint endpoint, Duration timeout, Throwable ex) {
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
	 * The pings' platform threads, started on the first ping and gone after a minute idle;
	 * as many as Reactor's bounded-elastic scheduler would allow. Daemons: they never hold up
	 * the JVM's exit.
	 */
	private static final class PingThreads {

		static final Scheduler SCHEDULER = Schedulers.newBoundedElastic(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE,
				Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "proxy-ping", 60, true);

	}

	/** Whether a host answers within a timeout; blocking. */
	@FunctionalInterface
	interface Reachability {

		boolean isReachable(InetAddress address, int timeoutMillis) throws IOException;

	}

}
