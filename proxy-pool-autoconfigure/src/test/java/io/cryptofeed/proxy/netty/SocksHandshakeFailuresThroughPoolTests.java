package io.cryptofeed.proxy.netty;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.TestProxiesExtension;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * SOCKS handshakes that a proxy ends without a tunnel, in the ways the kit's proxies do not:
 * a SOCKS5 proxy that accepts none of the offered methods, a SOCKS4 proxy that rejects the
 * request, a SOCKS5 proxy that closes after the greeting. Each is a failed connect of the
 * member: the request goes through the other member, the breaker of the one that failed
 * counts it, and a request with no other member left names it, credentials masked.
 */
class SocksHandshakeFailuresThroughPoolTests {

	private static final String PASSWORD = "handshake-secret";

	@RegisterExtension
	static final TestProxiesExtension proxies = new TestProxiesExtension();

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "no acceptable SOCKS5 method, socks5, 05ff", "SOCKS4 request rejected, socks4, 005b000000000000",
			"SOCKS5 closed after the greeting, socks5, ''" })
	void aHandshakeEndedWithoutATunnelFailsOverAndCountsAgainstTheMember(String name, String scheme, String answer)
			throws IOException {
		TargetServer target = proxies.manage(TargetServer.start("127.0.0.1"));
		try (ServerSocket failing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			Thread answering = new Thread(() -> answerEachAndClose(failing, HexFormat.of().parseHex(answer)));
			answering.setDaemon(true);
			answering.start();
			String credentials = scheme.equals("socks4") ? "feed" : "feed:" + PASSWORD;
			String failingUrl = scheme + "://" + credentials + "@127.0.0.1:" + failing.getLocalPort();
			String workingUrl = proxies.httpBuilder().start().url();
			TransportTestSupport.runner()
				.withPropertyValues(TransportTestSupport.pool("default.http", failingUrl, workingUrl))
				.withPropertyValues("cryptofeed.proxy.default.http.health-check.enabled=false",
						"cryptofeed.proxy.default.http.strategy=round-robin",
						// one failure opens the breaker, whose move to half-open would clear the count
						"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=1m")
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					// round robin starts anywhere: one request at least starts with the failing member
					for (int i = 0; i < 2; i++) {
						assertThat(whoami(client, target)).isEqualTo("127.0.0.1");
					}
					PoolMember failed = context.getBean(ProxyPools.class)
						.resolve(null, ConnectionType.HTTP)
						.orElseThrow()
						.members()
						.get(0);
					MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
					await().atMost(Duration.ofSeconds(5))
						.untilAsserted(() -> assertThat(breakers.breakerOf(failed).getMetrics().getNumberOfFailedCalls())
							.isPositive());
				});
			TransportTestSupport.runner()
				.withPropertyValues("cryptofeed.proxy.default.http.url=" + failingUrl,
						"cryptofeed.proxy.default.http.health-check.enabled=false")
				.run((context) -> {
					Throwable error = catchThrowable(
							() -> whoami(context.getBean(WebClient.Builder.class).build(), target));
					ProxyConnectFailedException failure = findFailure(error);
					assertThat(failure.failures()).singleElement()
						.asString()
						.startsWith(scheme + "://***@127.0.0.1:" + failing.getLocalPort() + " -> ")
						.doesNotContain("feed")
						.doesNotContain(PASSWORD);
				});
		}
	}

	private static ProxyConnectFailedException findFailure(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t instanceof ProxyConnectFailedException failure) {
				return failure;
			}
		}
		throw new AssertionError("no ProxyConnectFailedException in " + error);
	}

	private static String whoami(WebClient client, TargetServer target) {
		return client.get()
			.uri(target.baseUrl() + "/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	/** Reads the client's first message, answers it with the bytes given (none: closes at once), and closes. */
	private static void answerEachAndClose(ServerSocket listener, byte[] answer) {
		while (!listener.isClosed()) {
			try (Socket client = listener.accept()) {
				InputStream in = client.getInputStream();
				byte[] first = new byte[512];
				if (in.read(first) > 0 && answer.length > 0) {
					client.getOutputStream().write(answer);
					client.getOutputStream().flush();
				}
			}
			catch (IOException ex) {
				// the listener closed at the end of the test, or the client went away
			}
		}
	}

}
