package io.cryptofeed.proxy.benchmarks;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import io.cryptofeed.proxy.breaker.BreakerSettings;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.netty.ProxyPoolExchangeFilter;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.netty.ProxyTls;
import io.cryptofeed.proxy.netty.TransportSettings;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.ProxyCertificate;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.real.RealProxy;
import io.cryptofeed.proxy.testkit.real.Stunnel;
import io.cryptofeed.proxy.testkit.real.Tinyproxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.netty.handler.ssl.OpenSsl;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * What TLS to the proxies costs: the same pool of three of the test kit's in-JVM HTTP CONNECT
 * proxies, spoken to in plain text ({@code http://} members) and over TLS ({@code https://}
 * members), first on keep-alive connections (the usual case: a tunnel carries many requests,
 * and TLS adds only its record layer to each), then with a new tunnel for every request
 * ({@code Connection: close}), where each pays the TLS handshake with the proxy.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.cryptofeed.proxy.benchmarks.HttpsMembersRun}
 * for the test kit's in-JVM proxies (the JDK's TLS on both ends), or with the argument
 * {@code stunnel} for three tinyproxy processes against three behind stunnel (OpenSSL), as a
 * provider puts TLS in front of its proxies.
 */
public final class HttpsMembersRun {

	private static final int MEASURED_REQUESTS = 30_000;

	private static final int NEW_TUNNEL_REQUESTS = 1_000;

	private HttpsMembersRun() {
	}

	public static void main(String[] args) {
		boolean real = args.length == 1 && args[0].equals("stunnel");
		if (args.length > 1 || (args.length == 1 && !real)) {
			throw new IllegalArgumentException("usage: HttpsMembersRun [stunnel], not " + String.join(" ", args));
		}
		try (TargetServer target = TargetServer.start("127.0.0.1")) {
			System.out.printf("machine: %d cores, %s%n", Runtime.getRuntime().availableProcessors(),
					System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
			// Netty takes OpenSSL where netty-tcnative is on the class path, else the JDK's TLS
			System.out.println("client TLS: "
					+ (OpenSsl.isAvailable() ? "OpenSSL (netty-tcnative " + OpenSsl.versionString() + ")" : "the JDK's"));
			if (real) {
				throughRealProxies(target.baseUrl() + "/whoami");
			}
			else {
				throughInJvmProxies(target.baseUrl() + "/whoami");
			}
		}
	}

	private static void throughInJvmProxies(String url) {
		try (TestProxy a = HttpConnectProxy.builder().egressAddress("127.0.0.51").start();
				TestProxy b = HttpConnectProxy.builder().egressAddress("127.0.0.52").start();
				TestProxy c = HttpConnectProxy.builder().egressAddress("127.0.0.53").start();
				TestProxy tlsA = HttpConnectProxy.builder().tls().egressAddress("127.0.0.51").start();
				TestProxy tlsB = HttpConnectProxy.builder().tls().egressAddress("127.0.0.52").start();
				TestProxy tlsC = HttpConnectProxy.builder().tls().egressAddress("127.0.0.53").start()) {
			System.out.println("proxies: the test kit's HttpConnectProxy, in this JVM (TLS: the JDK's SSLSocket)");
			compare(url, List.of(a.url(), b.url(), c.url()), List.of(tlsA.url(), tlsB.url(), tlsC.url()),
					() -> TransportLoadRun.cpuNanos(TestProxy.THREAD_NAME_PREFIX));
		}
	}

	private static void throughRealProxies(String url) {
		try (RealProxy a = tinyproxy("127.0.0.51"); RealProxy b = tinyproxy("127.0.0.52");
				RealProxy c = tinyproxy("127.0.0.53"); Stunnel tlsA = Stunnel.builder(tinyproxy("127.0.0.51")).start();
				Stunnel tlsB = Stunnel.builder(tinyproxy("127.0.0.52")).start();
				Stunnel tlsC = Stunnel.builder(tinyproxy("127.0.0.53")).start()) {
			System.out.println("proxies: tinyproxy processes, and stunnel (OpenSSL) in front of three others");
			compare(url, List.of(a.url(), b.url(), c.url()), List.of(tlsA.url(), tlsB.url(), tlsC.url()),
					() -> Stream.of(a, b, c, tlsA, tlsB, tlsC).mapToLong((proxy) -> proxy.cpuTime().toNanos()).sum());
		}
	}

	private static RealProxy tinyproxy(String egress) {
		return Tinyproxy.builder().egressAddress(egress).maxClients(200).start();
	}

	private static void compare(String url, List<String> plain, List<String> tls, LongSupplier proxiesCpuNanos) {
		TransportSettings transport = TransportSettings.DEFAULTS.withProxyTls(trustingTestProxies());
		List<String> names = List.of("(b)  pool of three http:// members", "(t)  pool of three https:// members");
		List<WebClient> clients = List.of(pooled(transport, plain), pooled(transport, tls));

		System.out.printf("%nkeep-alive: %d requests per run, 16 in flight, 9 rounds, order reversed every round%n",
				MEASURED_REQUESTS);
		StolenCpu before = StolenCpu.now();
		TransportLoadRun.Rounds rounds = TransportLoadRun.rounds(clients, url, MEASURED_REQUESTS, proxiesCpuNanos);
		double stolen = StolenCpu.percentSince(before);
		double plainCpu = TransportLoadRun.medianCpu(rounds.results().get(0));
		double plainAllocated = TransportLoadRun.medianAllocated(rounds.results().get(0));
		for (int i = 0; i < clients.size(); i++) {
			System.out.printf("%-38s %s  ratio to (b) %.3f  CPU %+.1f µs  allocated %+.0f B%n", names.get(i),
					TransportLoadRun.median(rounds.results().get(i)), TransportLoadRun.medianOf(rounds.ratios().get(i)),
					TransportLoadRun.medianCpu(rounds.results().get(i)) - plainCpu,
					TransportLoadRun.medianAllocated(rounds.results().get(i)) - plainAllocated);
		}
		TransportLoadRun.printStolen(stolen, rounds.results());

		System.out.printf("%na new tunnel for every request (Connection: close): %d sequential requests each%n",
				NEW_TUNNEL_REQUESTS);
		for (int i = 0; i < clients.size(); i++) {
			WebClient closing = clients.get(i).mutate().defaultHeader("Connection", "close").build();
			TransportLoadRun.sequential(closing, url, NEW_TUNNEL_REQUESTS / 10);
			System.out.printf("%-38s %s%n", names.get(i),
					TransportLoadRun.sequential(closing, url, NEW_TUNNEL_REQUESTS));
		}
	}

	private static WebClient pooled(TransportSettings transport, List<String> members) {
		ProxyPoolHttpClients clients = TransportLoadRun.pooledClients(transport, BreakerSettings.DEFAULTS,
				members.stream().map(ProxyEndpoint::parse).toArray(ProxyEndpoint[]::new));
		return WebClient.builder()
			.clientConnector(
					new ReactorClientHttpConnector(clients.apply(clients.newHttpClient(), ConnectionType.HTTP)))
			.filter(new ProxyPoolExchangeFilter(clients))
			.build();
	}

	/** Trusts the test kit's certificate, as an application's SSL bundle trusts its provider's authority. */
	private static ProxyTls trustingTestProxies() {
		return ProxyTls.of(ProxyCertificate.trustingClientSslContext(), "the test proxies");
	}

}
