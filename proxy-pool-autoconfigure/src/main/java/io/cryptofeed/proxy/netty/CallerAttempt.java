package io.cryptofeed.proxy.netty;

import java.io.IOException;

/**
 * Hands a blocking request's attempt to its connect. Spring's
 * {@code ReactorClientHttpRequestFactory} offers no Reactor context to carry it in, but it
 * subscribes to the connect on the caller's thread, within the call: the connect takes the
 * attempt from there (see {@link ProxyPoolHttpClients#apply}).
 */
final class CallerAttempt {

	private static final ThreadLocal<ConnectAttempt> CURRENT = new ThreadLocal<>();

	private CallerAttempt() {
	}

	/**
	 * Runs the call with the attempt waiting for the first connect on this thread, and
	 * restores what waited before (a pooled call made within another's, by an interceptor of
	 * the application's). Cleared by setting, not removed: a thread that sends request after
	 * request keeps its entry, where removing it would have each request's set sweep the
	 * thread's map.
	 */
	static <T> T with(ConnectAttempt attempt, BlockingCall<T> call) throws IOException {
		ConnectAttempt outer = CURRENT.get();
		CURRENT.set(attempt);
		try {
			return call.run();
		}
		finally {
			CURRENT.set(outer);
		}
	}

	/** The attempt waiting on this thread, if any; taken, so that no other connect gets it. */
	static ConnectAttempt take() {
		ConnectAttempt attempt = CURRENT.get();
		if (attempt != null) {
			CURRENT.set(null);
		}
		return attempt;
	}

	@FunctionalInterface
	interface BlockingCall<T> {

		T run() throws IOException;

	}

}
