package io.cryptofeed.proxy.netty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.netty.resolver.AddressResolverGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.TransportConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The target of a direct connection is looked up off the event loop: Reactor Netty looks it up
 * with a blocking JDK call on the thread that starts the connect, which is an event loop
 * whenever a request follows another one's answer.
 */
class DirectHostLookupsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private TargetServer target;

	private HttpConnectProxy otherExchangesProxy;

	@BeforeEach
	void start() {
		this.target = TargetServer.start("127.0.0.1");
		this.otherExchangesProxy = HttpConnectProxy.builder().bindAddress("127.0.0.1").start();
	}

	@AfterEach
	void stop() {
		this.otherExchangesProxy.close();
		this.target.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "no pool at all", "a pool for another exchange only" })
	void aDirectConnectStartedOnAnEventLoopLooksItsHostUpOnAWorker(String configuration) {
		String[] properties = configuration.equals("no pool at all") ? new String[0]
				: new String[] { "cryptofeed.proxy.exchanges.other.hosts=example.invalid",
						"cryptofeed.proxy.exchanges.other.http.url=" + this.otherExchangesProxy.url() };
		TransportTestSupport.runner().withPropertyValues(properties).run((context) -> {
			List<Connect> connects = new CopyOnWriteArrayList<>();
			ConnectionProvider provider = new RecordingProvider(ConnectionProvider.create("direct-lookups", 16),
					connects);
			try {
				HttpClient own = context.getBean(ProxyPoolHttpClients.class)
					.apply(HttpClient.create(provider), ConnectionType.HTTP);
				Mono<String> byAddress = whoami(own, "127.0.0.1");
				Mono<String> byName = whoami(own, "localhost");
				// each request after the first starts on the event loop that read the answer before it
				String last = byAddress.flatMap((first) -> byName)
					.flatMap((second) -> byName)
					.flatMap((third) -> byAddress)
					.block(WAIT);
				assertThat(last).isEqualTo("127.0.0.1");
				assertThat(connects).extracting(Connect::host)
					.containsExactly("127.0.0.1", "localhost", "localhost", "127.0.0.1");
				assertThat(connects.get(1).onEventLoop()).as("a name not looked up yet: on a worker").isFalse();
				// loomBoundedElastic-N where Spring Boot puts the scheduler on virtual threads
				assertThat(connects.get(1).thread()).containsIgnoringCase("boundedElastic");
				assertThat(connects.get(2).onEventLoop()).as("the same name again: in the JDK's cache").isTrue();
				assertThat(connects.get(3).onEventLoop()).as("an address: nothing to look up").isTrue();
				assertThat(this.otherExchangesProxy.accepted()).isZero();
			}
			finally {
				provider.disposeLater().block(WAIT);
			}
		});
	}

	@Test
	void aNameLookedUpAMomentAgoIsReadyUntilItsTimeIsOver() {
		TestClock clock = new TestClock();
		DirectHostLookups lookups = new DirectHostLookups(clock.ticker(), Duration.ofSeconds(10));
		assertThat(lookups.ready("localhost")).isFalse();
		assertThat(lookups.thenOnWorker("localhost", "value").block(WAIT)).isEqualTo("value");
		assertThat(lookups.ready("localhost")).isTrue();
		clock.advance(Duration.ofSeconds(9));
		assertThat(lookups.ready("localhost")).isTrue();
		clock.advance(Duration.ofSeconds(1));
		assertThat(lookups.ready("localhost")).isFalse();
	}

	/** The JDK's cache runs on a monotonic ticker: a clock set back must not make a dropped answer look ready. */
	@Test
	void aStepOfTheWallClockDoesNotKeepANameReadyLonger() {
		TestClock clock = new TestClock();
		DirectHostLookups lookups = new DirectHostLookups(clock.ticker(), Duration.ofSeconds(10));
		assertThat(lookups.thenOnWorker("localhost", "value").block(WAIT)).isEqualTo("value");

		clock.step(Duration.ofHours(1));
		assertThat(lookups.ready("localhost")).as("ready after a step forward").isTrue();
		clock.step(Duration.ofHours(-2));
		clock.advance(Duration.ofSeconds(10));
		assertThat(lookups.ready("localhost")).as("its moment is over, whatever the wall clock says").isFalse();
	}

	@Test
	void addressesAndMissingHostsAreAlwaysReady() {
		DirectHostLookups lookups = new DirectHostLookups(System::nanoTime, Duration.ofSeconds(10));
		assertThat(lookups.ready("10.0.0.7")).isTrue();
		assertThat(lookups.ready("::1")).isTrue();
		assertThat(lookups.ready("[::1]")).as("as URI.getHost() gives it").isTrue();
		assertThat(lookups.ready(null)).isTrue();
		assertThat(lookups.ready("api.example.com")).isFalse();
	}

	@Test
	void aNameIsTrustedForHalfTheJdksCacheTimeAndAtMostTenSeconds() {
		assertThat(DirectHostLookups.freshFor(30)).isEqualTo(Duration.ofSeconds(10));
		assertThat(DirectHostLookups.freshFor(8)).isEqualTo(Duration.ofSeconds(4));
		assertThat(DirectHostLookups.freshFor(0)).as("the JDK caches nothing").isZero();
		assertThat(DirectHostLookups.freshFor(-1)).as("the JDK caches forever").isEqualTo(Duration.ofSeconds(10));
	}

	private Mono<String> whoami(HttpClient client, String host) {
		return client.get()
			.uri("http://" + host + ":" + this.target.port() + "/whoami")
			.responseContent()
			.aggregate()
			.asString();
	}

	/** Where a connect asked for its target's address: the host, the thread, and whether it was an event loop. */
	private record Connect(String host, String thread, boolean onEventLoop) {
	}

	/** Records the thread on which Reactor Netty reads (and, for a direct connection, resolves) each target address. */
	private static final class RecordingProvider implements ConnectionProvider {

		private final ConnectionProvider delegate;

		private final List<Connect> connects;

		RecordingProvider(ConnectionProvider delegate, List<Connect> connects) {
			this.delegate = delegate;
			this.connects = connects;
		}

		@Override
		public Mono<? extends Connection> acquire(TransportConfig config, ConnectionObserver observer,
				Supplier<? extends SocketAddress> remote, AddressResolverGroup<?> resolver) {
			Supplier<SocketAddress> recording = () -> {
				SocketAddress address = remote.get();
				String host = (address instanceof InetSocketAddress inet) ? inet.getHostString()
						: String.valueOf(address);
				this.connects.add(new Connect(host, Thread.currentThread().getName(),
						Schedulers.isInNonBlockingThread()));
				return address;
			};
			return this.delegate.acquire(config, observer, recording, resolver);
		}

		@Override
		public Mono<Void> disposeLater() {
			return this.delegate.disposeLater();
		}

		@Override
		public int maxConnections() {
			return this.delegate.maxConnections();
		}

		@Override
		public Map<SocketAddress, Integer> maxConnectionsPerHost() {
			return this.delegate.maxConnectionsPerHost();
		}

	}

}
