package io.cryptofeed.sample.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.HttpConnectProxy;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import io.cryptofeed.proxy.testkit.TestProxiesExtension;
import io.cryptofeed.proxy.testkit.TestProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class ProxyFlapperTests {

	private static final Duration UP_FOR = Duration.ofSeconds(20);

	private static final Duration DOWN_FOR = Duration.ofSeconds(15);

	@RegisterExtension
	final TestProxiesExtension proxies = new TestProxiesExtension();

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	@Test
	void failsAndRecoversOnItsTimerWithEachFaultInTurn() {
		HttpConnectProxy proxy = this.proxies.http();
		ProxyFlapper flapper = start(proxy, Fault.Kind.HANG, Fault.Kind.STATUS_500);

		this.time.advanceTimeBy(UP_FOR.minusMillis(1));
		assertThat(proxy.fault()).isEqualTo(Fault.NONE);
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(proxy.fault()).isEqualTo(Fault.HANG);
		this.time.advanceTimeBy(DOWN_FOR);
		assertThat(proxy.fault()).isEqualTo(Fault.NONE);
		this.time.advanceTimeBy(UP_FOR);
		assertThat(proxy.fault()).isEqualTo(Fault.STATUS_500);

		flapper.stop();
		this.time.advanceTimeBy(DOWN_FOR);
		assertThat(proxy.fault()).as("stopped while down").isEqualTo(Fault.STATUS_500);

		// the timer was lent, not the flapper's: a context started again flaps again
		proxy.fault(Fault.NONE);
		flapper.start();
		this.time.advanceTimeBy(UP_FOR);
		assertThat(proxy.fault()).isEqualTo(Fault.HANG);
		flapper.stop();
	}

	@Test
	void aPortTakenWhileTheProxyWasDownIsTriedAgainASecondLaterWithAWarning(CapturedOutput output)
			throws IOException {
		HttpConnectProxy proxy = this.proxies.http();
		ProxyFlapper flapper = start(proxy, Fault.Kind.REFUSE);
		this.time.advanceTimeBy(UP_FOR);
		assertThat(proxy.fault()).isEqualTo(Fault.REFUSE);

		try (ServerSocket taker = new ServerSocket(proxy.port(), 1, InetAddress.getByName(proxy.host()))) {
			this.time.advanceTimeBy(DOWN_FOR);
			assertThat(proxy.fault()).isEqualTo(Fault.REFUSE);
			assertThat(output).contains("WARN")
				.contains("demo: proxy bravo cannot work again yet: ")
				.contains("cannot take its port " + proxy.host() + ":" + proxy.port() + " back");
		}
		this.time.advanceTimeBy(Duration.ofMillis(999));
		assertThat(proxy.fault()).isEqualTo(Fault.REFUSE);
		this.time.advanceTimeBy(Duration.ofMillis(1));

		assertThat(proxy.fault()).isEqualTo(Fault.NONE);
		new Socket(proxy.host(), proxy.port()).close();
		await().atMost(Duration.ofSeconds(5)).until(() -> proxy.accepted() == 1);
		assertThat(output).contains("demo: proxy bravo works again");
		flapper.stop();
	}

	@Test
	void aFaultTheProxyCannotAnswerWithStopsTheStartInsteadOfTheFlapping() {
		HttpConnectProxy http = this.proxies.http();
		assertThatIllegalArgumentException().isThrownBy(() -> start(http, Fault.Kind.HANG, Fault.Kind.AUTH_FAIL))
			.withMessage("demo.flap.faults: AUTH_FAIL is a SOCKS5 answer, and demo proxy bravo speaks HTTP CONNECT;"
					+ " choose another fault, or a SOCKS5 proxy with demo.flap.proxy");
		assertThat(http.fault()).isEqualTo(Fault.NONE);

		Socks5Proxy socks = this.proxies.socks5();
		assertThatIllegalArgumentException().isThrownBy(() -> start(socks, Fault.Kind.STATUS_407))
			.withMessage("demo.flap.faults: STATUS_407 is an HTTP CONNECT answer, and demo proxy bravo speaks SOCKS5;"
					+ " choose another fault, or an HTTP proxy with demo.flap.proxy");
	}

	private ProxyFlapper start(TestProxy proxy, Fault.Kind... faults) {
		DemoProperties.Flap flap = new DemoProperties.Flap("bravo", UP_FOR, DOWN_FOR, List.of(faults));
		ProxyFlapper flapper = new ProxyFlapper(new DemoProxy("bravo", proxy, proxy.host()), flap, () -> this.time, false);
		flapper.start();
		return flapper;
	}

}
