package io.cryptofeed.proxy.health.probe;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.IntPredicate;

import io.cryptofeed.proxy.netty.ProxyTls;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;

/**
 * Probes that run on event loops of their own, which also time them out: health checks then
 * neither compete with the application's HTTP clients for event loops nor start timer threads
 * elsewhere. Closing stops the loops.
 */
public final class ProbeResources implements AutoCloseable {

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final LoopResources loops;

	private final Scheduler timer;

	private ProbeResources(LoopResources loops) {
		this.loops = loops;
		this.timer = Schedulers.fromExecutorService(loops.onClient(true), "proxy-health-io-timer");
	}

	/** Resources with {@code threads} event-loop threads named {@code prefix-N}. */
	public static ProbeResources create(String prefix, int threads) {
		return new ProbeResources(LoopResources.create(prefix, threads, true));
	}

	/** See {@link HealthProbes#tcp(ProxyTls)}. */
	public HealthProbe tcp(ProxyTls tls) {
		return new GreetingProbe(TcpClient.newConnection().runOn(this.loops), this.timer, tls);
	}

	/** See {@link HealthProbes#http(URI, IntPredicate, ProxyTls)}. */
	public HealthProbe http(URI url, IntPredicate expectedStatus, ProxyTls tls) {
		Objects.requireNonNull(url, "url");
		Objects.requireNonNull(expectedStatus, "expectedStatus");
		return new HttpThroughProxyProbe(url, expectedStatus, HttpClient.newConnection().runOn(this.loops),
				this.timer, tls);
	}

	/** See {@link HealthProbes#ping()}: blocking, so it runs on platform threads of its own. */
	public HealthProbe ping() {
		return HealthProbes.ping();
	}

	/** Stops the loops; the timer is a view of them and goes with them. */
	@Override
	public void close() {
		this.loops.disposeLater(Duration.ZERO, CLOSE_TIMEOUT).block(CLOSE_TIMEOUT);
	}

}
