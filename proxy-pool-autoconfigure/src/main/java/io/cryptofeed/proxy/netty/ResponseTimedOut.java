package io.cryptofeed.proxy.netty;

import java.time.Duration;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.LogText;
import io.netty.handler.timeout.ReadTimeoutException;

/**
 * What a response timeout of the pools' ran out on: the timeout, the member (masked), the
 * exchange and the connection type. Netty's {@code ReadTimeoutException} has no message, and
 * its constructor that takes one trips an assertion of Netty's, so this rides along as its
 * suppressed exception: the timeout stays what callers catch, and where it stood in the cause
 * chain. The WebClient's and the blocking clients' errors take this message as theirs, and
 * one naming the carrier for a timeout of the client's own.
 */
final class ResponseTimedOut extends RuntimeException {

	ResponseTimedOut(String message) {
		// no stack trace: a timer on the event loop raises it, and its frames say nothing
		super(message, null, false, false);
	}

	/**
	 * A new timeout for one request, so that what it ran out on can ride along; that it does
	 * is also what tells the pools' timeout from one of the client's own ({@link #madeFor}).
	 */
	static ReadTimeoutException readTimeout(long timeoutNanos, ConnectAttempt attempt) {
		ReadTimeoutException timeout = new ReadTimeoutException();
		String timeoutText = Durations.format(Duration.ofNanos(timeoutNanos));
		timeout.addSuppressed(new ResponseTimedOut((attempt != null) ? "no answer within the response timeout of "
				+ timeoutText + " through " + attempt.carrier() + ": " + exchangeAndType(attempt)
				: "no answer within the response timeout of " + timeoutText));
		return timeout;
	}

	/**
	 * Whether the error is a timeout {@link #readTimeout} made for one request, which no other
	 * request shares, unlike Netty's own {@code ReadTimeoutException.INSTANCE}.
	 */
	static boolean madeFor(Throwable error) {
		if (error instanceof ReadTimeoutException) {
			for (Throwable suppressed : error.getSuppressed()) {
				if (suppressed instanceof ResponseTimedOut) {
					return true;
				}
			}
		}
		return false;
	}

	/** The request's exchange and connection type, as the errors of the pools name them. */
	static String exchangeAndType(ConnectAttempt attempt) {
		String exchange = attempt.routedExchange();
		return "exchange=" + ((exchange != null) ? LogText.oneLine(exchange) : "(default)") + " type=" + attempt.type();
	}

	/**
	 * What the response timeout in the error's cause chain ran out on, or {@code null}: a
	 * timeout of the pools' as it tells; one of the client's own (Boot's read-timeout, a
	 * responseTimeout set on its HttpClient), which tells nothing, as what carried the request.
	 */
	static String describe(Throwable error, ConnectAttempt attempt) {
		for (Throwable t = error; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (t instanceof ReadTimeoutException) {
				for (Throwable suppressed : t.getSuppressed()) {
					if (suppressed instanceof ResponseTimedOut described) {
						return described.getMessage();
					}
				}
				return "no answer within the client's own read or response timeout through " + attempt.carrier()
						+ ": " + exchangeAndType(attempt);
			}
		}
		return null;
	}

}
