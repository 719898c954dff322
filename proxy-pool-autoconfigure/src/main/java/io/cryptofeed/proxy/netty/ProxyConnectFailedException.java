package io.cryptofeed.proxy.netty;

import java.net.ConnectException;
import java.util.List;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyUrls;

/**
 * Every member tried for one connection failed. The message names the exchange, the
 * connection type and each member (credentials masked) with its cause.
 */
public class ProxyConnectFailedException extends ConnectException {

	private final String exchange;

	private final ConnectionType type;

	private final List<String> failures;

	public ProxyConnectFailedException(String exchange, ConnectionType type, List<String> failures, Throwable last) {
		super("no proxy could connect: exchange=" + ((exchange != null) ? exchange : "(default)") + " type=" + type
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
	 * The exception's type and message, with anything URL-like masked. A wrapper that only
	 * repeats its cause's message (WebClient's request exception) is looked through, so the
	 * type named is the one that says what happened.
	 */
	static String describe(Throwable error) {
		Throwable cause = error;
		while (cause.getCause() != null && cause.getCause() != cause && cause.getMessage() != null
				&& cause.getMessage().equals(cause.getCause().getMessage())) {
			cause = cause.getCause();
		}
		String message = cause.getMessage();
		// Netty quotes proxy and target addresses, never URLs with user info; masked defensively anyway
		return cause.getClass().getSimpleName() + ((message != null) ? ": " + ProxyUrls.maskWords(message) : "");
	}

}
