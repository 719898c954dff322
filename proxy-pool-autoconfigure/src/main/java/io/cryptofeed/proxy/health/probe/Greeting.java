package io.cryptofeed.proxy.health.probe;

import java.util.Objects;

import io.cryptofeed.proxy.core.ProxyEndpoint;

/**
 * One short conversation in a proxy's own protocol that only a running proxy process can
 * complete. Stateful: a new instance for every check.
 */
interface Greeting {

	/** The greeting for the endpoint's scheme, with its credentials. */
	static Greeting of(ProxyEndpoint endpoint) {
		return switch (endpoint.scheme()) {
			case HTTP, HTTPS -> new HttpConnectGreeting(endpoint);
			case SOCKS5 -> new Socks5Greeting(endpoint);
			case SOCKS4 -> new Socks4Greeting(endpoint);
		};
	}

	/** The bytes to send as soon as the connection is open. */
	byte[] opening();

	/** Takes the next bytes from the proxy and says what happens next. */
	Step receive(byte[] bytes);

	/** What a greeting wants after some bytes arrived. */
	final class Step {

		private static final Step MORE = new Step(Kind.MORE, null, null);

		private static final Step ALIVE = new Step(Kind.ALIVE, null, null);

		private final Kind kind;

		private final byte[] reply;

		private final String failure;

		private Step(Kind kind, byte[] reply, String failure) {
			this.kind = kind;
			this.reply = reply;
			this.failure = failure;
		}

		/** The answer is not complete yet: wait for more bytes. */
		static Step more() {
			return MORE;
		}

		/** The proxy answered as only a running proxy does: the check passes. */
		static Step alive() {
			return ALIVE;
		}

		/** Send these bytes, then wait for the answer. */
		static Step send(byte[] reply) {
			return new Step(Kind.SEND, Objects.requireNonNull(reply, "reply"), null);
		}

		/**
		 * The check fails.
		 * @param failure what the proxy did, as a predicate following its name, for example
		 * {@code "rejected the credentials (HTTP 407)"}; never containing credentials
		 */
		static Step fail(String failure) {
			return new Step(Kind.FAIL, null, Objects.requireNonNull(failure, "failure"));
		}

		Kind kind() {
			return this.kind;
		}

		/** The bytes to send for {@link Kind#SEND}. */
		byte[] reply() {
			return this.reply;
		}

		/** What failed for {@link Kind#FAIL}. */
		String failure() {
			return this.failure;
		}

		@Override
		public String toString() {
			return (this.kind == Kind.FAIL) ? "FAIL(" + this.failure + ")" : this.kind.name();
		}

		enum Kind {

			MORE, ALIVE, SEND, FAIL

		}

	}

}
