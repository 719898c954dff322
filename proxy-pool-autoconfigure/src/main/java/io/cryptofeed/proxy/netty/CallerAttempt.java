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
	 * Runs the call as a try of the attempt, whose first connect on this thread takes it (see
	 * {@link ConnectAttempt#takeTry}), and restores what was there before (a pooled call made
	 * within another's, by an interceptor of the application's). Cleared by setting, not
	 * removed: a thread that sends request after request keeps its entry, where removing it
	 * would have each request's set sweep the thread's map.
	 */
	static <T> T with(ConnectAttempt attempt, BlockingCall<T> call) throws IOException {
		ConnectAttempt outer = CURRENT.get();
		attempt.openTry();
		CURRENT.set(attempt);
		try {
			return call.run();
		}
		finally {
			CURRENT.set(outer);
		}
	}

	/**
	 * The attempt of the call under way on this thread, if any. Its try goes to the first
	 * connect; a later one within the same call (an interceptor of the application's sends the
	 * request again) reads only its exchange.
	 */
	static ConnectAttempt current() {
		return CURRENT.get();
	}

	@FunctionalInterface
	interface BlockingCall<T> {

		T run() throws IOException;

	}

}
