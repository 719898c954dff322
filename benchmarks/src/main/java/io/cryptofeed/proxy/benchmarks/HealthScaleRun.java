package io.cryptofeed.proxy.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ProxyScheme;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.health.HealthCheckSettings;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.health.HealthListener;
import io.cryptofeed.proxy.health.probe.ProbeResources;
import io.cryptofeed.proxy.netty.ProxyTls;
import reactor.core.scheduler.Schedulers;

/**
 * One full round of tcp health checks over 10 000 distinct members: 10 000 loopback
 * listeners served by one selector thread that answers every CONNECT greeting with
 * {@code HTTP/1.1 500} (what a live proxy says for an unreachable target). Reports the time
 * until every member has been checked once, and the threads the checks used.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.cryptofeed.proxy.benchmarks.HealthScaleRun}
 * (needs about 10 100 file descriptors: {@code ulimit -n} of 20 000 here).
 */
public final class HealthScaleRun {

	private static final int MEMBERS = 10_000;

	private static final Duration LIMIT = Duration.ofSeconds(60);

	private HealthScaleRun() {
	}

	public static void main(String[] args) throws Exception {
		try (GreetingFarm farm = new GreetingFarm(MEMBERS)) {
			Set<String> threadsBefore = threadNames();
			List<MemberSpec> members = farm.ports()
				.stream()
				.map((port) -> MemberSpec.of(new ProxyEndpoint(ProxyScheme.HTTP, "127.0.0.1", port, null, null)))
				.toList();
			PoolKey key = PoolKey.ofDefault(ConnectionType.HTTP);
			ProxyPools pools = ProxyPools.of(
					List.of(new PoolSpec(key, PoolSpec.Origin.POOL, members, "round-robin", Duration.ofSeconds(30))),
					Map.of(), SelectionStrategies.builtIn()::create);
			HealthCheckSettings settings = new HealthCheckSettings(HealthCheckSettings.Method.TCP,
					Duration.ofSeconds(30), Duration.ofSeconds(5), 1, 2, 2, 0.1, null, (status) -> true,
					ProxyTls.systemDefault());
			// the same resources and limits as the auto-configuration
			try (ProbeResources probes = ProbeResources.create("proxy-health-io", 2);
					HealthChecker checker = new HealthChecker(pools, Map.of(key, settings),
							(s) -> probes.tcp(s.proxyTls()), Schedulers.newParallel("proxy-health", 1, true), Clock.systemUTC(),
							() -> ThreadLocalRandom.current().nextDouble(), Integer.getInteger("concurrency", 256),
							HealthListener.NONE)) {
				List<PoolMember> all = pools.pools().get(key).members();
				long start = System.nanoTime();
				checker.start();
				long deadline = start + LIMIT.toNanos();
				while (!all.stream().allMatch((m) -> checker.healthOf(m).orElseThrow().snapshot().totalChecks() >= 1)) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException("round not finished within " + Durations.format(LIMIT));
					}
					Thread.sleep(10);
				}
				long elapsed = (System.nanoTime() - start) / 1_000_000;
				long healthy = all.stream().filter((m) -> checker.healthOf(m).orElseThrow().snapshot().healthy()).count();
				Set<String> added = threadNames();
				added.removeAll(threadsBefore);
				System.out.printf("%d members, method tcp, first round spread over 1 s, at most %d checks in flight%n",
						MEMBERS, Integer.getInteger("concurrency", 256));
				System.out.printf("one full round: %d ms; members healthy after it: %d; greetings answered: %d%n",
						elapsed, healthy, farm.answered());
				System.out.printf("threads started for the checks (%d): %s%n", added.size(),
						added.stream().sorted().collect(Collectors.joining(", ")));
			}
		}
	}

	private static Set<String> threadNames() {
		return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
	}

	/** Listeners on many loopback ports, all served by one selector thread. */
	private static final class GreetingFarm implements AutoCloseable {

		private static final byte[] ANSWER = "HTTP/1.1 500 Unable to connect\r\nContent-Length: 0\r\n\r\n"
			.getBytes(StandardCharsets.US_ASCII);

		private final Selector selector = Selector.open();

		private final List<ServerSocketChannel> listeners = new ArrayList<>();

		private final Thread thread;

		private volatile boolean closed;

		private volatile int answered;

		GreetingFarm(int size) throws IOException {
			for (int i = 0; i < size; i++) {
				ServerSocketChannel listener = ServerSocketChannel.open();
				listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
				listener.bind(new InetSocketAddress("127.0.0.1", 0), 64);
				listener.configureBlocking(false);
				listener.register(this.selector, SelectionKey.OP_ACCEPT);
				this.listeners.add(listener);
			}
			this.thread = new Thread(this::serve, "greeting-farm");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		List<Integer> ports() {
			return this.listeners.stream().map((l) -> l.socket().getLocalPort()).toList();
		}

		int answered() {
			return this.answered;
		}

		private void serve() {
			ByteBuffer buffer = ByteBuffer.allocate(4096);
			while (!this.closed) {
				try {
					this.selector.select(100);
					for (SelectionKey key : this.selector.selectedKeys()) {
						if (!key.isValid()) {
							continue;
						}
						if (key.isAcceptable()) {
							SocketChannel client = ((ServerSocketChannel) key.channel()).accept();
							if (client != null) {
								client.configureBlocking(false);
								client.register(this.selector, SelectionKey.OP_READ);
							}
						}
						else if (key.isReadable()) {
							SocketChannel client = (SocketChannel) key.channel();
							buffer.clear();
							int read = client.read(buffer);
							if (read > 0) {
								// the greeting fits one read on loopback; answer and close
								client.write(ByteBuffer.wrap(ANSWER));
								this.answered++;
							}
							key.cancel();
							client.close();
						}
					}
					this.selector.selectedKeys().clear();
				}
				catch (IOException ex) {
					if (!this.closed) {
						throw new IllegalStateException(ex);
					}
				}
			}
		}

		@Override
		public void close() throws IOException {
			this.closed = true;
			this.selector.wakeup();
			for (ServerSocketChannel listener : this.listeners) {
				listener.close();
			}
			this.selector.close();
		}

	}

}
