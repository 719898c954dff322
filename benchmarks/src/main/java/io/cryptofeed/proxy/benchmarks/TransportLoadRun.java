package io.cryptofeed.proxy.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.cryptofeed.proxy.breaker.BreakerSettings;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.netty.ProxyPoolExchangeFilter;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.proxy.netty.ProxyProviders;
import io.cryptofeed.proxy.netty.TransportSettings;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.real.Dante;
import io.cryptofeed.proxy.testkit.real.Microsocks;
import io.cryptofeed.proxy.testkit.real.RealProxies;
import io.cryptofeed.proxy.testkit.real.RealProxy;
import io.cryptofeed.proxy.testkit.real.Tinyproxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.ProxyProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.ExchangeFunctions;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * End-to-end load run on loopback: a WebClient through one proxy configured by hand against
 * the same WebClient through a pool of three proxies of the same kind, then what failover
 * costs with one member refusing, one rejecting the client (a 407, or for SOCKS5 its
 * password), one member hung, and (over https) one member that stalls after its handshake.
 * Every loop is bounded by a count.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.cryptofeed.proxy.benchmarks.TransportLoadRun}
 * for the test kit's in-JVM HTTP CONNECT proxies, with the argument {@code socks5} for its
 * in-JVM SOCKS5 proxies with a username and password, or with the argument {@code tinyproxy} for
 * the throughput parts alone through three tinyproxy processes, or {@code microsocks} for the
 * same through three microsocks processes, SOCKS5 with a username and password, or {@code dante}
 * for the same through three Dante servers, SOCKS5 without authentication (the failover parts
 * need the test kit's faults).
 */
public final class TransportLoadRun {

	private static final int CONCURRENCY = 16;

	private static final int WARMUP_REQUESTS = 5_000;

	private static final int MEASURED_REQUESTS = 30_000;

	private static final int ROUNDS = 9;

	/** Requests per run against the target that answers after {@link #TARGET_DELAY}: about a second each. */
	private static final int DELAYED_REQUESTS = 10_000;

	/** Far less than a real exchange takes to answer, so the pool's own cost is easier to see. */
	private static final Duration TARGET_DELAY = Duration.ofMillis(1);

	static final String CLIENT_THREADS = "reactor-http";

	/** Steal up to this share of the CPU time (per cent) leaves a run's figures as the clients made them. */
	private static final double QUIET_STEAL_PERCENT = 1;

	/** The modes through real proxy processes, by their argument. */
	private static final Map<String, RealProxyMode> REAL_PROXY_MODES = Map.of(
			"tinyproxy", new RealProxyMode(RealProxies.TINYPROXY, "three tinyproxy processes",
					TransportLoadRun::tinyproxy),
			"microsocks", new RealProxyMode(RealProxies.MICROSOCKS,
					"three microsocks processes, SOCKS5 with username and password", TransportLoadRun::microsocks),
			"dante", new RealProxyMode(RealProxies.DANTE, "three Dante servers, SOCKS5 without authentication",
					TransportLoadRun::dante));

	private TransportLoadRun() {
	}

	public static void main(String[] args) {
		String mode = (args.length == 0) ? "" : args[0];
		RealProxyMode real = REAL_PROXY_MODES.get(mode);
		if (args.length > 1 || !(mode.isEmpty() || mode.equals("socks5") || real != null)) {
			throw new IllegalArgumentException("usage: TransportLoadRun [socks5 | "
					+ String.join(" | ", new TreeSet<>(REAL_PROXY_MODES.keySet())) + "], not " + String.join(" ", args));
		}
		if (real != null && RealProxies.find(real.binary()).isEmpty()) {
			throw new IllegalStateException("the " + mode + " mode needs " + real.binary() + ": apt-get install "
					+ RealProxies.debianPackage(real.binary()));
		}
		try (TargetServer target = TargetServer.start("127.0.0.1")) {
			String url = target.baseUrl() + "/whoami";
			String delayedUrl = target.baseUrl() + "/delay/" + TARGET_DELAY.toMillis();
			System.out.printf("machine: %d cores, %s%n", Runtime.getRuntime().availableProcessors(),
					System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
			if (real != null) {
				throughRealProxies(url, delayedUrl, real);
			}
			else {
				throughInJvmProxies(url, delayedUrl, mode.equals("socks5"));
			}
		}
	}

	private static void throughInJvmProxies(String url, String delayedUrl, boolean socks5) {
		try (TargetServer tlsTarget = TargetServer.startTls("127.0.0.1");
				TestProxy a = proxy("127.0.0.51", socks5);
				TestProxy b = proxy("127.0.0.52", socks5);
				TestProxy c = proxy("127.0.0.53", socks5)) {
			System.out.println(socks5 ? "proxies: the test kit's Socks5Proxy with username and password, in this JVM"
					: "proxies: the test kit's HttpConnectProxy, in this JVM");
			Proxies proxies = new Proxies(ProxyServer.of(a), ProxyServer.of(b), ProxyServer.of(c),
					() -> cpuNanos(TestProxy.THREAD_NAME_PREFIX));
			throughput(url, proxies);
			slowerTarget(delayedUrl, proxies);
			failingMember(url, Fault.REFUSE, "refusing", a, b, c);
			failingMember(url, socks5 ? Fault.AUTH_FAIL : Fault.STATUS_407,
					socks5 ? "rejecting the password" : "answering 407", a, b, c);
			hungMember(url, a, b, c);
			stallingMember(tlsTarget.baseUrl() + "/whoami", a, b, c);
		}
	}

	/** The throughput parts through three proxy processes, started on their egress addresses. */
	private static void throughRealProxies(String url, String delayedUrl, RealProxyMode mode) {
		try (RealProxy a = mode.start().apply("127.0.0.51"); RealProxy b = mode.start().apply("127.0.0.52");
				RealProxy c = mode.start().apply("127.0.0.53")) {
			System.out.println("proxies: " + mode.description() + " (their CPU time as the system counts it)");
			Proxies proxies = new Proxies(ProxyServer.of(a), ProxyServer.of(b), ProxyServer.of(c),
					() -> Stream.of(a, b, c).mapToLong((proxy) -> proxy.cpuTime().toNanos()).sum());
			throughput(url, proxies);
			slowerTarget(delayedUrl, proxies);
		}
	}

	private static void throughput(String url, Proxies proxies) {
		ProxyServer a = proxies.a();
		ProxyServer b = proxies.b();
		ProxyServer c = proxies.c();
		List<String> names = List.of("(a)  one fixed proxy by hand", "(a1) the same proxy through a bare proxyWhen",
				"(a2) (a1) with Reactor Netty's responseTimeout", "(a') the same proxy as a pool",
				"(b)  pool of three", "(c)  three fixed proxies rotated by caller",
				"(b') (b), connections first in, first out", "(c') (c), connections last in, first out");
		List<WebClient> clients = List.of(fixedProxyClient(a), bareProxyWhenClient(a, null),
				bareProxyWhenClient(a, Duration.ofSeconds(30)),
				pooledClient(TransportSettings.DEFAULTS, BreakerSettings.DEFAULTS, a),
				pooledClient(TransportSettings.DEFAULTS, BreakerSettings.DEFAULTS, a, b, c),
				rotatedByHand(HttpClient::create, a, b, c),
				pooledClient((pools) -> firstInFirstOut(), TransportSettings.DEFAULTS, BreakerSettings.DEFAULTS, a,
						b, c),
				rotatedByHand(lastInFirstOut(), a, b, c));
		System.out.printf("%nthroughput: %d requests per run, %d in flight, %d rounds, order reversed every round%n",
				MEASURED_REQUESTS, CONCURRENCY, ROUNDS);
		StolenCpu before = StolenCpu.now();
		Rounds rounds = rounds(clients, url, MEASURED_REQUESTS, proxies.cpuNanos());
		double stolen = StolenCpu.percentSince(before);
		List<List<Result>> results = rounds.results();
		List<List<Double>> ratios = rounds.ratios();
		int n = clients.size();
		double fixedCpu = medianCpu(results.get(0));
		double fixedAllocated = medianAllocated(results.get(0));
		for (int i = 0; i < n; i++) {
			System.out.printf("%-46s %s  ratio to (a) %.3f  CPU %+.1f µs  allocated %+.0f B%n", names.get(i),
					median(results.get(i)), medianOf(ratios.get(i)), medianCpu(results.get(i)) - fixedCpu,
					medianAllocated(results.get(i)) - fixedAllocated);
		}
		System.out.printf("(b)/(c) = %.3f, (a')/(a1) = %.3f, (b)/(b') = %.3f, (b)/(c') = %.3f%n",
				medianOf(ratios.get(4)) / medianOf(ratios.get(5)), medianOf(ratios.get(3)) / medianOf(ratios.get(1)),
				medianOf(ratios.get(4)) / medianOf(ratios.get(6)), medianOf(ratios.get(4)) / medianOf(ratios.get(7)));
		printStolen(stolen, results);
		for (int i = 1; i < n; i++) {
			printQuietRatio(names.get(i), rounds, i);
		}
	}

	/**
	 * (a) and (b) against a target that takes {@link #TARGET_DELAY} to answer: what the pool
	 * costs once a request spends time on the network, as every request to an exchange does.
	 */
	private static void slowerTarget(String url, Proxies proxies) {
		List<WebClient> clients = List.of(fixedProxyClient(proxies.a()),
				pooledClient(TransportSettings.DEFAULTS, BreakerSettings.DEFAULTS, proxies.a(), proxies.b(),
						proxies.c()));
		System.out.printf("%nthe target answering after %d ms: %d requests per run, %d in flight, %d rounds%n",
				TARGET_DELAY.toMillis(), DELAYED_REQUESTS, CONCURRENCY, ROUNDS);
		StolenCpu before = StolenCpu.now();
		Rounds rounds = rounds(clients, url, DELAYED_REQUESTS, proxies.cpuNanos());
		double stolen = StolenCpu.percentSince(before);
		System.out.printf("%-46s %s%n", "(a)  one fixed proxy by hand", median(rounds.results().get(0)));
		System.out.printf("%-46s %s%n", "(b)  pool of three", median(rounds.results().get(1)));
		System.out.printf("(b)/(a) = %.3f%n", medianOf(rounds.ratios().get(1)));
		printStolen(stolen, rounds.results());
		printQuietRatio("(b)  pool of three", rounds, 1);
	}

	/**
	 * The client's ratio to (a) over the rounds in which the hypervisor took at most
	 * {@link #QUIET_STEAL_PERCENT} of the CPU time during both runs: the comparison that steal
	 * (which comes and goes within seconds) did not skew.
	 */
	private static void printQuietRatio(String name, Rounds rounds, int client) {
		List<Double> quiet = new ArrayList<>();
		List<Result> reference = rounds.results().get(0);
		List<Result> compared = rounds.results().get(client);
		for (int round = 0; round < reference.size(); round++) {
			if (reference.get(round).stolenPercent <= QUIET_STEAL_PERCENT
					&& compared.get(round).stolenPercent <= QUIET_STEAL_PERCENT) {
				quiet.add(rounds.ratios().get(client).get(round));
			}
		}
		String ratio = quiet.isEmpty() ? "  -  " : String.format("%.3f", medianOf(quiet));
		System.out.printf("%-46s ratio to (a) %s in the %d of %d rounds with at most %.0f%% steal in both runs%n",
				name, ratio, quiet.size(), reference.size(), QUIET_STEAL_PERCENT);
	}

	/**
	 * How much of the machine's CPU time the hypervisor gave to other machines, over the part
	 * and per run: a run it took much from is slowed from outside, whichever client it measured.
	 */
	static void printStolen(double overPart, List<List<Result>> results) {
		DoubleSummaryStatistics perRun = results.stream()
			.flatMap(List::stream)
			.mapToDouble((result) -> result.stolenPercent)
			.filter((percent) -> !Double.isNaN(percent))
			.summaryStatistics();
		if (Double.isNaN(overPart) || perRun.getCount() == 0) {
			System.out.println("CPU time taken by the hypervisor (steal): unknown on this system");
			return;
		}
		System.out.printf("CPU time taken by the hypervisor (steal): %.1f%% over the part, %.1f%% to %.1f%% per run%n",
				overPart, perRun.getMin(), perRun.getMax());
	}

	/**
	 * Warms every client up, then runs each once per round, in reversed order every other
	 * round. Each client's ratios are to the first client's result of the same round.
	 */
	static Rounds rounds(List<WebClient> clients, String url, int requests, LongSupplier proxiesCpuNanos) {
		clients.forEach((client) -> run(client, url, WARMUP_REQUESTS, proxiesCpuNanos));
		int n = clients.size();
		List<List<Result>> results = new ArrayList<>();
		List<List<Double>> ratios = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			results.add(new ArrayList<>());
			ratios.add(new ArrayList<>());
		}
		for (int round = 0; round < ROUNDS; round++) {
			Result[] inRound = new Result[n];
			for (int i = 0; i < n; i++) {
				int which = (round % 2 == 0) ? i : n - 1 - i;
				inRound[which] = run(clients.get(which), url, requests, proxiesCpuNanos);
				results.get(which).add(inRound[which]);
			}
			for (int i = 0; i < n; i++) {
				ratios.get(i).add(inRound[i].rps / inRound[0].rps);
			}
		}
		return new Rounds(results, ratios);
	}

	/** Per client, its result in every round and its ratio to the first client in every round. */
	record Rounds(List<List<Result>> results, List<List<Double>> ratios) {
	}

	static double medianCpu(List<Result> results) {
		return medianOf(results.stream().map((result) -> result.clientCpuMicros).toList());
	}

	static double medianAllocated(List<Result> results) {
		return medianOf(results.stream().map((result) -> result.clientAllocatedBytes).toList());
	}

	static double medianOf(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(Double::compare);
		return sorted.get(sorted.size() / 2);
	}

	/** 1 000 sequential requests through two healthy members, then through them and one that fails every connect. */
	private static void failingMember(String url, Fault fault, String failing, TestProxy a, TestProxy b,
			TestProxy c) {
		System.out.println();
		WebClient healthyTwo = pooledClient(TransportSettings.DEFAULTS, BreakerSettings.DEFAULTS, ProxyServer.of(b),
				ProxyServer.of(c));
		sequential(healthyTwo, url, 200);
		Result baseline = sequential(healthyTwo, url, 1_000);
		a.fault(fault);
		a.resetCounters();
		WebClient withFailing = pooledClient(TransportSettings.DEFAULTS, BreakerSettings.DEFAULTS, ProxyServer.of(a),
				ProxyServer.of(b), ProxyServer.of(c));
		Result failed = sequential(withFailing, url, 1_000);
		a.fault(Fault.NONE);
		System.out.println("1000 sequential, two healthy members        " + baseline);
		System.out.printf("%-44s %s%n", "1000 sequential, plus one member " + failing, failed);
		System.out.printf("added latency: mean %+.3f ms, p99 %+.3f ms%n", failed.meanMillis - baseline.meanMillis,
				failed.p99Millis - baseline.p99Millis);
		if (fault.kind() != Fault.Kind.REFUSE) {
			// a refusing member accepts no connection to count
			System.out.printf("connects the failing member took before its breaker opened: %d%n", a.accepted());
		}
	}

	private static void hungMember(String url, TestProxy a, TestProxy b, TestProxy c) {
		System.out.println();
		a.fault(Fault.HANG);
		WebClient withHung = pooledClient(TransportSettings.DEFAULTS, BreakerSettings.DEFAULTS, ProxyServer.of(a),
				ProxyServer.of(b), ProxyServer.of(c));
		Result hung = sequential(withHung, url, 1_000);
		a.fault(Fault.NONE);
		System.out.println("1000 sequential, one member hung (handshake timeout 1s) " + hung);
		System.out.printf("requests that paid the handshake timeout (>= 900 ms): %d%n", hung.slowerThan(900));
	}

	/**
	 * https through a pool whose first member answers its handshake and then relays nothing:
	 * each connection through it costs the TLS handshake timeout (handshake-timeout plus
	 * tls-handshake-timeout, from the TCP connect) until its breaker opens.
	 */
	private static void stallingMember(String url, TestProxy a, TestProxy b, TestProxy c) {
		System.out.println();
		a.fault(Fault.STALL);
		TransportSettings transport = TransportSettings.DEFAULTS;
		WebClient withStalling = pooledClient(
				(clients) -> clients.newHttpClient()
					.secure((spec) -> spec.sslContext(TargetServer.trustingClientSslContext())),
				transport, BreakerSettings.DEFAULTS, ProxyServer.of(a), ProxyServer.of(b), ProxyServer.of(c));
		Result stalled = sequential(withStalling, url, 1_000);
		a.fault(Fault.NONE);
		long timeout = transport.handshakeTimeout().plus(transport.tlsHandshakeTimeout()).toMillis();
		System.out.println("1000 sequential https, one member stalling after its handshake " + stalled);
		System.out.printf("requests that paid the TLS handshake timeout (>= %d ms): %d%n", timeout - 100,
				stalled.slowerThan(timeout - 100));
	}

	/** An in-JVM proxy: HTTP CONNECT, or SOCKS5 asking for a username and password. */
	private static TestProxy proxy(String egress, boolean socks5) {
		if (socks5) {
			return Socks5Proxy.builder()
				.bindAddress("127.0.0.1")
				.egressAddress(egress)
				.credentials("load-run", "load-run-password")
				.start();
		}
		return HttpConnectProxy.builder().bindAddress("127.0.0.1").egressAddress(egress).start();
	}

	/**
	 * A tinyproxy that takes every tunnel the clients keep (each client keeps its own, up to
	 * one per request in flight) and closes none while the run lasts.
	 */
	private static Tinyproxy tinyproxy(String egress) {
		return Tinyproxy.builder()
			.bindAddress("127.0.0.1")
			.egressAddress(egress)
			.maxClients(1_000)
			.idleTimeout(Duration.ofMinutes(30))
			.start();
	}

	/** A microsocks that asks every client for a username and password, as a paid proxy does. */
	private static Microsocks microsocks(String egress) {
		return Microsocks.builder()
			.bindAddress("127.0.0.1")
			.egressAddress(egress)
			.credentials("load-run", "load-run-password")
			.start();
	}

	/**
	 * A Dante server as the tests start it: SOCKS5 without authentication, since Dante checks
	 * passwords against the system's accounts.
	 */
	private static Dante dante(String egress) {
		return Dante.builder().bindAddress("127.0.0.1").egressAddress(egress).start();
	}

	private static WebClient fixedProxyClient(ProxyServer proxy) {
		return WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(fixedProxy(HttpClient.create(), proxy)))
			.build();
	}

	/**
	 * The least any per-connection choice of proxy costs in Reactor Netty: {@code proxyWhen}
	 * answering the same pre-resolved proxy every time, with nothing of this library; and
	 * the same with Reactor Netty's own per-request response timeout, which the pools no
	 * longer use (they arm one handler per connection instead).
	 */
	private static WebClient bareProxyWhenClient(ProxyServer proxy, Duration responseTimeout) {
		InetSocketAddress address = new InetSocketAddress(proxy.host(), proxy.port());
		ProxyProvider.Proxy type = proxy.type();
		HttpClient client = HttpClient.create()
			.proxyWhen((config, spec) -> Mono.just(proxy.credentials(spec.type(type).address(address))));
		if (responseTimeout != null) {
			// what every request through a pool has: the pool's timeout as its response timeout
			client = client.responseTimeout(responseTimeout);
		}
		return WebClient.builder().clientConnector(new ReactorClientHttpConnector(client)).build();
	}

	private static HttpClient fixedProxy(HttpClient base, ProxyServer proxy) {
		return base
			.proxy((spec) -> proxy.credentials(spec.type(proxy.type()).host(proxy.host()).port(proxy.port())));
	}

	/**
	 * One hand-configured connector per proxy, taken in turn: what (b) does without the
	 * starter. Each proxy's client is made by {@code base}: on Reactor Netty's default
	 * provider for (c), on one provider shaped like the starter's for (c').
	 */
	private static WebClient rotatedByHand(Supplier<HttpClient> base, ProxyServer... proxies) {
		ExchangeFunction[] exchanges = Arrays.stream(proxies)
			.map((proxy) -> ExchangeFunctions.create(new ReactorClientHttpConnector(fixedProxy(base.get(), proxy))))
			.toArray(ExchangeFunction[]::new);
		AtomicInteger next = new AtomicInteger();
		return WebClient.builder()
			.exchangeFunction((request) -> exchanges[(next.getAndIncrement() & Integer.MAX_VALUE) % exchanges.length]
				.exchange(request))
			.build();
	}

	private static WebClient pooledClient(TransportSettings transport, BreakerSettings breaker,
			ProxyServer... members) {
		return pooledClient(ProxyPoolHttpClients::newHttpClient, transport, breaker, members);
	}

	/**
	 * A pool of the members on the client the auto-configuration builds, or on the base
	 * client given.
	 */
	private static WebClient pooledClient(Function<ProxyPoolHttpClients, HttpClient> base,
			TransportSettings transport, BreakerSettings breaker, ProxyServer... members) {
		ProxyPoolHttpClients clients = pooledClients(transport, breaker,
				Arrays.stream(members).map(ProxyServer::endpoint).toArray(ProxyEndpoint[]::new));
		return WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(clients.apply(base.apply(clients), ConnectionType.HTTP)))
			.filter(new ProxyPoolExchangeFilter(clients))
			.build();
	}

	/** A round-robin pool of the members with a breaker each, as the auto-configuration makes one. */
	static ProxyPoolHttpClients pooledClients(TransportSettings transport, BreakerSettings breaker,
			ProxyEndpoint... members) {
		List<MemberSpec> specs = Arrays.stream(members).map(MemberSpec::of).toList();
		PoolSpec spec = new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP), PoolSpec.Origin.POOL, specs,
				SelectionStrategies.ROUND_ROBIN, Duration.ofSeconds(30));
		ProxyPools pools = ProxyPools.of(List.of(spec), Map.of(), SelectionStrategies.builtIn()::create);
		MemberCircuitBreakers breakers = new MemberCircuitBreakers(MemberCircuitBreakers.registry(breaker), pools);
		return new ProxyPoolHttpClients(pools, transport, breakers,
				new RateLimits(RateLimitPolicies.DEFAULTS, Clock.systemUTC()), null);
	}

	/** The starter's connection provider, but lending the connection idle longest first (Reactor Netty's default). */
	private static HttpClient firstInFirstOut() {
		return HttpClient.create(startersShape("first-in-first-out").fifo().build());
	}

	/**
	 * Clients on one connection provider shaped like the starter's, lending the connection a
	 * response just freed: with (c'), what three clients with fixed proxies do at best, with
	 * no choice of proxy made inside the connect.
	 */
	private static Supplier<HttpClient> lastInFirstOut() {
		ConnectionProvider provider = startersShape("last-in-first-out").lifo().build();
		return () -> HttpClient.create(provider);
	}

	private static ConnectionProvider.Builder startersShape(String name) {
		TransportSettings.ConnectionPoolSettings starters = TransportSettings.ConnectionPoolSettings.DEFAULTS;
		return ConnectionProvider.builder(name)
			.maxConnections(starters.maxConnections())
			.maxIdleTime(starters.maxIdleTime())
			.evictInBackground(starters.maxIdleTime());
	}

	private static Result run(WebClient client, String url, int requests, LongSupplier proxiesCpuNanos) {
		long[] latencies = new long[requests];
		AtomicInteger errors = new AtomicInteger();
		AtomicInteger index = new AtomicInteger();
		long clientBefore = cpuNanos(CLIENT_THREADS);
		long allocatedBefore = allocatedBytes(CLIENT_THREADS);
		long proxiesBefore = proxiesCpuNanos.getAsLong();
		StolenCpu stolenBefore = StolenCpu.now();
		long start = System.nanoTime();
		Flux.range(0, requests).flatMap((i) -> timed(client, url, latencies, index, errors), CONCURRENCY).blockLast();
		Result result = new Result(requests, System.nanoTime() - start, latencies, errors.get());
		result.clientCpuMicros = (cpuNanos(CLIENT_THREADS) - clientBefore) / 1e3 / requests;
		result.clientAllocatedBytes = (allocatedBefore < 0) ? Double.NaN
				: (allocatedBytes(CLIENT_THREADS) - allocatedBefore) / (double) requests;
		result.proxiesCpuMicros = (proxiesCpuNanos.getAsLong() - proxiesBefore) / 1e3 / requests;
		result.stolenPercent = StolenCpu.percentSince(stolenBefore);
		return result;
	}

	/**
	 * CPU time of the threads whose names start with the prefix: the client's event loops
	 * ({@link #CLIENT_THREADS}; the target has event loops of its own), or the in-JVM proxies'
	 * relay threads, which a real deployment runs on other machines.
	 */
	static long cpuNanos(String threadNamePrefix) {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		return sumOverThreads(threads, threadNamePrefix, threads::getThreadCpuTime);
	}

	/**
	 * Bytes allocated by the threads whose names start with the prefix: unlike CPU time, the
	 * same from run to run, so it shows a change in what a request costs the client even where
	 * this machine's noise hides it in requests per second. -1 on a JVM that does not count
	 * allocations per thread.
	 */
	static long allocatedBytes(String threadNamePrefix) {
		if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
				|| !threads.isThreadAllocatedMemoryEnabled()) {
			return -1;
		}
		return sumOverThreads(threads, threadNamePrefix, threads::getThreadAllocatedBytes);
	}

	/** The figure summed over the live threads whose names start with the prefix; a thread without one (-1) adds 0. */
	private static long sumOverThreads(ThreadMXBean threads, String threadNamePrefix, LongUnaryOperator ofThread) {
		long total = 0;
		for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
			if (info != null && info.getThreadName().startsWith(threadNamePrefix)) {
				total += Math.max(0, ofThread.applyAsLong(info.getThreadId()));
			}
		}
		return total;
	}

	static Result sequential(WebClient client, String url, int requests) {
		long[] latencies = new long[requests];
		AtomicInteger errors = new AtomicInteger();
		AtomicInteger index = new AtomicInteger();
		long start = System.nanoTime();
		for (int i = 0; i < requests; i++) {
			timed(client, url, latencies, index, errors).block(Duration.ofSeconds(30));
		}
		return new Result(requests, System.nanoTime() - start, latencies, errors.get());
	}

	private static Mono<String> timed(WebClient client, String url, long[] latencies, AtomicInteger index,
			AtomicInteger errors) {
		return Mono.defer(() -> {
			long started = System.nanoTime();
			return client.get()
				.uri(url)
				.retrieve()
				.bodyToMono(String.class)
				.doOnError((error) -> errors.incrementAndGet())
				.onErrorResume((error) -> Mono.empty())
				.doFinally((signal) -> latencies[index.getAndIncrement()] = System.nanoTime() - started);
		});
	}

	/** A mode through real proxy processes: the binary it needs, and how one proxy starts. */
	private record RealProxyMode(String binary, String description, Function<String, RealProxy> start) {
	}

	/**
	 * A proxy of the run as its URL gives it (an in-JVM proxy of the test kit or a real one):
	 * where it listens, its kind and credentials for the clients configured by hand, and the
	 * pool member. Printed, it shows the URL masked, as the starter does.
	 */
	private record ProxyServer(ProxyEndpoint endpoint) {

		static ProxyServer of(TestProxy proxy) {
			return new ProxyServer(ProxyEndpoint.parse(proxy.url()));
		}

		static ProxyServer of(RealProxy proxy) {
			return new ProxyServer(ProxyEndpoint.parse(proxy.url()));
		}

		String host() {
			return this.endpoint.host();
		}

		int port() {
			return this.endpoint.port();
		}

		ProxyProvider.Proxy type() {
			return ProxyProviders.type(this.endpoint);
		}

		/**
		 * The proxy settings with this proxy's credentials, when it asks for them, written as
		 * a user configuring Reactor Netty by hand would (not the starter's
		 * {@code ProxyProviders.builder}, which also sets the pool's handshake timeout).
		 */
		ProxyProvider.Builder credentials(ProxyProvider.Builder settings) {
			String user = this.endpoint.username();
			String password = this.endpoint.password();
			return (user != null) ? settings.username(user).password((name) -> password) : settings;
		}

	}

	/** The three proxies of the throughput parts, and the CPU time they have spent so far. */
	private record Proxies(ProxyServer a, ProxyServer b, ProxyServer c, LongSupplier cpuNanos) {
	}

	static Result median(List<Result> results) {
		List<Result> sorted = new ArrayList<>(results);
		sorted.sort((x, y) -> Double.compare(x.rps, y.rps));
		return sorted.get(sorted.size() / 2);
	}

	/** Requests per second and latencies of one run (and what the client spent on it, where measured). */
	static final class Result {

		final double rps;

		final double meanMillis;

		final double p50Millis;

		final double p99Millis;

		final int errors;

		double clientCpuMicros = Double.NaN;

		double clientAllocatedBytes = Double.NaN;

		double proxiesCpuMicros = Double.NaN;

		double stolenPercent = Double.NaN;

		private final long[] sorted;

		Result(int requests, long elapsedNanos, long[] latencies, int errors) {
			this.sorted = latencies.clone();
			Arrays.sort(this.sorted);
			this.rps = requests / (elapsedNanos / 1e9);
			this.meanMillis = Arrays.stream(this.sorted).average().orElse(0) / 1e6;
			this.p50Millis = this.sorted[this.sorted.length / 2] / 1e6;
			this.p99Millis = this.sorted[(int) (this.sorted.length * 0.99)] / 1e6;
			this.errors = errors;
		}

		long slowerThan(long millis) {
			return Arrays.stream(this.sorted).filter((nanos) -> nanos >= millis * 1_000_000).count();
		}

		@Override
		public String toString() {
			String cpu = Double.isNaN(this.clientCpuMicros) ? ""
					: String.format("  client CPU %.1f µs/request  allocated %.0f B/request  proxies CPU %.1f µs/request",
							this.clientCpuMicros, this.clientAllocatedBytes, this.proxiesCpuMicros);
			return String.format("%8.0f req/s  mean %.3f ms  p50 %.3f ms  p99 %.3f ms  errors %d%s", this.rps,
					this.meanMillis, this.p50Millis, this.p99Millis, this.errors, cpu);
		}

	}

}
