package io.cryptofeed.proxy.health.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.cryptofeed.proxy.netty.ConnectFailures;
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
	 * The proxy's socket addresses, every one its host name gives, in the lookup's order; a
	 * host name is looked up on the bounded-elastic scheduler, never on the caller's thread
	 * (which may be an event loop), an IP literal needs no lookup. An {@code https} member's
	 * addresses ask for TLS ({@link ProxyTls#address}).
	 */
	static Mono<List<InetSocketAddress>> resolve(ProxyEndpoint endpoint, ProxyNameLookup names) {
		if (endpoint.hasIpLiteralHost()) {
			return Mono.fromCallable(() -> List.of(ProxyTls.address(endpoint,
					new InetSocketAddress(InetAddress.getByName(endpoint.host()), endpoint.port()))));
		}
		Callable<List<InetSocketAddress>> lookup = () -> Arrays.stream(names.allByName(endpoint.host()))
			.map((address) -> ProxyTls.address(endpoint, new InetSocketAddress(address, endpoint.port())))
			.toList();
		return Mono.fromCallable(lookup).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * The check at each of the addresses in turn, as the pools' connects go: the next one only
	 * when the TCP connect to one was refused (or found no route), never after a timeout, and
	 * within the check's one timeout, which its caller sets around them all.
	 */
	static <T> Mono<T> atEachAddress(List<InetSocketAddress> addresses, Function<InetSocketAddress, Mono<T>> check) {
		return atAddress(addresses, 0, check);
	}

	private static <T> Mono<T> atAddress(List<InetSocketAddress> addresses, int index,
			Function<InetSocketAddress, Mono<T>> check) {
		Mono<T> here = check.apply(addresses.get(index));
		if (index == addresses.size() - 1) {
			return here;
		}
		return here.onErrorResume(ConnectFailures::refusedTcpConnect,
				(refused) -> atAddress(addresses, index + 1, check));
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
