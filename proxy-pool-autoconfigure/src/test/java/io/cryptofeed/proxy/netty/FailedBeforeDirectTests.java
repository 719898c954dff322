package io.cryptofeed.proxy.netty;

import java.time.Clock;
import java.util.List;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyOutcomes;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which errors of a direct try that a failed proxy led to are told of that proxy. */
class FailedBeforeDirectTests {

	private static final List<String> FAILURES = List.of("socks5://feed:****@127.0.0.1:1080 -> Connection refused");

	/** A stackless error may be one instance every connection gets: it must not carry this one's proxies. */
	@Test
	void aStacklessErrorThatMayBeSharedIsLeftAlone() {
		// as Reactor Netty's PrematureCloseException constants are made: no stack, suppression on
		Exception shared = new Exception("Connection has been closed BEFORE response") {

			@Override
			public synchronized Throwable fillInStackTrace() {
				return this;
			}

		};
		FailedBeforeDirect.addTo(shared, FAILURES);
		assertThat(shared.getSuppressed()).isEmpty();
	}

	/**
	 * The pools' response timeout (a WebSocket's direct handshake timeout) has no stack trace
	 * either, but is made for one request: it names the proxy that failed before.
	 */
	@Test
	void theTimeoutThePoolsMadeForThisRequestNamesTheProxyThatFailedBefore() {
		ConnectAttempt attempt = new ConnectAttempt("okx", ConnectionType.WEBSOCKET, ProxyOutcomes.NONE,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()), () -> false);
		ReadTimeoutException timeout = ResponseTimedOut.readTimeout(300_000_000L, attempt);
		FailedBeforeDirect.addTo(timeout, FAILURES);
		assertThat(timeout.getSuppressed()).extracting(Throwable::getMessage)
			.contains("went direct after [socks5://feed:****@127.0.0.1:1080 -> Connection refused]");
	}

	/** Netty's shared timeout takes nothing, whatever the pools would add to it. */
	@Test
	void nettysSharedTimeoutIsLeftAlone() {
		FailedBeforeDirect.addTo(ReadTimeoutException.INSTANCE, FAILURES);
		assertThat(ReadTimeoutException.INSTANCE.getSuppressed()).isEmpty();
	}

}
