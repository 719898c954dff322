package io.cryptofeed.proxy.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.testkit.ProxyCertificate;
import io.cryptofeed.proxy.testkit.TestProxiesExtension;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Members on IPv6 addresses and IPv6-literal targets, on {@code ::1}: the URL's bracketed
 * address is connected to without a lookup and shown with its brackets, and each kind asks
 * its proxy for an IPv6 target as its protocol writes one (a bracketed CONNECT authority,
 * SOCKS5 address type 4). Skipped, in CI too, on a machine whose loopback has no IPv6: that
 * is the machine's network, not a missing tool.
 */
class Ipv6ThroughPoolTests {

	@RegisterExtension
	static final TestProxiesExtension proxies = new TestProxiesExtension();

	@BeforeAll
	static void ipv6Loopback() {
		assumeTrue(canBind(), "no IPv6 loopback (::1) on this machine");
	}

	@ParameterizedTest
	@ValueSource(strings = { "http", "https", "socks5" })
	void anIpv6MemberCarriesIpv4AndIpv6TargetsAndIsShownInBrackets(String kind) {
		TargetServer v4 = proxies.manage(TargetServer.start("127.0.0.1"));
		TargetServer v6 = proxies.manage(TargetServer.start("::1"));
		boolean connect = !kind.equals("socks5");
		TestProxy proxy = switch (kind) {
			case "http" -> proxies.httpBuilder().bindAddress("::1").start();
			// its certificate names ::1: checked against the bracketed address of the URL
			case "https" -> proxies.httpBuilder().bindAddress("::1").tls().start();
			default -> proxies.socks5Builder().bindAddress("::1").credentials("feed", "v6-secret").start();
		};
		String url = connect ? kind + "://[::1]:" + proxy.port() : "socks5://feed:v6-secret@[::1]:" + proxy.port();
		// no health checks: an http member's asks its proxy for localhost:1, which would count as a target
		TransportTestSupport.runner()
			.withPropertyValues("cryptofeed.proxy.default.http.url=" + url,
					"cryptofeed.proxy.default.http.health-check.enabled=false",
					"spring.ssl.bundle.pem.proxies.truststore.certificate=classpath:" + ProxyCertificate.CERTIFICATE,
					"cryptofeed.proxy.proxy-tls.bundle=proxies")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				assertThat(whoami(client, "http://[::1]:" + v6.port())).isEqualTo("0:0:0:0:0:0:0:1");
				assertThat(whoami(client, v4.baseUrl())).isEqualTo("127.0.0.1");
				assertThat(context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow().members())
					.extracting((member) -> member.endpoint().toString())
					.containsExactly(connect ? url : "socks5://***@[::1]:" + proxy.port());
			});
		// a CONNECT authority brackets the address; SOCKS5 sends its 16 bytes (address type 4)
		String v6Target = connect ? "[::1]:" + v6.port() : "0:0:0:0:0:0:0:1:" + v6.port();
		assertThat(proxy.requestedTargets()).containsExactly(v6Target, "127.0.0.1:" + v4.port());
	}

	private static String whoami(WebClient client, String baseUrl) {
		return client.get().uri(baseUrl + "/whoami").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
	}

	private static boolean canBind() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
