package io.cryptofeed.proxy.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.PoolsChange;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.TestClock;
import io.cryptofeed.proxy.core.strategy.RoundRobinStrategy;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.ssl.SslHandler;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;

import static io.cryptofeed.proxy.netty.ProxyAddressResolver.STANDS_IN_FOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Proxy addresses: IP literals parsed without a lookup, and kept within a bound; an
 * {@code https} member's address asks for TLS to the proxy.
 */
class ProxyAddressResolverTests {

	private final ProxyAddressResolver resolver = new ProxyAddressResolver(Duration.ofMinutes(1), System::nanoTime);

	/**
	 * A burst of connects through a named proxy whose answer expired (or was never there): one
	 * lookup, whose answer they all take. A lookup each would hold a worker thread each (the
	 * bounded-elastic scheduler has ten per core) for as long as a DNS server that does not
	 * answer keeps the JDK's lookup, and the application's own blocking work would queue behind them.
	 */
	@Test
	void aBurstOfConnectsThroughOneNameMakesOneLookupAndAllTakeItsAnswer() throws Exception {
		CountDownLatch answer = new CountDownLatch(1);
		AtomicInteger lookups = new AtomicInteger();
		InetAddress proxyAddress = InetAddress.getByAddress("proxy.example", new byte[] { 10, 0, 0, 9 });
		ProxyAddressResolver names = new ProxyAddressResolver(Duration.ofMinutes(1), System::nanoTime, (host) -> {
			lookups.incrementAndGet();
			awaitQuietly(answer);
			return new InetAddress[] { proxyAddress };
		});
		ProxyEndpoint endpoint = ProxyEndpoint.parse("http://feed:secret@proxy.example:3128");
		try {
			List<CompletableFuture<InetSocketAddress>> connects = IntStream.range(0, 200)
				.mapToObj((connect) -> names.resolve(endpoint, Duration.ofSeconds(30)).toFuture())
				.toList();
			answer.countDown();

			for (CompletableFuture<InetSocketAddress> connect : connects) {
				assertThat(connect.get(10, TimeUnit.SECONDS)).isEqualTo(new InetSocketAddress(proxyAddress, 3128));
			}
			assertThat(lookups).as("lookups for 200 connects").hasValue(1);
		}
		finally {
			answer.countDown();
		}
	}

	/**
	 * The connects that waited for a lookup gave up at their connect timeout, and then the
	 * answer came: it is kept for its minute, so the next connect takes it rather than looking
	 * up again (and giving up again on the same slow DNS server).
	 */
	@Test
	void anAnswerThatCameAfterEveryConnectGaveUpIsKeptForTheNext() throws Exception {
		CountDownLatch answer = new CountDownLatch(1);
		AtomicInteger lookups = new AtomicInteger();
		InetAddress proxyAddress = InetAddress.getByAddress("slow-dns.example", new byte[] { 10, 0, 0, 9 });
		ProxyAddressResolver names = new ProxyAddressResolver(Duration.ofMinutes(1), System::nanoTime, (host) -> {
			lookups.incrementAndGet();
			awaitQuietly(answer);
			return new InetAddress[] { proxyAddress };
		});
		ProxyEndpoint endpoint = ProxyEndpoint.parse("socks5://feed:secret@slow-dns.example:1080");
		try {
			Throwable failure = names.resolve(endpoint, Duration.ofMillis(100))
				.map((address) -> (Throwable) new AssertionError("resolved to " + address))
				.onErrorResume(Mono::just)
				.block(Duration.ofSeconds(10));
			assertThat(failure).isInstanceOf(UnknownHostException.class);
			answer.countDown();

			await().atMost(Duration.ofSeconds(10)).until(() -> names.ready(endpoint) != null);
			assertThat(names.ready(endpoint)).isEqualTo(new InetSocketAddress(proxyAddress, 1080));
			assertThat(lookups).hasValue(1);
		}
		finally {
			answer.countDown();
		}
	}

	/**
	 * The connects that shared a lookup which failed each get a failure of their own: failover
	 * adds to the exception a connect ends with, and one shared by a burst would pile up with
	 * every connect's additions.
	 */
	@Test
	void connectsThatSharedAFailedLookupEachGetAFailureOfTheirOwn() {
		CountDownLatch answer = new CountDownLatch(1);
		ProxyAddressResolver names = new ProxyAddressResolver(Duration.ofMinutes(1), System::nanoTime, (host) -> {
			awaitQuietly(answer);
			throw new UnknownHostException(host + ": Name or service not known");
		});
		ProxyEndpoint endpoint = ProxyEndpoint.parse("http://feed:secret@gone.example:3128");
		try {
			List<CompletableFuture<InetSocketAddress>> connects = IntStream.range(0, 2)
				.mapToObj((connect) -> names.resolve(endpoint, Duration.ofSeconds(30)).toFuture())
				.toList();
			answer.countDown();

			List<Throwable> failures = connects.stream()
				.map((connect) -> connect.handle((address, failure) -> failure).join())
				.toList();
			assertThat(failures).allSatisfy((failure) -> assertThat(failure).isInstanceOf(UnknownHostException.class)
				.hasMessage("gone.example: Name or service not known"));
			assertThat(failures.get(0)).isNotSameAs(failures.get(1));
		}
		finally {
			answer.countDown();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}


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
	void anHttpsMembersAddressPutsTlsUnderTheProxyHandshakeAndAnHttpMembersDoesNot() {
		InetSocketAddress https = this.resolver.ready(ProxyEndpoint.parse("https://feed:secret@10.0.0.7:8443"));
		InetSocketAddress http = this.resolver.ready(ProxyEndpoint.parse("http://feed:secret@10.0.0.7:8443"));
		TestClock clock = new TestClock();
		ProxyAddressResolver names = new ProxyAddressResolver(Duration.ofMinutes(1), clock.ticker());
		names.keep("proxy.example", new InetAddress[] { InetAddress.getLoopbackAddress() });
		InetSocketAddress named = names.ready(ProxyEndpoint.parse("https://proxy.example:8443"));

		assertThat(firstHandlerAfterSecuring(https)).isInstanceOf(SslHandler.class);
		assertThat(firstHandlerAfterSecuring(named)).isInstanceOf(SslHandler.class);
		assertThat(firstHandlerAfterSecuring(http)).isNotInstanceOf(SslHandler.class);
		assertThat(https).as("the same socket address, whichever the scheme").isEqualTo(http);
		assertThatIllegalArgumentException().isThrownBy(() -> ProxyTls.address(
				ProxyEndpoint.parse("https://proxy.example:8443"),
				InetSocketAddress.createUnresolved("proxy.example", 8443)));
	}

	/** The handler nearest the socket once the pools' channel initializer has seen a proxy handler to the address. */
	private static ChannelHandler firstHandlerAfterSecuring(InetSocketAddress proxy) {
		// never registered, as when the pools' initializer runs: the handlers start nothing
		EmbeddedChannel channel = new EmbeddedChannel(false, false);
		channel.pipeline().addLast(NettyPipeline.ProxyHandler, new HttpProxyHandler(proxy));
		ProxyTls.systemDefault().secure(channel);
		return channel.pipeline().first();
	}

	@Test
	void aNewUserForEverySessionDoesNotGrowTheKeptAddressesWithoutBound() {
		// a proxy service that hands out a user per session, on one IP-literal proxy
		for (int session = 0; session < ProxyAddressResolver.MAX_KEPT * 3; session++) {
			ProxyEndpoint endpoint = ProxyEndpoint.parse("socks5://session-" + session + ":secret@10.0.0.7:1080");
			assertThat(this.resolver.ready(endpoint).getAddress().getHostAddress()).isEqualTo("10.0.0.7");
		}

		// the users of one proxy share its place; the bound itself is reached below, by addresses
		assertThat(this.resolver.keptLiterals()).isOne();
	}

	/**
	 * A reload that changes only a member's password keeps the member (docs/operations.md), so
	 * no removal tells the resolver: the address kept for the old URL must not hold the old
	 * password, nor each rotation take another place in the bound.
	 */
	@Test
	void aRotatedPasswordTakesNoNewPlaceAndLeavesNoOldCredentialBehind() {
		for (int rotation = 0; rotation < 10; rotation++) {
			ProxyEndpoint endpoint = ProxyEndpoint.parse("http://feed:secret-" + rotation + "@10.0.0.7:3128");
			assertThat(this.resolver.ready(endpoint).getPort()).isEqualTo(3128);
		}

		// one place, whatever the password: a key of its own per URL would hold each old password
		assertThat(this.resolver.keptLiterals()).isOne();
	}

	/** Reloads that swap members, run after run, must not fill the bound with gone ones. */
	@Test
	void membersAReloadRemovedMakeRoomForTheOnesThatReplaceThem() {
		ProxyPool pool = new ProxyPool(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP), PoolSpec.Origin.POOL,
				List.of(MemberSpec.of(ProxyEndpoint.parse("http://feed:secret@10.9.9.1:3128"))), "round-robin",
				Duration.ofSeconds(30)), new RoundRobinStrategy(0));
		PoolMember removed = pool.members().get(0);
		this.resolver.ready(removed.endpoint());
		for (int other = 1; other < ProxyAddressResolver.MAX_KEPT; other++) {
			this.resolver.ready(ProxyEndpoint.parse("http://10.0." + (other / 250) + "." + (other % 250) + ":3128"));
		}
		ProxyEndpoint added = ProxyEndpoint.parse("http://10.9.9.2:3128");
		assertThat(this.resolver.ready(added)).as("no room").isNotSameAs(this.resolver.ready(added));

		this.resolver.forget(new PoolsChange(List.of(), List.of(), List.of(),
				List.of(new PoolsChange.Member(pool, removed))));

		assertThat(this.resolver.ready(added)).isSameAs(this.resolver.ready(added));
		assertThat(this.resolver.keptLiterals()).isEqualTo(ProxyAddressResolver.MAX_KEPT);
	}

	/** An NTP step or an operator sets the clock back: a proxy that moved must still be looked up again in a minute. */
	@Test
	void aStepOfTheWallClockNeitherKeepsAnAddressLongerNorDropsItSooner() {
		TestClock clock = new TestClock();
		AtomicInteger lookups = new AtomicInteger();
		ProxyAddressResolver names = new ProxyAddressResolver(Duration.ofMinutes(1), clock.ticker(), (host) -> {
			lookups.incrementAndGet();
			return new InetAddress[] { InetAddress.getLoopbackAddress() };
		});
		ProxyEndpoint proxy = ProxyEndpoint.parse("http://proxy.example:3128");
		names.keep(proxy.host(), new InetAddress[] { InetAddress.getLoopbackAddress() });

		clock.step(Duration.ofHours(1));
		assertThat(names.ready(proxy)).as("kept after a step forward").isNotNull();
		assertThat(lookups).as("looked up again after a step forward").hasValue(0);
		clock.step(Duration.ofHours(-2));
		clock.advance(Duration.ofMinutes(1));
		names.ready(proxy);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lookups)
			.as("its minute is over, whatever the wall clock says: looked up again")
			.hasValue(1));
	}

	/**
	 * A name's minute is over: its last answer stands in at once while the name is looked up
	 * again (a connect does not wait for a slow DNS server), and the new answer replaces it as
	 * soon as it comes; the connects meanwhile share that one lookup.
	 */
	@Test
	void anExpiredAnswerStandsInWhileTheNameIsLookedUpAgainAndTheNewAnswerReplacesIt() throws Exception {
		TestClock clock = new TestClock();
		CountDownLatch answer = new CountDownLatch(1);
		AtomicInteger lookups = new AtomicInteger();
		InetAddress before = InetAddress.getByAddress("proxy.example", new byte[] { 10, 0, 0, 8 });
		InetAddress moved = InetAddress.getByAddress("proxy.example", new byte[] { 10, 0, 0, 9 });
		ProxyAddressResolver names = new ProxyAddressResolver(Duration.ofMinutes(1), clock.ticker(), (host) -> {
			lookups.incrementAndGet();
			awaitQuietly(answer);
			return new InetAddress[] { moved };
		});
		ProxyEndpoint endpoint = ProxyEndpoint.parse("http://feed:secret@proxy.example:3128");
		names.keep(endpoint.host(), new InetAddress[] { before });
		clock.advance(Duration.ofMinutes(1));
		try {
			for (int connect = 0; connect < 50; connect++) {
				assertThat(names.ready(endpoint)).isEqualTo(new InetSocketAddress(before, 3128));
			}
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lookups).hasValue(1));
			answer.countDown();

			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(names.ready(endpoint)).isEqualTo(new InetSocketAddress(moved, 3128)));
			assertThat(lookups).as("one lookup for 50 connects").hasValue(1);
		}
		finally {
			answer.countDown();
		}
	}

	/**
	 * The DNS server fails: the feed stays on the name's last answer for {@link
	 * ProxyAddressResolver#STANDS_IN_FOR} after its minute, looking the name up again (one lookup
	 * at a time) at the connects meanwhile; after that the name is as one that does not resolve,
	 * until the DNS server answers again.
	 */
	@Test
	void whileTheDnsServerFailsTheLastAnswerStandsInForABoundedTime() throws Exception {
		TestClock clock = new TestClock();
		AtomicBoolean dnsDown = new AtomicBoolean(true);
		AtomicInteger lookups = new AtomicInteger();
		InetAddress last = InetAddress.getByAddress("proxy.example", new byte[] { 10, 0, 0, 8 });
		InetAddress back = InetAddress.getByAddress("proxy.example", new byte[] { 10, 0, 0, 9 });
		ProxyAddressResolver names = new ProxyAddressResolver(Duration.ofMinutes(1), clock.ticker(), (host) -> {
			lookups.incrementAndGet();
			if (dnsDown.get()) {
				throw new UnknownHostException(host + ": Temporary failure in name resolution");
			}
			return new InetAddress[] { back };
		});
		ProxyEndpoint endpoint = ProxyEndpoint.parse("socks5://feed:secret@proxy.example:1080");
		names.keep(endpoint.host(), new InetAddress[] { last });

		clock.advance(Duration.ofMinutes(1));
		assertThat(names.ready(endpoint)).isEqualTo(new InetSocketAddress(last, 1080));
		awaitFailedLookups(names, lookups, 1);
		clock.advance(STANDS_IN_FOR.minusSeconds(1));
		assertThat(names.ready(endpoint)).as("after a failed lookup, within the bound")
			.isEqualTo(new InetSocketAddress(last, 1080));
		awaitFailedLookups(names, lookups, 2);

		clock.advance(Duration.ofSeconds(1));
		assertThat(names.ready(endpoint)).as("the bound is reached").isNull();
		Throwable failure = names.resolve(endpoint, Duration.ofSeconds(30))
			.map((address) -> (Throwable) new AssertionError("resolved to " + address))
			.onErrorResume(Mono::just)
			.block(Duration.ofSeconds(10));
		assertThat(failure).isInstanceOf(UnknownHostException.class)
			.hasMessageContaining("proxy.example")
			.hasMessageNotContaining("secret");

		dnsDown.set(false);
		assertThat(names.resolve(endpoint, Duration.ofSeconds(30)).block(Duration.ofSeconds(10)))
			.isEqualTo(new InetSocketAddress(back, 1080));
	}

	private static void awaitFailedLookups(ProxyAddressResolver names, AtomicInteger lookups, int count) {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(lookups).hasValue(count);
			assertThat(names.lookupsUnderWay()).isZero();
		});
	}

	@Test
	void proxyHostNamesAreKeptWithinTheSameBoundAndExpiredOnesMakeRoom() {
		TestClock clock = new TestClock();
		ProxyAddressResolver names = new ProxyAddressResolver(Duration.ofMinutes(1), clock.ticker());
		InetAddress loopback = InetAddress.getLoopbackAddress();
		for (int i = 0; i < ProxyAddressResolver.MAX_KEPT + 10; i++) {
			names.keep("proxy-" + i + ".example", new InetAddress[] { loopback });
		}
		assertThat(names.keptNames()).isEqualTo(ProxyAddressResolver.MAX_KEPT);
		assertThat(names.ready(ProxyEndpoint.parse("http://proxy-0.example:3128"))).isNotNull();
		ProxyEndpoint late = ProxyEndpoint.parse("http://late.example:3128");
		names.keep(late.host(), new InetAddress[] { loopback });
		assertThat(names.ready(late)).as("no room yet").isNull();

		clock.advance(Duration.ofMinutes(1));
		names.keep(late.host(), new InetAddress[] { loopback });
		assertThat(names.ready(late)).isNotNull();
		assertThat(names.keptNames()).isOne();
	}

	/**
	 * A DNS server that does not answer holds the JDK's lookup for as long as the system
	 * resolver waits (5 s a try, twice per server, by glibc's defaults): the connect through the
	 * member must give up after the connect timeout, as an unresolved name, so that the next
	 * member carries the request and the breaker counts the failure. The lookup runs on a
	 * worker thread, never on the connecting one (an event loop).
	 */
	@Test
	void aLookupThatDoesNotAnswerFailsWithinTheConnectTimeoutOffTheCallersThread() throws Exception {
		CountDownLatch answer = new CountDownLatch(1);
		List<String> lookupThreads = new CopyOnWriteArrayList<>();
		ProxyAddressResolver names = new ProxyAddressResolver(Duration.ofMinutes(1), System::nanoTime, (host) -> {
			lookupThreads.add(Thread.currentThread().getName());
			try {
				answer.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return new InetAddress[] { InetAddress.getLoopbackAddress() };
		});
		try {
			long start = System.nanoTime();
			Throwable failure = names.resolve(ProxyEndpoint.parse("socks5://feed:secret@slow-dns.example:1080"),
					Duration.ofMillis(300))
				.map((address) -> (Throwable) new AssertionError("resolved to " + address))
				.onErrorResume(Mono::just)
				.block(Duration.ofSeconds(10));

			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(failure).isInstanceOf(UnknownHostException.class)
				.hasMessageContaining("slow-dns.example")
				.hasMessageContaining("300ms")
				.hasMessageNotContaining("secret");
			assertThat(ConnectFailures.beforeTunnel(failure)).as("failed over, blamed on the member").isTrue();
			assertThat(lookupThreads).singleElement().asString().startsWith("boundedElastic");
		}
		finally {
			answer.countDown();
		}
	}

}
