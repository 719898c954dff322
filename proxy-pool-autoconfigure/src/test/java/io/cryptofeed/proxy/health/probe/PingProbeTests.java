package io.cryptofeed.proxy.health.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The ping probe on loopback, the only address a test may rely on, and with a stand-in for
 * {@link InetAddress#isReachable(int)} to show how its answer and the timeout are handled.
 */
class PingProbeTests {

	private static final ProxyEndpoint LOOPBACK = ProxyEndpoint
		.parse("socks5://" + Canary.USER + ":" + Canary.PASSWORD + "@127.0.0.1:1080");

	@Test
	void loopbackIsReachableWithinOneSecond() {
		Duration took = HealthProbes.ping().check(LOOPBACK, Duration.ofSeconds(1)).block(Duration.ofSeconds(5));
		assertThat(took).isPositive().isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void hostNameIsResolved() {
		ProxyEndpoint localhost = ProxyEndpoint.parse("http://localhost:3128");
		assertThat(HealthProbes.ping().check(localhost, Duration.ofSeconds(1)).block(Duration.ofSeconds(5)))
			.isPositive();
	}

	@Test
	void passesTheAddressAndTheTimeoutInMillisecondsOffTheCallingThread() {
		AtomicReference<String> seen = new AtomicReference<>();
		PingProbe probe = new PingProbe((address, millis) -> {
			seen.set(address.getHostAddress() + " " + millis + " " + Thread.currentThread().getName());
			return true;
		});
		assertThat(probe.check(LOOPBACK, Duration.ofMillis(1500)).block(Duration.ofSeconds(5))).isPositive();
		assertThat(seen.get()).startsWith("127.0.0.1 1500 proxy-ping-");
	}

	/**
	 * The ping threads are never disposed (a ping may be asked for without a checker to close
	 * them), so they must be daemons, which never hold up the JVM's exit. That they are not
	 * Reactor's bounded-elastic threads, which Spring Boot makes virtual, the name above shows.
	 */
	@Test
	void pingsOnDaemonThreads() {
		AtomicReference<Thread> pinger = new AtomicReference<>();
		PingProbe probe = new PingProbe((address, millis) -> {
			pinger.set(Thread.currentThread());
			return true;
		});
		assertThat(probe.check(LOOPBACK, Duration.ofSeconds(1)).block(Duration.ofSeconds(5))).isPositive();
		assertThat(pinger.get().isDaemon()).isTrue();
	}

	@Test
	void unreachableHostFails() {
		PingProbe probe = new PingProbe((address, millis) -> false);
		ProbeFailedException failure = failure(probe, Duration.ofMillis(300));
		assertThat(failure).hasMessage("socks5://***@127.0.0.1:1080: host 127.0.0.1 did not answer a ping "
				+ "(ICMP echo, or TCP port 7 without privileges) within 300ms");
		Canary.assertAbsent(failure);
	}

	@Test
	void errorOfTheReachabilityTestFails() {
		PingProbe probe = new PingProbe((address, millis) -> {
			throw new IOException("Network is unreachable");
		});
		ProbeFailedException failure = failure(probe, Duration.ofMillis(300));
		assertThat(failure).hasMessage(
				"socks5://***@127.0.0.1:1080: pinging host 127.0.0.1 failed: IOException: Network is unreachable");
		Canary.assertAbsent(failure);
	}

	@Test
	void reachabilityTestThatOverrunsItsTimeoutIsCutOff() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger calls = new AtomicInteger();
		PingProbe probe = new PingProbe((address, millis) -> {
			calls.incrementAndGet();
			try {
				// Stands in for an isReachable that blocks longer than it was asked to
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return true;
		});
		try {
			Duration took = StepVerifier.create(probe.check(LOOPBACK, Duration.ofMillis(300)))
				.expectErrorSatisfies((error) -> {
					assertThat(error).isInstanceOf(ProbeFailedException.class)
						.hasMessage("socks5://***@127.0.0.1:1080: host 127.0.0.1 did not answer a ping within 300ms");
					Canary.assertAbsent(error);
				})
				.verify(Duration.ofSeconds(3));
			assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(3));
			assertThat(calls).hasValue(1);
		}
		finally {
			release.countDown();
		}
	}

	/**
	 * A ping that never returns (a name lookup or an {@code isReachable} that overruns its
	 * timeout) keeps its thread after its check has failed. Once as many such pings as Reactor's
	 * default bound of threads hold theirs, a ping of a host that answers must still get a thread
	 * of its own and pass, not wait in line with no end in sight (its member's check, and the
	 * slot it holds among the checks in flight, would never end).
	 */
	@Test
	void aPingOfAnAnsweringHostIsNotHeldUpByPingsThatNeverReturn() throws InterruptedException {
		int stuck = Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE;
		CountDownLatch everyOneStuck = new CountDownLatch(stuck);
		CountDownLatch release = new CountDownLatch(1);
		PingProbe probe = new PingProbe((address, millis) -> {
			if (!address.equals(InetAddress.getByName("127.0.0.2"))) {
				return true;
			}
			everyOneStuck.countDown();
			// stands in for a ping that ignores its timeout; the test lets it go at its end
			awaitUninterruptibly(release);
			return false;
		});
		List<Disposable> stuckPings = new ArrayList<>();
		try {
			for (int i = 0; i < stuck; i++) {
				stuckPings.add(probe.check(ProxyEndpoint.parse("socks5://127.0.0.2:1080"), Duration.ofMillis(100))
					.subscribe((took) -> {
					}, (error) -> {
					}));
			}
			assertThat(everyOneStuck.await(5, TimeUnit.SECONDS)).isTrue();

			Duration took = probe.check(LOOPBACK, Duration.ofMillis(300)).block(Duration.ofSeconds(3));

			assertThat(took).isPositive().isLessThan(Duration.ofMillis(300));
			assertThat(release.getCount()).as("the stuck pings still hold their threads").isOne();
		}
		finally {
			release.countDown();
			stuckPings.forEach(Disposable::dispose);
		}
	}

	/**
	 * When even the ping threads run out, every one held by a ping that never returned, a
	 * check waiting for one still fails within its timeout, saying why.
	 */
	@Test
	void aPingThatFindsNoFreeThreadFailsWithinItsTimeout() throws InterruptedException {
		CountDownLatch stuckPing = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Scheduler oneThread = Schedulers.newBoundedElastic(1, 100, "ping-test", 60, true);
		PingProbe probe = new PingProbe((address, millis) -> {
			stuckPing.countDown();
			awaitUninterruptibly(release);
			return true;
		}, oneThread);
		Disposable stuck = probe.check(LOOPBACK, Duration.ofMillis(100)).subscribe((took) -> {
		}, (error) -> {
		});
		try {
			assertThat(stuckPing.await(5, TimeUnit.SECONDS)).isTrue();
			Duration took = StepVerifier.create(probe.check(LOOPBACK, Duration.ofMillis(300)))
				.expectErrorSatisfies((error) -> {
					assertThat(error).isInstanceOf(ProbeFailedException.class)
						.hasMessage("socks5://***@127.0.0.1:1080: host 127.0.0.1 was not pinged within 300ms:"
								+ " no ping thread was free to take it");
					Canary.assertAbsent(error);
				})
				.verify(Duration.ofSeconds(3));
			assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(3));
		}
		finally {
			release.countDown();
			stuck.dispose();
			oneThread.dispose();
		}
	}

	@Test
	void nothingHappensUntilSubscribed() {
		AtomicInteger calls = new AtomicInteger();
		PingProbe probe = new PingProbe((address, millis) -> calls.incrementAndGet() > 0);
		probe.check(LOOPBACK, Duration.ofSeconds(1));
		assertThat(calls).hasValue(0);
	}

	/** Waits as native code does: a cancel's interrupt does not end the wait. */
	private static void awaitUninterruptibly(CountDownLatch latch) {
		boolean interrupted = false;
		while (true) {
			try {
				latch.await();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private static ProbeFailedException failure(HealthProbe probe, Duration timeout) {
		Throwable thrown = catchThrowable(() -> probe.check(LOOPBACK, timeout).block(Duration.ofSeconds(10)));
		assertThat(thrown).isInstanceOf(ProbeFailedException.class);
		return (ProbeFailedException) thrown;
	}

}
