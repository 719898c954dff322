package io.cryptofeed.proxy.testkit.real;

import java.time.Duration;

/**
 * A real proxy server running as a separate process on loopback addresses, stopped by
 * {@link #close()}.
 */
public interface RealProxy extends AutoCloseable {

	/** The loopback address the proxy listens on. */
	String host();

	/** The free port picked for the proxy. */
	int port();

	/**
	 * The loopback address the proxy's connections to targets come from; those to a target of
	 * the other address family (IPv4 from an IPv6 egress address) come from {@code 127.0.0.1}
	 * or {@code ::1}.
	 */
	String egressAddress();

	/** The proxy's URL, with percent-encoded credentials when it requires them. */
	String url();

	/** What the process printed so far, for diagnostics. */
	String output();

	/**
	 * CPU time (user and system) the proxy's processes have used so far, its live child
	 * processes included: what it costs to relay a load, since it runs outside the JVM.
	 * Zero where the system does not report it.
	 */
	Duration cpuTime();

	/**
	 * Stops the process with SIGSTOP: it keeps its port, the kernel still completes TCP
	 * handshakes, but nothing ever answers. A plain TCP check calls it healthy.
	 */
	void pause();

	/** Continues a paused process with SIGCONT. */
	void resume();

	/** Stops the process and deletes its files. */
	@Override
	void close();

}
