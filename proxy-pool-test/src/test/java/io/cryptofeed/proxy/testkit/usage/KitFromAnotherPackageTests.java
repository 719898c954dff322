package io.cryptofeed.proxy.testkit.usage;

import java.util.List;

import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxiesExtension;
import io.cryptofeed.proxy.testkit.real.Microsocks;
import io.cryptofeed.proxy.testkit.real.RealProxies;
import io.cryptofeed.proxy.testkit.real.Tinyproxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit as an application's tests use it, from a package of their own: proxies of different
 * kinds in one list, as a pool's members are written, with the type the compiler infers for it.
 */
class KitFromAnotherPackageTests {

	@RegisterExtension
	static final TestProxiesExtension proxies = new TestProxiesExtension();

	@Test
	void inJvmProxiesOfBothKindsGoInOneList() {
		HttpConnectProxy http = proxies.http();
		Socks5Proxy socks5 = proxies.socks5();

		assertThat(List.of(http, socks5).stream().map((proxy) -> proxy.url()).toList())
			.containsExactly(http.url(), socks5.url());
	}

	@Test
	void realProxiesOfBothKindsGoInOneList() {
		RealProxies.require(RealProxies.TINYPROXY);
		RealProxies.require(RealProxies.MICROSOCKS);
		Tinyproxy tinyproxy = proxies.manage(Tinyproxy.builder().start());
		Microsocks microsocks = proxies.manage(Microsocks.builder().credentials("user", "pass").start());

		assertThat(List.of(tinyproxy, microsocks).stream().map((proxy) -> proxy.url()).toList())
			.containsExactly(tinyproxy.url(), microsocks.url());
	}

}
