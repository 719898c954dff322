package io.cryptofeed.proxy.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import io.cryptofeed.proxy.breaker.BreakerSettings;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.netty.ProxyPoolExchangeFilter;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.netty.TransportSettings;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.transport.ProxyProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * What the pools cost over HTTP/2, where a request is a stream and many share a tunnel: one
 * fixed proxy configured by hand against a pool of three, over HTTP/2, and the same two over
 * HTTP/1.1 with TLS, to an {@code https} target on loopback through the test kit's in-JVM
 * HTTP CONNECT proxies.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.cryptofeed.proxy.benchmarks.Http2Run}
 */
public final class Http2Run {

	private static final int MEASURED_REQUESTS = 30_000;

	private Http2Run() {
	}

	public static void main(String[] args) {
		if (args.length > 0) {
			throw new IllegalArgumentException("usage: Http2Run, not " + String.join(" ", args));
		}
		try (TargetServer target = TargetServer.startHttp2("127.0.0.1");
				TestProxy a = HttpConnectProxy.builder().egressAddress("127.0.0.51").start();
				TestProxy b = HttpConnectProxy.builder().egressAddress("127.0.0.52").start();
				TestProxy c = HttpConnectProxy.builder().egressAddress("127.0.0.53").start()) {
			System.out.printf("machine: %d cores, %s%n", Runtime.getRuntime().availableProcessors(),
					System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
			System.out.println("proxies: the test kit's HttpConnectProxy, in this JVM; target: https, HTTP/2 or HTTP/1.1");
			UnaryOperator<HttpClient> http2 = (client) -> client.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
				.secure((spec) -> spec.sslContext(TargetServer.trustingHttp2ClientSslContext()));
			UnaryOperator<HttpClient> http11 = (client) -> client
				.secure((spec) -> spec.sslContext(TargetServer.trustingClientSslContext()));
			List<String> names = List.of("(a)  one fixed proxy by hand, HTTP/2", "(b)  pool of three, HTTP/2",
					"(a1) one fixed proxy by hand, HTTP/1.1", "(b1) pool of three, HTTP/1.1");
			List<WebClient> clients = List.of(fixedProxy(http2, a), pooled(http2, a, b, c), fixedProxy(http11, a),
					pooled(http11, a, b, c));

			System.out.printf("%n%d requests per run, 16 in flight, 9 rounds, order reversed every round%n",
					MEASURED_REQUESTS);
			StolenCpu before = StolenCpu.now();
			TransportLoadRun.Rounds rounds = TransportLoadRun.rounds(clients, target.baseUrl() + "/whoami",
					MEASURED_REQUESTS, () -> TransportLoadRun.cpuNanos(TestProxy.THREAD_NAME_PREFIX));
			double stolen = StolenCpu.percentSince(before);
			double cpu = TransportLoadRun.medianCpu(rounds.results().get(0));
			double allocated = TransportLoadRun.medianAllocated(rounds.results().get(0));
			for (int i = 0; i < clients.size(); i++) {
				System.out.printf("%-40s %s  ratio to (a) %.3f  CPU %+.1f µs  allocated %+.0f B%n", names.get(i),
						TransportLoadRun.median(rounds.results().get(i)),
						TransportLoadRun.medianOf(rounds.ratios().get(i)),
						TransportLoadRun.medianCpu(rounds.results().get(i)) - cpu,
						TransportLoadRun.medianAllocated(rounds.results().get(i)) - allocated);
			}
			System.out.printf("(b)/(a) = %.3f, (b1)/(a1) = %.3f%n", TransportLoadRun.medianOf(rounds.ratios().get(1)),
					TransportLoadRun.medianOf(quotients(rounds.ratios().get(3), rounds.ratios().get(2))));
			TransportLoadRun.printStolen(stolen, rounds.results());
			System.out.printf("tunnels opened through the three proxies: %d, %d, %d%n", a.tunnels(), b.tunnels(),
					c.tunnels());
		}
	}

	private static WebClient fixedProxy(UnaryOperator<HttpClient> protocol, TestProxy proxy) {
		HttpClient client = protocol.apply(HttpClient.create())
			.proxy((spec) -> spec.type(ProxyProvider.Proxy.HTTP).host(proxy.host()).port(proxy.port()));
		return WebClient.builder().clientConnector(new ReactorClientHttpConnector(client)).build();
	}

	/** A pool of the members on the client the auto-configuration builds, given HTTP/2 or not as an application does. */
	private static WebClient pooled(UnaryOperator<HttpClient> protocol, TestProxy... members) {
		ProxyPoolHttpClients clients = TransportLoadRun.pooledClients(TransportSettings.DEFAULTS,
				BreakerSettings.DEFAULTS,
				Arrays.stream(members).map((member) -> ProxyEndpoint.parse(member.url())).toArray(ProxyEndpoint[]::new));
		HttpClient client = clients.apply(protocol.apply(clients.newHttpClient()), ConnectionType.HTTP);
		return WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(client))
			.filter(new ProxyPoolExchangeFilter(clients))
			.build();
	}

	/** Per round, one client's ratio to (a) over another's: their ratio to each other. */
	private static List<Double> quotients(List<Double> numerators, List<Double> denominators) {
		List<Double> quotients = new ArrayList<>();
		for (int i = 0; i < numerators.size(); i++) {
			quotients.add(numerators.get(i) / denominators.get(i));
		}
		return quotients;
	}

}
