package io.cryptofeed.proxy.health.probe;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.netty.ProxyTls;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Connects to a proxy and completes a short greeting in its protocol, then closes the
 * connection.
 *
 * <p>A bare TCP connect is not enough: the kernel completes TCP handshakes into a listening
 * socket's backlog by itself, so a proxy process that hangs (deadlocked, stopped with
 * SIGSTOP, out of threads) still "accepts" connections. Only the process can answer a
 * greeting:
 * <ul>
 * <li>HTTP: {@code CONNECT localhost:1}, any status line passes except 407/401 when
 * credentials were sent, see {@link HttpConnectGreeting};</li>
 * <li>SOCKS5: method selection and, if picked, username/password authentication, no
 * command, see {@link Socks5Greeting};</li>
 * <li>SOCKS4: a CONNECT to {@code 127.0.0.1:1}, any reply passes, see {@link Socks4Greeting}.</li>
 * </ul>
 * An {@code https} member is greeted over TLS, which its certificate must pass. A host name
 * with several addresses is greeted at the next one when the TCP connect to one is refused, as
 * the pools' connects are. Name lookup, connects, TLS and greeting together are bounded by the
 * timeout. Non-blocking: Reactor
 * Netty's event loops do the I/O, a host name is looked up on the bounded-elastic scheduler.
 */
final class GreetingProbe implements HealthProbe {

	private final TcpClient client;

	private final Scheduler timer;

	private final ProxyTls tls;

	private final ProxyNameLookup names;

	/** Unpooled connections on the event loops Reactor Netty's HTTP clients share at each check. */
	GreetingProbe(ProxyTls tls) {
		this(TcpClient.newConnection().runOn(CurrentHttpLoops.INSTANCE), Schedulers.parallel(), tls);
	}

	/**
	 * Uses the given client (unpooled, without a remote address) for every check, the timer
	 * for timeouts, and the TLS for {@code https} members, whose greeting is spoken over it.
	 */
	GreetingProbe(TcpClient client, Scheduler timer, ProxyTls tls) {
		this(client, timer, tls, ProxyNameLookup.SYSTEM);
	}

	/** As above, looking proxy host names up with the given lookup: a test's. */
	GreetingProbe(TcpClient client, Scheduler timer, ProxyTls tls, ProxyNameLookup names) {
		this.client = client;
		this.timer = timer;
		this.tls = Objects.requireNonNull(tls, "tls");
		this.names = names;
	}

	@Override
	public Mono<Duration> check(ProxyEndpoint endpoint, Duration timeout) {
		ProbeSupport.checkArguments(endpoint, timeout);
		return Mono.defer(() -> {
			long start = System.nanoTime();
			Greeting greeting = Greeting.of(endpoint);
			// a timeout names the step it cut: a dropped connect is a network matter, a silent
			// greeting the proxy process's
			AtomicReference<Step> step = new AtomicReference<>(Step.RESOLVING);
			return ProbeSupport.resolve(endpoint, this.names)
				.doOnNext((addresses) -> step.set(Step.CONNECTING))
				.flatMap((addresses) -> ProbeSupport.atEachAddress(addresses, (address) -> Mono.usingWhen(
						connect(address, timeout).doOnNext((connection) -> step.set(Step.GREETING)),
						(connection) -> greet(connection, greeting, endpoint), GreetingProbe::close)))
				.timeout(timeout, this.timer)
				.map((alive) -> ProbeSupport.since(start))
				.onErrorMap((ex) -> failure(endpoint, timeout, ex, step.get()));
		});
	}

	private Mono<? extends Connection> connect(InetSocketAddress address, Duration timeout) {
		return this.client.remoteAddress(() -> address)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, ProbeSupport.millis(timeout))
			.doOnChannelInit((observer, channel, remote) -> this.tls.secure(channel, address))
			.connect();
	}

	/** Sends the opening, then feeds every answer to the greeting until it decides. */
	private static Mono<Boolean> greet(Connection connection, Greeting greeting, ProxyEndpoint endpoint) {
		Flux<Boolean> verdicts = connection.inbound()
			.receive()
			.asByteArray()
			.concatMap((bytes) -> follow(greeting.receive(bytes), connection, endpoint));
		return send(connection, greeting.opening()).then(verdicts.next())
			.switchIfEmpty(Mono.error(() -> new ProbeFailedException(
					endpoint + " closed the connection before completing the greeting", null)));
	}

	/** Emits {@code true} once the proxy proved alive, nothing while the greeting goes on. */
	private static Mono<Boolean> follow(Greeting.Step step, Connection connection, ProxyEndpoint endpoint) {
		return switch (step.kind()) {
			case MORE -> Mono.empty();
			case ALIVE -> Mono.just(Boolean.TRUE);
			case SEND -> send(connection, step.reply()).then(Mono.<Boolean>empty());
			case FAIL -> Mono.error(new ProbeFailedException(endpoint + " " + step.failure(), null));
		};
	}

	private static Mono<Void> send(Connection connection, byte[] bytes) {
		return connection.outbound().sendByteArray(Mono.just(bytes)).then();
	}

	private static Mono<Void> close(Connection connection) {
		return Mono.fromRunnable(connection::dispose);
	}

	private static Throwable failure(ProxyEndpoint endpoint, Duration timeout, Throwable ex, Step step) {
		if (ex instanceof ProbeFailedException) {
			return ex;
		}
		if (ex instanceof TimeoutException || ex instanceof ConnectTimeoutException) {
			String within = Durations.format(timeout);
			return new ProbeFailedException(switch (step) {
				case RESOLVING -> endpoint + " could not be resolved within " + within;
				case CONNECTING -> endpoint + " could not be connected within " + within
						+ " (no answer to the TCP connect)";
				case GREETING -> endpoint + " did not answer within " + within;
			}, ex);
		}
		if (ex instanceof UnknownHostException) {
			return new ProbeFailedException(endpoint + " could not be resolved: " + ProbeSupport.describe(ex), ex);
		}
		if (ex instanceof ConnectException) {
			return new ProbeFailedException(endpoint + " could not be connected: " + ProbeSupport.describe(ex), ex);
		}
		return new ProbeFailedException(endpoint + " failed the greeting: " + ProbeSupport.describe(ex), ex);
	}

	@Override
	public String toString() {
		return "tcp (protocol greeting)";
	}

	/** How far a check got. */
	private enum Step {

		RESOLVING, CONNECTING, GREETING

	}

}
