package io.cryptofeed.proxy.netty;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.concurrent.RejectedExecutionException;

import io.cryptofeed.proxy.core.NoProxyAvailableException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;

/**
 * Tells which errors mean a proxy failed, and whether the request may have reached the target.
 * Public for the health probes (package {@code health.probe}), which try a proxy name's next
 * address as connects do, not for applications.
 */
public final class ConnectFailures {

	private ConnectFailures() {
	}

	/**
	 * The connection never got through the proxy: refused, no route to the proxy's machine
	 * (which Netty reports as no {@link ConnectException}), TCP or handshake timeout,
	 * handshake rejected (407, 5xx, SOCKS auth), the proxy's name did not resolve, or the TLS
	 * handshake through its tunnel timed out (a proxy that stalls once its tunnel is up).
	 * Nothing of the request was sent to the target, so another member may carry it.
	 */
	static boolean beforeTunnel(Throwable error) {
		Throwable cause = firstOf(error, ConnectException.class, NoRouteToHostException.class,
				UnknownHostException.class, SslHandshakeTimeoutException.class);
		return cause != null && !(cause instanceof ProxyConnectFailedException);
	}

	/**
	 * The TCP connect to the proxy was refused, or found no route: at once, before any
	 * handshake, so another address of the proxy may be tried within the connect's time. Not a
	 * connect timeout, nor a handshake the proxy rejected (both {@link ConnectException}s too).
	 */
	public static boolean refusedTcpConnect(Throwable error) {
		Throwable cause = firstOf(error, ConnectException.class, NoRouteToHostException.class,
				ProxyConnectFailedException.class);
		return cause != null && !(cause instanceof ProxyConnectFailedException)
				&& !(cause instanceof ProxyConnectException) && !(cause instanceof ConnectTimeoutException);
	}

	/**
	 * The connect was refused by event loops that are shut down ("event executor terminated"):
	 * the application's, between a context's stop and its next start, or after its close.
	 */
	static boolean loopsShutDown(Throwable error) {
		return firstOf(error, RejectedExecutionException.class) != null;
	}

	/**
	 * The caller's thread was interrupted while it waited: Spring's I/O error of a blocking
	 * call carries the {@code InterruptedException} as its cause, with no message of its own.
	 */
	static boolean interrupted(Throwable error) {
		return firstOf(error, InterruptedException.class) != null;
	}

	/**
	 * The TLS handshake with the target through the tunnel, or the answer to a request, did not
	 * come in time: the proxy stalls, or the target is that slow.
	 */
	static boolean stalled(Throwable error) {
		return firstOf(error, SslHandshakeTimeoutException.class) != null || responseTimedOut(error);
	}

	/** The tunnel was up but then stalled, or closed or was reset without an answer. */
	static boolean afterTunnel(Throwable error) {
		return responseTimedOut(error) || firstOf(error, PrematureCloseException.class) != null
				|| closedBeforeHandshakeAnswer(error) || resetAfterConnect(error);
	}

	/**
	 * A WebSocket opening handshake whose connection closed before its answer: Reactor Netty
	 * reports that as a handshake exception without a response, where a request gets a
	 * {@link PrematureCloseException}. Told by its wording from the handshake exceptions of
	 * WebSocket over HTTP/2, which have no response either and are no proxy's doing.
	 */
	private static boolean closedBeforeHandshakeAnswer(Throwable error) {
		Throwable handshake = firstOf(error, WebSocketClientHandshakeException.class);
		return handshake != null && ((WebSocketClientHandshakeException) handshake).response() == null
				&& handshake.getMessage() != null && handshake.getMessage().startsWith("Connection prematurely closed");
	}

	/**
	 * The tunnel was reset (a TCP RST), as a proxy that crashes aborts its tunnels: Netty reports
	 * it as the read's I/O error, not as a premature close. A reset while connecting is no
	 * such thing: Netty wraps it in a {@link ConnectException}. Read by errno on the native
	 * transports (whose error text the C library may translate), by the JDK's wording on NIO;
	 * a write that meets the reset first ({@code EPIPE}) is not recognised.
	 */
	private static boolean resetAfterConnect(Throwable error) {
		if (firstOf(error, ConnectException.class) != null) {
			return false;
		}
		for (Throwable t = error; t != null; t = t.getCause()) {
			if ((t instanceof Errors.NativeIoException nativeError
					&& nativeError.expectedErr() == Errors.ERRNO_ECONNRESET_NEGATIVE)
					|| (t instanceof SocketException && t.getMessage() != null
							&& t.getMessage().startsWith("Connection reset"))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The selection of the next member found none left to try (the others set aside, resting
	 * or drained), as the error or one of its causes; {@code null} when it is no such error.
	 */
	static NoProxyAvailableException noMemberLeft(Throwable error) {
		return (NoProxyAvailableException) firstOf(error, NoProxyAvailableException.class);
	}

	/**
	 * No connection through the member was free: the connection provider's pending-acquire
	 * queue was full, or the wait for a connection ran out. Nothing reached the proxy, so it
	 * is no failure of the member's.
	 */
	static boolean poolExhausted(Throwable error) {
		return firstOf(error, PoolAcquireTimeoutException.class, PoolAcquirePendingLimitException.class,
				ProxyConnectionsExhaustedException.class) != null;
	}

	/**
	 * No answer came within the pools' response timeout, or the pools cut the request through a
	 * member that failed: the proxy stalls, or the exchange is that slow. A timeout of the
	 * application's own (Boot's read-timeout or a responseTimeout on its HttpClient, which raise
	 * Reactor Netty's shared ReadTimeoutException; a filter's {@code timeout(...)}) is the
	 * caller's deadline, not a stall: the pools' own timeout tells stalls, and a target slower
	 * than the caller's patience says nothing of the proxy.
	 */
	private static boolean responseTimedOut(Throwable error) {
		Throwable timeout = firstOf(error, ReadTimeoutException.class, ProxyStalledException.class);
		return timeout instanceof ProxyStalledException || (timeout != null && ResponseTimedOut.madeFor(timeout));
	}

	/** The error or the first of its causes that is one of the kinds, or {@code null}. */
	@SafeVarargs
	private static Throwable firstOf(Throwable error, Class<? extends Throwable>... kinds) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			for (Class<? extends Throwable> kind : kinds) {
				if (kind.isInstance(t)) {
					return t;
				}
			}
		}
		return null;
	}

}
