package io.cryptofeed.proxy.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * A behaviour of a {@link TestProxy}, switched at runtime to simulate a broken proxy.
 * Only {@link Kind#DELAY} carries a duration.
 */
public final class Fault {

	/** Works normally. */
	public static final Fault NONE = new Fault(Kind.NONE, Duration.ZERO);

	/** Refuses connections: the listening socket is closed, so the kernel answers with RST. */
	public static final Fault REFUSE = new Fault(Kind.REFUSE, Duration.ZERO);

	/** Accepts and reads the handshake, then never answers until the client or the proxy closes. */
	public static final Fault HANG = new Fault(Kind.HANG, Duration.ZERO);

	/**
	 * Reads the handshake and holds its answer until the proxy gets another fault, then answers
	 * as with {@link #NONE}: a proxy that answers late, at the moment the test chooses, with no
	 * clock for a busy machine to outrun (unlike {@link #delay(Duration)}). A {@link #CRASH}
	 * resets the held clients before it lets their handshakes go on, so these count no tunnel,
	 * and a {@link #FREEZE} goes on holding them.
	 */
	public static final Fault HOLD = new Fault(Kind.HOLD, Duration.ZERO);

	/** Aborts the connection with a TCP RST (SO_LINGER 0) in the middle of the handshake, beneath TLS if the proxy speaks it. */
	public static final Fault RESET = new Fault(Kind.RESET, Duration.ZERO);

	/** HTTP proxy only: answers the CONNECT with 407 Proxy Authentication Required. */
	public static final Fault STATUS_407 = new Fault(Kind.STATUS_407, Duration.ZERO);

	/** HTTP proxy only: answers the CONNECT with 500 Internal Server Error. */
	public static final Fault STATUS_500 = new Fault(Kind.STATUS_500, Duration.ZERO);

	/** SOCKS5 proxy only: rejects any credentials with RFC 1929 status 0x01 and closes. */
	public static final Fault AUTH_FAIL = new Fault(Kind.AUTH_FAIL, Duration.ZERO);

	/**
	 * Completes the handshake, so that the client sees its tunnel up, then carries nothing
	 * through it in either direction until the client or the proxy closes: a proxy that stalls
	 * once its tunnel is up (a TLS handshake through it never completes, a request is never
	 * answered).
	 */
	public static final Fault STALL = new Fault(Kind.STALL, Duration.ZERO);

	/**
	 * Freezes the proxy, as a stopped process or a machine cut off from the network would: new
	 * connections are accepted and never answered, and the tunnels already open carry nothing
	 * more in either direction and stay open. With {@link #CRASH}, the only fault that reaches
	 * open tunnels: what they read while frozen is passed on once the proxy gets another fault
	 * or {@link #NONE}.
	 */
	public static final Fault FREEZE = new Fault(Kind.FREEZE, Duration.ZERO);

	/**
	 * Crashes the proxy, as a proxy process that died: every connection it has open, its
	 * tunnels included, is aborted with a TCP RST, and new connections are refused, since the
	 * listener is closed. Any other fault, {@link #NONE} say, brings it back on the same port, as
	 * a restarted process; the counters go on across the crash.
	 */
	public static final Fault CRASH = new Fault(Kind.CRASH, Duration.ZERO);

	private final Kind kind;

	private final Duration delay;

	private Fault(Kind kind, Duration delay) {
		this.kind = kind;
		this.delay = delay;
	}

	/**
	 * Answers the handshake only after the given delay, then works normally.
	 * @param delay how long to hold the first answer back, zero or positive
	 * @return the fault
	 */
	public static Fault delay(Duration delay) {
		Objects.requireNonNull(delay, "delay");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative: " + delay);
		}
		return new Fault(Kind.DELAY, delay);
	}

	/** Which behaviour this is. */
	public Kind kind() {
		return this.kind;
	}

	/** The delay of a {@link Kind#DELAY} fault, zero for every other kind. */
	public Duration delay() {
		return this.delay;
	}

	@Override
	public boolean equals(Object other) {
		return (this == other) || (other instanceof Fault that && this.kind == that.kind
				&& this.delay.equals(that.delay));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.kind, this.delay);
	}

	@Override
	public String toString() {
		return (this.kind == Kind.DELAY) ? "DELAY(" + this.delay + ")" : this.kind.name();
	}

	/** The kinds of behaviour a {@link Fault} can select. */
	public enum Kind {

		NONE, REFUSE, HANG, DELAY, HOLD, RESET, STATUS_407, STATUS_500, AUTH_FAIL, STALL, FREEZE, CRASH

	}

}
