package io.cryptofeed.proxy.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.cryptofeed.proxy.breaker.BreakerSettings;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.netty.ProxyPoolRequestInterceptor;
import io.cryptofeed.proxy.netty.TransportSettings;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.transport.ProxyProvider;

import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The blocking clients' load run on loopback: a RestClient on Reactor Netty's request
 * factory through one HTTP CONNECT proxy configured by hand (a), the same with an interceptor
 * that does nothing (ai: Spring wraps and buffers each request of a client with interceptors),
 * and the same through a pool of three with the starter's interceptor (b), {@value #THREADS}
 * caller threads each sending one request at a time; then what failover costs with one of
 * three members refusing, and with one hung. The proxies are the test kit's, in this JVM.
 * Every loop is bounded by a count.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.cryptofeed.proxy.benchmarks.BlockingLoadRun}
 */
public final class BlockingLoadRun {

	private static final int THREADS = 16;

	private static final int WARMUP_REQUESTS = 30_000;

	private static final int MEASURED_REQUESTS = 30_000;

	private static final int ROUNDS = 9;

	private static final String CALLER_THREADS = "blocking-caller-";

	private BlockingLoadRun() {
	}

	public static void main(String[] args) {
		AtomicInteger threadNumber = new AtomicInteger();
		ExecutorService callers = Executors.newFixedThreadPool(THREADS,
				(task) -> new Thread(task, CALLER_THREADS + threadNumber.incrementAndGet()));
		try (TargetServer target = TargetServer.start("127.0.0.1");
				TestProxy a = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.61").start();
				TestProxy b = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.62").start();
				TestProxy c = HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress("127.0.0.63").start()) {
			String url = target.baseUrl() + "/whoami";
			System.out.printf("machine: %d cores, %s%n", Runtime.getRuntime().availableProcessors(),
					System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
			System.out.println("proxies: the test kit's HttpConnectProxy, in this JVM; " + THREADS + " caller threads");
			throughput(callers, url, a, b, c);
			failover(url, Fault.REFUSE, "refusing", a, b, c);
			failover(url, Fault.HANG, "hung (handshake timeout 1s)", a, b, c);
		}
		finally {
			callers.shutdownNow();
		}
	}

	private static void throughput(ExecutorService callers, String url, TestProxy a, TestProxy b, TestProxy c) {
		ProxyEndpoint first = ProxyEndpoint.parse(a.url());
		RestClient fixed = fixedProxyClient(first).build();
		// Spring wraps and buffers each request of a client with an interceptor: what any interceptor costs
		RestClient intercepted = fixedProxyClient(first)
			.requestInterceptor((request, body, execution) -> execution.execute(request, body))
			.build();
		RestClient pooled = pooledClient(a, b, c);
		for (RestClient client : List.of(fixed, intercepted, pooled)) {
			concurrent(callers, client, url, WARMUP_REQUESTS);
		}
		List<TransportLoadRun.Result> fixedRuns = new ArrayList<>();
		List<TransportLoadRun.Result> interceptedRuns = new ArrayList<>();
		List<TransportLoadRun.Result> pooledRuns = new ArrayList<>();
		List<Double> ratios = new ArrayList<>();
		for (int round = 1; round <= ROUNDS; round++) {
			TransportLoadRun.Result fixedRun = concurrent(callers, fixed, url, MEASURED_REQUESTS);
			TransportLoadRun.Result interceptedRun = concurrent(callers, intercepted, url, MEASURED_REQUESTS);
			TransportLoadRun.Result pooledRun = concurrent(callers, pooled, url, MEASURED_REQUESTS);
			fixedRuns.add(fixedRun);
			interceptedRuns.add(interceptedRun);
			pooledRuns.add(pooledRun);
			ratios.add(pooledRun.rps / fixedRun.rps);
			System.out.printf("round %d (a)  one proxy by hand                %s%n", round, fixedRun);
			System.out.printf("round %d (ai) the same, a do-nothing interceptor %s%n", round, interceptedRun);
			System.out.printf("round %d (b)  pool of three                    %s%n", round, pooledRun);
		}
		TransportLoadRun.Result fixedMedian = TransportLoadRun.median(fixedRuns);
		TransportLoadRun.Result interceptedMedian = TransportLoadRun.median(interceptedRuns);
		TransportLoadRun.Result pooledMedian = TransportLoadRun.median(pooledRuns);
		ratios.sort(Double::compare);
		System.out.println("median (a)  " + fixedMedian);
		System.out.println("median (ai) " + interceptedMedian);
		System.out.println("median (b)  " + pooledMedian);
		System.out.printf("(b)/(a) of the medians %.3f, median of the rounds' ratios %.3f; (ai)/(a) %.3f%n",
				pooledMedian.rps / fixedMedian.rps, ratios.get(ratios.size() / 2),
				interceptedMedian.rps / fixedMedian.rps);
	}

	/** 1 000 sequential requests through two healthy members, then through them and one that fails every connect. */
	private static void failover(String url, Fault fault, String failing, TestProxy a, TestProxy b, TestProxy c) {
		System.out.println();
		RestClient healthyTwo = pooledClient(b, c);
		sequential(healthyTwo, url, 200);
		TransportLoadRun.Result baseline = sequential(healthyTwo, url, 1_000);
		a.fault(fault);
		TransportLoadRun.Result failed = sequential(pooledClient(a, b, c), url, 1_000);
		a.fault(Fault.NONE);
		System.out.println("1000 sequential, two healthy members " + baseline);
		System.out.println("1000 sequential, plus one member " + failing + " " + failed);
		System.out.printf("added latency: mean %+.3f ms, p99 %+.3f ms; requests slower than 900 ms: %d%n",
				failed.meanMillis - baseline.meanMillis, failed.p99Millis - baseline.p99Millis, failed.slowerThan(900));
	}

	private static RestClient.Builder fixedProxyClient(ProxyEndpoint proxy) {
		HttpClient client = HttpClient.create()
			.proxy((spec) -> spec.type(ProxyProvider.Proxy.HTTP).host(proxy.host()).port(proxy.port()));
		return RestClient.builder().requestFactory(new ReactorClientHttpRequestFactory(client));
	}

	/** A RestClient pooled as the auto-configuration pools Boot's. */
	private static RestClient pooledClient(TestProxy... members) {
		ProxyPoolHttpClients clients = TransportLoadRun.pooledClients(TransportSettings.DEFAULTS,
				BreakerSettings.DEFAULTS, Arrays.stream(members)
					.map((proxy) -> ProxyEndpoint.parse(proxy.url()))
					.toArray(ProxyEndpoint[]::new));
		return RestClient.builder()
			.requestFactory(
					new ReactorClientHttpRequestFactory(clients.apply(clients.newHttpClient(), ConnectionType.HTTP)))
			.requestInterceptor(new ProxyPoolRequestInterceptor(clients))
			.build();
	}

	/** The requests sent by every caller thread, each one request at a time, until the count is reached. */
	private static TransportLoadRun.Result concurrent(ExecutorService callers, RestClient client, String url,
			int requests) {
		long[] latencies = new long[requests];
		AtomicInteger next = new AtomicInteger();
		AtomicInteger errors = new AtomicInteger();
		List<Future<?>> threads = new ArrayList<>();
		long cpuBefore = clientCpuNanos();
		long proxiesBefore = TransportLoadRun.cpuNanos(TestProxy.THREAD_NAME_PREFIX);
		long allocatedBefore = clientAllocatedBytes();
		long start = System.nanoTime();
		for (int t = 0; t < THREADS; t++) {
			threads.add(callers.submit(() -> {
				for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
					latencies[i] = timed(client, url, errors);
				}
			}));
		}
		for (Future<?> thread : threads) {
			try {
				thread.get();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
		TransportLoadRun.Result result = new TransportLoadRun.Result(requests, System.nanoTime() - start, latencies,
				errors.get());
		result.clientCpuMicros = (clientCpuNanos() - cpuBefore) / 1e3 / requests;
		result.clientAllocatedBytes = (allocatedBefore < 0) ? Double.NaN
				: (clientAllocatedBytes() - allocatedBefore) / (double) requests;
		result.proxiesCpuMicros = (TransportLoadRun.cpuNanos(TestProxy.THREAD_NAME_PREFIX) - proxiesBefore) / 1e3
				/ requests;
		return result;
	}

	/** The client's share: the callers, which block, and the event loops, which do the I/O. */
	private static long clientCpuNanos() {
		return TransportLoadRun.cpuNanos(CALLER_THREADS) + TransportLoadRun.cpuNanos(TransportLoadRun.CLIENT_THREADS);
	}

	private static long clientAllocatedBytes() {
		long callers = TransportLoadRun.allocatedBytes(CALLER_THREADS);
		return (callers < 0) ? -1 : callers + TransportLoadRun.allocatedBytes(TransportLoadRun.CLIENT_THREADS);
	}

	private static TransportLoadRun.Result sequential(RestClient client, String url, int requests) {
		long[] latencies = new long[requests];
		AtomicInteger errors = new AtomicInteger();
		long start = System.nanoTime();
		for (int i = 0; i < requests; i++) {
			latencies[i] = timed(client, url, errors);
		}
		return new TransportLoadRun.Result(requests, System.nanoTime() - start, latencies, errors.get());
	}

	/** One request's latency in nanoseconds; a failed request is counted and timed too. */
	private static long timed(RestClient client, String url, AtomicInteger errors) {
		long started = System.nanoTime();
		try {
			client.get().uri(url).retrieve().body(String.class);
		}
		catch (RuntimeException ex) {
			errors.incrementAndGet();
		}
		return System.nanoTime() - started;
	}

}
