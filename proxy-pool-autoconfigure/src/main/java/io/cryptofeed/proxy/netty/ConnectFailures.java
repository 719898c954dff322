package io.cryptofeed.proxy.netty;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.netty.http.client.PrematureCloseException;

/** Tells which errors mean a proxy failed, and whether the request may have reached the target. */
final class ConnectFailures {

	private ConnectFailures() {
	}

	/**
	 * The connection never got through the proxy: refused, TCP or handshake timeout,
	 * handshake rejected (407, 5xx, SOCKS auth), the proxy's name did not resolve, or the TLS
	 * handshake through its tunnel timed out (a proxy that stalls once its tunnel is up).
	 * Nothing of the request was sent to the target, so another member may carry it.
	 */
	static boolean beforeTunnel(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t instanceof ConnectException || t instanceof UnknownHostException
					|| t instanceof SslHandshakeTimeoutException) {
				return !(t instanceof ProxyConnectFailedException);
			}
		}
		return false;
	}

	/**
	 * The TLS handshake with the target through the tunnel did not finish in time: the proxy
	 * stalls after its handshake, or the target is that slow.
	 */
	static boolean tlsHandshakeStalled(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t instanceof SslHandshakeTimeoutException) {
				return true;
			}
		}
		return false;
	}

	/** No answer came within the response timeout: the proxy stalls, or the exchange is that slow. */
	static boolean responseTimedOut(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t instanceof ReadTimeoutException || t instanceof TimeoutException) {
				return true;
			}
		}
		return false;
	}

	/** The tunnel was up but then stalled or closed without an answer. */
	static boolean afterTunnel(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t instanceof ReadTimeoutException || t instanceof PrematureCloseException
					|| t instanceof TimeoutException) {
				return true;
			}
		}
		return false;
	}

}
