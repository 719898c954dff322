package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.ProxyEndpoint;

/**
 * What a {@link ProxySource} chose for one connect: a proxy of its own (with what to do when
 * it fails), the embedded pools, a direct connection, or failing the connection.
 */
public final class ProxyChoice {

	private static final ProxyChoice EMBEDDED = new ProxyChoice(Kind.EMBEDDED, null, null, null, null);

	private static final ProxyChoice DIRECT = new ProxyChoice(Kind.DIRECT, null, null, null, null);

	private final Kind kind;

	private final ProxyEndpoint endpoint;

	private final ProxyChoice fallback;

	private final Feedback feedback;

	private final Supplier<? extends Exception> refusal;

	private ProxyChoice(Kind kind, ProxyEndpoint endpoint, ProxyChoice fallback, Feedback feedback,
			Supplier<? extends Exception> refusal) {
		this.kind = kind;
		this.endpoint = endpoint;
		this.fallback = fallback;
		this.feedback = feedback;
		this.refusal = refusal;
	}

	/**
	 * Connect through this proxy.
	 * @param fallback what a further attempt uses when connecting through it fails: embedded,
	 * direct or refused, never another proxy
	 * @param feedback hears whether the connect worked
	 */
	public static ProxyChoice proxy(ProxyEndpoint endpoint, ProxyChoice fallback, Feedback feedback) {
		Objects.requireNonNull(endpoint, "endpoint");
		Objects.requireNonNull(feedback, "feedback");
		if (fallback.kind == Kind.PROXY) {
			throw new IllegalArgumentException("the fallback of a proxy cannot be another proxy");
		}
		return new ProxyChoice(Kind.PROXY, endpoint, fallback, feedback, null);
	}

	/** Let the embedded pools choose, as if there were no source (which may mean direct by configuration). */
	public static ProxyChoice embedded() {
		return EMBEDDED;
	}

	/** Connect without a proxy. */
	public static ProxyChoice direct() {
		return DIRECT;
	}

	/**
	 * Fail the connection with a new error from the supplier, which should name the exchange,
	 * the connection type and the cause.
	 */
	public static ProxyChoice refuse(Supplier<? extends Exception> error) {
		return new ProxyChoice(Kind.REFUSED, null, null, null, Objects.requireNonNull(error, "error"));
	}

	public Kind kind() {
		return this.kind;
	}

	/** The proxy, for {@link Kind#PROXY}. */
	public ProxyEndpoint endpoint() {
		return this.endpoint;
	}

	/** What a further attempt uses after the proxy failed, for {@link Kind#PROXY}. */
	public ProxyChoice fallback() {
		return this.fallback;
	}

	Feedback feedback() {
		return this.feedback;
	}

	/** A new error for each connection it fails: Reactor adds suppressed exceptions to what it delivers. */
	Exception refusal() {
		return this.refusal.get();
	}

	@Override
	public String toString() {
		return (this.kind == Kind.PROXY) ? "proxy " + this.endpoint + " else " + this.fallback
				: this.kind.name().toLowerCase(Locale.ROOT);
	}

	/** The kinds of choice. */
	public enum Kind {

		/** A proxy named by the source. */
		PROXY,

		/** The embedded pools decide. */
		EMBEDDED,

		/** No proxy. */
		DIRECT,

		/** The connection fails. */
		REFUSED

	}

	/** Hears how connecting through a chosen proxy went. Called on an event loop: must not block. */
	public interface Feedback {

		/**
		 * A new tunnel through the proxy is up: told once the exchange answered through it.
		 * @param elapsed from the start of the try until its request was sent (a WebSocket's
		 * opening handshake prepared): connecting, without the wait for the answer
		 */
		void connected(Duration elapsed);

		/** Connecting through the proxy failed, or its tunnel stalled. */
		void failed(Duration elapsed, Throwable cause);

		/**
		 * The exchange answered through the proxy with a status of its
		 * {@code rate-limit.statuses}: it limits, bans or refuses the proxy's address. Told for
		 * every such answer, through a new tunnel or a pooled one, so a burst of requests tells
		 * it many times at once.
		 * @param elapsed as for {@link #connected}, for the try that got the answer
		 * @param status the exchange's status
		 * @param retryAfter the answer's {@code Retry-After} header as it came, or {@code null}
		 */
		default void rateLimited(Duration elapsed, int status, String retryAfter) {
		}

		/**
		 * After {@link #failed}, a further attempt of the same connection uses the choice's
		 * {@link ProxyChoice#fallback() fallback}: called once per connection, and never when
		 * no attempt follows the failure.
		 */
		default void fallingBack() {
		}

	}

}
