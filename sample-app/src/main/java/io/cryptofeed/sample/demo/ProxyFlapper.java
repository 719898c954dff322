package io.cryptofeed.sample.demo;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.Socks5Proxy;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

import org.springframework.context.SmartLifecycle;

/**
 * Makes one demo proxy fail and recover on a timer: it works for {@code up-for}, then fails
 * for {@code down-for} with the next of the configured faults, and so on. A fault applies to
 * connections the proxy accepts from then on (a freeze or a crash to its open tunnels too), as
 * when a real proxy stops accepting, hangs, freezes or dies. Its timer is a Reactor
 * {@link Scheduler}, so that a test can drive it with a {@code VirtualTimeScheduler}.
 */
final class ProxyFlapper implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ProxyFlapper.class);

	private static final Duration RETRY = Duration.ofSeconds(1);

	private final DemoProxy proxy;

	private final DemoProperties.Flap flap;

	private final List<Fault> faults;

	private final Supplier<Scheduler> timers;

	/** Whether each timer is the flapper's own, to dispose of at stop, or lent by the context. */
	private final boolean ownsTimers;

	private Scheduler timer;

	/** The next step, cancelled at stop: a lent timer goes on running. */
	private Disposable pending;

	private int failures;

	/**
	 * @param timers gives the timer each {@link #start()} runs on
	 * @param ownsTimers whether {@link #stop()} disposes of that timer (one it made) or leaves it
	 * running (one the context lends, such as a test's virtual time)
	 */
	ProxyFlapper(DemoProxy proxy, DemoProperties.Flap flap, Supplier<Scheduler> timers, boolean ownsTimers) {
		this.proxy = proxy;
		this.flap = flap;
		this.timers = timers;
		this.ownsTimers = ownsTimers;
		this.faults = flap.faults().stream().map(ProxyFlapper::fault).toList();
		if (this.faults.isEmpty()) {
			throw new IllegalArgumentException("demo.flap.faults is empty: name at least one, e.g. refuse");
		}
		// found now, not at the first failure, where the timer's thread would end the flapping with it
		this.faults.forEach((fault) -> checkAnswerable(fault, proxy));
	}

	/** The two statuses are answers to an HTTP CONNECT, auth-fail a SOCKS5 status. */
	private static void checkAnswerable(Fault fault, DemoProxy proxy) {
		boolean socks = proxy.proxy() instanceof Socks5Proxy;
		boolean httpAnswer = fault.kind() == Fault.Kind.STATUS_407 || fault.kind() == Fault.Kind.STATUS_500;
		if (httpAnswer && socks) {
			throw new IllegalArgumentException("demo.flap.faults: " + fault.kind() + " is an HTTP CONNECT answer, and demo"
					+ " proxy " + proxy.name() + " speaks SOCKS5; choose another fault, or an HTTP proxy with demo.flap.proxy");
		}
		if (fault.kind() == Fault.Kind.AUTH_FAIL && !socks) {
			throw new IllegalArgumentException("demo.flap.faults: " + fault.kind() + " is a SOCKS5 answer, and demo proxy "
					+ proxy.name() + " speaks HTTP CONNECT; choose another fault, or a SOCKS5 proxy with demo.flap.proxy");
		}
	}

	private static Fault fault(Fault.Kind kind) {
		return switch (kind) {
			case REFUSE -> Fault.REFUSE;
			case HANG -> Fault.HANG;
			case HOLD -> Fault.HOLD;
			case RESET -> Fault.RESET;
			case STATUS_407 -> Fault.STATUS_407;
			case STATUS_500 -> Fault.STATUS_500;
			case AUTH_FAIL -> Fault.AUTH_FAIL;
			case STALL -> Fault.STALL;
			case FREEZE -> Fault.FREEZE;
			case CRASH -> Fault.CRASH;
			case NONE, DELAY -> throw new IllegalArgumentException("demo.flap.faults: " + kind
					+ " is not a failure; use refuse, hang, hold, reset, status-407, status-500, auth-fail, stall, freeze or crash");
		};
	}

	@Override
	public synchronized void start() {
		this.timer = this.timers.get();
		Duration cycle = this.flap.upFor().plus(this.flap.downFor());
		logger.info("demo: proxy " + this.proxy + " will fail every " + Durations.format(cycle) + " for "
				+ Durations.format(this.flap.downFor()) + ", faults in turn " + this.faults);
		schedule(this::fail, this.flap.upFor());
	}

	private synchronized void fail() {
		Fault fault = this.faults.get(this.failures++ % this.faults.size());
		this.proxy.proxy().fault(fault);
		logger.info("demo: proxy " + this.proxy.name() + " fails now, fault=" + fault + " for "
				+ Durations.format(this.flap.downFor()));
		schedule(this::recover, this.flap.downFor());
	}

	private synchronized void recover() {
		try {
			this.proxy.proxy().fault(Fault.NONE);
		}
		catch (IllegalStateException ex) {
			// a refusing or crashed proxy whose port another socket took meanwhile: try again soon
			logger.warn("demo: proxy " + this.proxy.name() + " cannot work again yet: " + ex.getMessage());
			schedule(this::recover, RETRY);
			return;
		}
		logger.info("demo: proxy " + this.proxy.name() + " works again, for " + Durations.format(this.flap.upFor()));
		schedule(this::fail, this.flap.upFor());
	}

	private void schedule(Runnable step, Duration delay) {
		if (this.timer != null && !this.timer.isDisposed()) {
			this.pending = this.timer.schedule(step, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public synchronized void stop() {
		this.pending.dispose();
		if (this.ownsTimers) {
			this.timer.dispose();
		}
		this.timer = null;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.timer != null;
	}

}
