package io.cryptofeed.sample.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntFunction;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.TestProxyBuilder;
import io.cryptofeed.sample.activity.MemberTraffic;

/**
 * Everything the demo profile runs in-process, on loopback: the demo exchange and five
 * proxies from the proxy-pool test kit, two HTTP CONNECT (one over TLS) and three SOCKS5, three
 * of them with credentials (a random password per run, so none is committed and a leak would show).
 */
public final class DemoNetwork implements MemberTraffic, AutoCloseable {

	/** Loopback addresses the proxies connect to the exchange from, one each. */
	private static final List<String> EGRESS = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14",
			"127.0.0.15");

	private static final String USER = "feed";

	private final DemoExchange exchange;

	private final Map<String, DemoProxy> proxies;

	private final boolean distinctEgress;

	private DemoNetwork(DemoExchange exchange, Map<String, DemoProxy> proxies, boolean distinctEgress) {
		this.exchange = exchange;
		this.proxies = proxies;
		this.distinctEgress = distinctEgress;
	}

	/**
	 * Starts the exchange and the proxies. On systems where only {@code 127.0.0.1} is usable
	 * (macOS without loopback aliases) every proxy connects from it, and the exchange can no
	 * longer tell them apart.
	 */
	public static DemoNetwork start(DemoProperties.Exchange settings) {
		boolean distinct = EGRESS.stream().allMatch(DemoNetwork::bindable);
		IntFunction<String> egress = (i) -> distinct ? EGRESS.get(i) : "127.0.0.1";
		List<AutoCloseable> started = new ArrayList<>();
		try {
			DemoExchange exchange = new DemoExchange(settings);
			started.add(exchange);
			Map<String, DemoProxy> proxies = new LinkedHashMap<>();
			// spoken to over TLS (https://), with the test kit's certificate, which the demo trusts
			add(proxies, started, "alpha", egress.apply(0), HttpConnectProxy.builder().tls(), false);
			add(proxies, started, "bravo", egress.apply(1), HttpConnectProxy.builder(), true);
			add(proxies, started, "charlie", egress.apply(2), Socks5Proxy.builder(), true);
			add(proxies, started, "delta", egress.apply(3), Socks5Proxy.builder(), true);
			add(proxies, started, "echo", egress.apply(4), Socks5Proxy.builder(), false);
			return new DemoNetwork(exchange, proxies, distinct);
		}
		catch (RuntimeException ex) {
			started.forEach(DemoNetwork::closeQuietly);
			throw ex;
		}
	}

	private static <B extends TestProxyBuilder<B, P>, P extends TestProxy> void add(Map<String, DemoProxy> proxies,
			List<AutoCloseable> started, String name, String egress, B builder, boolean credentials) {
		if (credentials) {
			builder.credentials(USER, password());
		}
		P proxy = builder.egressAddress(egress).start();
		started.add(proxy);
		proxies.put(name, new DemoProxy(name, proxy, egress));
	}

	/** The properties the demo configuration refers to: the exchange's port and each proxy's URL. */
	public Map<String, Object> properties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("demo.exchange.port", this.exchange.port());
		this.proxies.forEach((name, proxy) -> properties.put("demo.proxies." + name + ".url", proxy.proxy().url()));
		return properties;
	}

	public int exchangePort() {
		return this.exchange.port();
	}

	/** The proxies by name, in start order. */
	public Map<String, DemoProxy> proxies() {
		return this.proxies;
	}

	/**
	 * The proxy by name.
	 * @throws IllegalArgumentException naming the proxies there are
	 */
	public DemoProxy proxy(String name) {
		DemoProxy proxy = this.proxies.get(name);
		if (proxy == null) {
			throw new IllegalArgumentException(
					"There is no demo proxy '" + name + "'; the demo proxies are " + this.proxies.keySet());
		}
		return proxy;
	}

	/** Whether every proxy connects from its own address, so the exchange can tell them apart. */
	public boolean hasDistinctEgress() {
		return this.distinctEgress;
	}

	@Override
	public OptionalLong carried(ProxyEndpoint endpoint, ConnectionType type) {
		if (!this.distinctEgress) {
			return OptionalLong.empty();
		}
		return find(endpoint).map((proxy) -> OptionalLong.of((type == ConnectionType.HTTP)
				? this.exchange.requestsFrom(proxy.egress()) : this.exchange.sessionsFrom(proxy.egress())))
			.orElse(OptionalLong.empty());
	}

	private Optional<DemoProxy> find(ProxyEndpoint endpoint) {
		return this.proxies.values()
			.stream()
			.filter((proxy) -> proxy.proxy().port() == endpoint.port() && proxy.proxy().host().equals(endpoint.host()))
			.findFirst();
	}

	@Override
	public void close() {
		this.proxies.values().forEach((proxy) -> closeQuietly(proxy.proxy()));
		closeQuietly(this.exchange);
	}

	private static boolean bindable(String address) {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(address, 0));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String password() {
		byte[] bytes = new byte[12];
		new SecureRandom().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	private static void closeQuietly(AutoCloseable part) {
		try {
			part.close();
		}
		catch (Exception ex) {
			// closing the rest matters more
		}
	}

}
