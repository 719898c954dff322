package io.cryptofeed.proxy.benchmarks;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cryptofeed.proxy.breaker.BreakerSettings;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.netty.ProxyPoolExchangeFilter;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.netty.TransportSettings;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.transport.ProxyProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * What a WebClient request through the pools allocates on the client's threads, beside one
 * through the same in-JVM proxy set by hand: (a) a fixed proxy, (a1) a bare {@code proxyWhen},
 * (a') a pool of that one member. Only allocation is measured (bytes per request, from the
 * JVM's per-thread counters), which the machine's load hardly moves, unlike throughput: a
 * short run that can go beside other work, unlike {@link TransportLoadRun}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.cryptofeed.proxy.benchmarks.AllocationRun [requests]}
 * (20,000 measured requests per round unless given). To see which allocations remain, record
 * a profile of the pooled client alone and list its samples:
 * {@code java -XX:StartFlightRecording=filename=alloc.jfr,settings=profile -cp benchmarks/target/benchmarks.jar
 * io.cryptofeed.proxy.benchmarks.AllocationRun 200000 pooled}, then
 * {@code jfr print --events jdk.ObjectAllocationSample --stack-depth 12 alloc.jfr} (each
 * sample's weight is the bytes it stands for).
 */
public final class AllocationRun {

	/** One request at a time: every request finds the one connection free, so none opens a new one. */
	private static final int CONCURRENCY = 1;

	private static final int ROUNDS = 7;

	private AllocationRun() {
	}

	public static void main(String[] args) {
		int requests = (args.length > 0) ? Integer.parseInt(args[0]) : 20_000;
		boolean pooledOnly = args.length > 1 && args[1].equals("pooled");
		try (TargetServer target = TargetServer.start("127.0.0.1");
				HttpConnectProxy proxy = HttpConnectProxy.builder()
					.bindAddress("127.0.0.1")
					.egressAddress("127.0.0.1")
					.start()) {
			String url = target.baseUrl() + "/whoami";
			InetSocketAddress address = new InetSocketAddress("127.0.0.1", proxy.port());
			Map<String, WebClient> clients = new LinkedHashMap<>();
			if (!pooledOnly) {
				clients.put("(a)  one fixed proxy by hand", client(HttpClient.create()
					.proxy((spec) -> spec.type(ProxyProvider.Proxy.HTTP).address(address))));
				clients.put("(a1) the same through a bare proxyWhen", client(HttpClient.create()
					.proxyWhen((config, spec) -> Mono.just(spec.type(ProxyProvider.Proxy.HTTP).address(address)))));
			}
			clients.put("(a') a pool of that one member", pooled(ProxyEndpoint.parse(proxy.url())));
			for (WebClient client : clients.values()) {
				send(client, url, requests);
			}
			// the clients take turns, so that what drifts over the run (the JIT, the connections
			// open) weighs on each alike
			Map<String, double[]> rounds = new LinkedHashMap<>();
			for (int round = 0; round < ROUNDS; round++) {
				for (Map.Entry<String, WebClient> client : clients.entrySet()) {
					rounds.computeIfAbsent(client.getKey(), (name) -> new double[ROUNDS])[round] = bytesPerRequest(
							client.getValue(), url, requests);
				}
			}
			rounds.forEach((name, bytes) -> {
				Arrays.sort(bytes);
				System.out.printf("%-40s median %,8.0f B/request  (rounds %s)%n", name, bytes[ROUNDS / 2],
						Arrays.toString(Arrays.stream(bytes).map(Math::rint).toArray()));
			});
		}
	}

	private static WebClient client(HttpClient client) {
		return WebClient.builder().clientConnector(new ReactorClientHttpConnector(client)).build();
	}

	private static WebClient pooled(ProxyEndpoint member) {
		ProxyPoolHttpClients clients = TransportLoadRun.pooledClients(TransportSettings.DEFAULTS,
				BreakerSettings.DEFAULTS, member);
		return WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(clients.apply(clients.newHttpClient(), ConnectionType.HTTP)))
			.filter(new ProxyPoolExchangeFilter(clients))
			.build();
	}

	/** Bytes the client's event loops and this thread allocated per request. */
	private static double bytesPerRequest(WebClient client, String url, int requests) {
		long before = allocated();
		send(client, url, requests);
		return (allocated() - before) / (double) requests;
	}

	private static long allocated() {
		return TransportLoadRun.allocatedBytes(TransportLoadRun.CLIENT_THREADS)
				+ TransportLoadRun.allocatedBytes(Thread.currentThread().getName());
	}

	private static void send(WebClient client, String url, int requests) {
		Flux.range(0, requests)
			.flatMap((i) -> client.get().uri(url).retrieve().bodyToMono(String.class), CONCURRENCY)
			.blockLast();
	}

}
