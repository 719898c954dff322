package io.cryptofeed.proxy.testkit;

import java.util.List;

/**
 * A proxy running inside the JVM on a loopback address whose behaviour can be switched at
 * runtime with {@link #fault(Fault)}, to test how a client copes with a failing proxy.
 */
public interface TestProxy extends AutoCloseable {

	/** Every thread of an in-JVM proxy has a name starting with this prefix. */
	String THREAD_NAME_PREFIX = "test-proxy-";

	/** The loopback address the proxy listens on, for example {@code 127.0.0.1}. */
	String host();

	/** The port the proxy listens on, kept across {@link Fault#REFUSE} and {@link Fault#CRASH}. */
	int port();

	/**
	 * The proxy's URL, for example {@code http://127.0.0.1:41234}, with percent-encoded
	 * credentials when the proxy requires them: {@code socks5://user:pass@127.0.0.1:41235}.
	 */
	String url();

	/**
	 * Switches the behaviour for connections accepted from now on; {@link Fault#FREEZE} holds
	 * the open tunnels too, {@link Fault#CRASH} resets them.
	 * @throws IllegalArgumentException if the proxy's protocol has no such fault:
	 * {@link Fault#STATUS_407} and {@link Fault#STATUS_500} are HTTP's, {@link Fault#AUTH_FAIL}
	 * SOCKS5's
	 * @throws IllegalStateException if the proxy is closed, or cannot take its port back after
	 * {@link Fault#REFUSE} or {@link Fault#CRASH} (it then keeps that fault)
	 */
	void fault(Fault fault);

	/** The current behaviour. */
	Fault fault();

	/**
	 * How many tunnels the proxy told its clients are open since start or the last reset; it
	 * relays them unless it {@linkplain Fault#STALL stalls}. Counted when the proxy answers: a
	 * client that gave up during a {@linkplain Fault#delay delay} counts too, once the delay is
	 * over, which may be after a reset.
	 */
	int tunnels();

	/** How many TCP connections were accepted since start or the last reset. */
	int accepted();

	/**
	 * The targets clients asked this proxy for, as they sent them, in order: {@code host:port}
	 * with a host name when the client left resolving the name to the proxy (remote DNS), or
	 * an address when it resolved the name itself. Listed whatever the proxy answered: an HTTP
	 * CONNECT refused with 407 or 500, or left unanswered by a fault, is too (no tunnel is
	 * counted for it). Only what the proxy read: a frozen proxy reads nothing, and a SOCKS5
	 * client sends its target only after its greeting and authentication passed.
	 */
	List<String> requestedTargets();

	/** Sets {@link #tunnels()} and {@link #accepted()} back to zero and forgets the targets. */
	void resetCounters();

	/** Closes the listener and every open connection and stops every thread of the proxy. */
	@Override
	void close();

}
