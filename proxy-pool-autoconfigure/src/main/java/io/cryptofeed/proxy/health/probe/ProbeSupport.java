package io.cryptofeed.proxy.health.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.netty.ProxyTls;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Argument checks, proxy address lookup and error descriptions shared by the probes. */
final class ProbeSupport {

	private ProbeSupport() {
	}

	/** Rejects a missing endpoint and a missing, zero or negative timeout. */
	static void checkArguments(ProxyEndpoint endpoint, Duration timeout) {
		Objects.requireNonNull(endpoint, "endpoint");
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isZero() || timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must be positive: " + Durations.format(timeout));
		}
	}

	/** The timeout in whole milliseconds, at least 1 and at most {@link Integer#MAX_VALUE}. */
	static int millis(Duration timeout) {
		try {
			return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
		}
		catch (ArithmeticException ex) {
			return Integer.MAX_VALUE;
		}
	}

	/**
	 * The proxy's socket address; a host name is looked up on the bounded-elastic scheduler,
	 * never on the caller's thread (which may be an event loop), an IP literal needs no lookup.
	 * An {@code https} member's address asks for TLS ({@link ProxyTls#address}).
	 */
	static Mono<InetSocketAddress> resolve(ProxyEndpoint endpoint) {
		Callable<InetSocketAddress> lookup = () -> ProxyTls.address(endpoint,
				new InetSocketAddress(InetAddress.getByName(endpoint.host()), endpoint.port()));
		return endpoint.hasIpLiteralHost() ? Mono.fromCallable(lookup)
				: Mono.fromCallable(lookup).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * The exception's type and message for a failure message, with anything URL-like masked:
	 * Netty and the JDK quote addresses, never credentials, but a library message is not ours.
	 */
	static String describe(Throwable ex) {
		String message = ex.getMessage();
		return ex.getClass().getSimpleName()
				+ ((message != null && !message.isEmpty()) ? ": " + ProxyUrls.maskWords(message) : "");
	}

	static Duration since(long startNanos) {
		return Duration.ofNanos(System.nanoTime() - startNanos);
	}

}
