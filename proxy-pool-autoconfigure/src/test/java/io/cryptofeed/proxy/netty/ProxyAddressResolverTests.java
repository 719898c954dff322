package io.cryptofeed.proxy.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.TestClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Proxy addresses: IP literals parsed without a lookup, and kept within a bound. */
class ProxyAddressResolverTests {

	private final ProxyAddressResolver resolver = new ProxyAddressResolver(Duration.ofMinutes(1), Clock.systemUTC());

	@Test
	void anIpLiteralIsReadyWithoutALookupAndKeptForTheNextConnect() {
		ProxyEndpoint endpoint = ProxyEndpoint.parse("socks5://feed:secret@10.0.0.7:1080");
		InetSocketAddress first = this.resolver.ready(endpoint);

		assertThat(first.isUnresolved()).isFalse();
		assertThat(first.getAddress().getHostAddress()).isEqualTo("10.0.0.7");
		assertThat(first.getPort()).isEqualTo(1080);
		assertThat(this.resolver.ready(endpoint)).isSameAs(first);
	}

	@Test
	void aNewUserForEverySessionDoesNotGrowTheKeptAddressesWithoutBound() {
		// a proxy service that hands out a user per session, on one IP-literal proxy
		for (int session = 0; session < ProxyAddressResolver.MAX_KEPT * 3; session++) {
			ProxyEndpoint endpoint = ProxyEndpoint.parse("socks5://session-" + session + ":secret@10.0.0.7:1080");
			assertThat(this.resolver.ready(endpoint).getAddress().getHostAddress()).isEqualTo("10.0.0.7");
		}

		assertThat(this.resolver.keptLiterals()).isEqualTo(ProxyAddressResolver.MAX_KEPT);
	}

	@Test
	void proxyHostNamesAreKeptWithinTheSameBoundAndExpiredOnesMakeRoom() {
		TestClock clock = new TestClock();
		ProxyAddressResolver names = new ProxyAddressResolver(Duration.ofMinutes(1), clock);
		InetAddress loopback = InetAddress.getLoopbackAddress();
		for (int i = 0; i < ProxyAddressResolver.MAX_KEPT + 10; i++) {
			names.keep("proxy-" + i + ".example", loopback);
		}
		assertThat(names.keptNames()).isEqualTo(ProxyAddressResolver.MAX_KEPT);
		assertThat(names.ready(ProxyEndpoint.parse("http://proxy-0.example:3128"))).isNotNull();
		ProxyEndpoint late = ProxyEndpoint.parse("http://late.example:3128");
		names.keep(late.host(), loopback);
		assertThat(names.ready(late)).as("no room yet").isNull();

		clock.advance(Duration.ofMinutes(1));
		names.keep(late.host(), loopback);
		assertThat(names.ready(late)).isNotNull();
		assertThat(names.keptNames()).isOne();
	}

}
