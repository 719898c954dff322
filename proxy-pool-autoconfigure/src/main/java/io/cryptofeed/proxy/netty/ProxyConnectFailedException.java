package io.cryptofeed.proxy.netty;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.LogText;
import io.cryptofeed.proxy.core.ProxyUrls;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Every member tried for one connection failed. The message names the exchange, the
 * connection type and each member (credentials masked) with its cause.
 */
public class ProxyConnectFailedException extends ConnectException {

	/** What a proxy or a tunnel does to a connection; Netty's proxy exceptions are ConnectExceptions. */
	private static final List<Class<? extends Throwable>> TELLING = List.of(ConnectException.class,
			UnknownHostException.class, SslHandshakeTimeoutException.class, ReadTimeoutException.class,
			TimeoutException.class, PrematureCloseException.class);

	private final String exchange;

	private final ConnectionType type;

	private final List<String> failures;

	ProxyConnectFailedException(String exchange, ConnectionType type, List<String> failures, Throwable last) {
		super("no proxy could connect: exchange=" + ((exchange != null) ? LogText.oneLine(exchange) : "(default)") + " type=" + type
				+ " tried=" + failures.size() + " " + failures);
		this.exchange = exchange;
		this.type = type;
		this.failures = List.copyOf(failures);
		initCause(last);
	}

	public String exchange() {
		return this.exchange;
	}

	public ConnectionType type() {
		return this.type;
	}

	/** One entry per member tried: masked proxy URL, then its cause. */
	public List<String> failures() {
		return this.failures;
	}

	/**
	 * The exception's type and message, with anything URL-like masked. The first error in the
	 * chain that says what the proxy or the tunnel did (refused, timed out, answered 407,
	 * closed) is named, since wrappers do not: the TLS handler of an https target fails its
	 * first write with an {@code SSLException} of its own when the proxy fails the connect. Else
	 * a wrapper that only repeats its cause's message, or has none, is looked through. How
	 * {@link #failures()} and the proxy service's feedback name a cause. Public for that
	 * feedback (package {@code service}), not for applications.
	 */
	public static String describe(Throwable error) {
		Throwable cause = firstTelling(error);
		if (cause == null) {
			cause = error;
			while (cause.getCause() != null && cause.getCause() != cause && (cause.getMessage() == null
					|| cause.getMessage().equals(cause.getCause().getMessage()))) {
				cause = cause.getCause();
			}
		}
		// Netty quotes proxy and target addresses, never URLs with user info; masked defensively anyway
		return ProxyUrls.maskedSummary(cause);
	}

	private static Throwable firstTelling(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			for (Class<? extends Throwable> kind : TELLING) {
				if (kind.isInstance(t)) {
					return t;
				}
			}
		}
		return null;
	}

}
