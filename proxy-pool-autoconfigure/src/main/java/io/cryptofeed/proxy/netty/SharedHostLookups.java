package io.cryptofeed.proxy.netty;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import reactor.core.scheduler.Scheduler;

/**
 * At most one lookup of a proxy host name under way: a connect that finds one under way waits
 * for its outcome instead of starting another. A burst of connects through a name whose answer
 * expired would otherwise hold a worker thread each for as long as a DNS server that does not
 * answer holds the JDK's lookup, and everything else on those threads would queue behind them.
 * A lookup runs to its end whether or not anyone still waits, and hands a found address to
 * {@code onAnswer} before its waiters see it: an answer that comes after every connect gave up
 * is kept for the next one.
 */
final class SharedHostLookups {

	private final ProxyAddressResolver.Lookup lookup;

	private final Scheduler scheduler;

	private final BiConsumer<String, InetAddress> onAnswer;

	private final Map<String, CompletableFuture<InetAddress>> underWay = new ConcurrentHashMap<>();

	/**
	 * @param lookup the blocking lookup, run on {@code scheduler}
	 * @param onAnswer told of every address found, on the lookup's thread
	 */
	SharedHostLookups(ProxyAddressResolver.Lookup lookup, Scheduler scheduler,
			BiConsumer<String, InetAddress> onAnswer) {
		this.lookup = lookup;
		this.scheduler = scheduler;
		this.onAnswer = onAnswer;
	}

	/**
	 * The outcome of the lookup of the host under way, or of one started now. A caller that
	 * stops waiting must not cancel it (others may wait for it too).
	 */
	CompletableFuture<InetAddress> join(String host) {
		CompletableFuture<InetAddress> joined = this.underWay.get(host);
		if (joined != null) {
			// no allocation for the connects that find the lookup under way
			return joined;
		}
		CompletableFuture<InetAddress> started = new CompletableFuture<>();
		CompletableFuture<InetAddress> current = this.underWay.putIfAbsent(host, started);
		if (current != null) {
			return current;
		}
		try {
			this.scheduler.schedule(() -> run(host, started));
		}
		catch (RuntimeException ex) {
			// the scheduler refused the task (its queue is full, or it was disposed)
			this.underWay.remove(host, started);
			started.completeExceptionally(ex);
		}
		return started;
	}

	private void run(String host, CompletableFuture<InetAddress> started) {
		InetAddress address;
		try {
			address = this.lookup.byName(host);
		}
		catch (Throwable ex) {
			this.underWay.remove(host, started);
			started.completeExceptionally(ex);
			return;
		}
		try {
			// kept before the lookup leaves the map: a connect coming in between finds the answer
			// kept or this lookup's outcome, never a reason to look up again
			this.onAnswer.accept(host, address);
		}
		finally {
			this.underWay.remove(host, started);
			started.complete(address);
		}
	}

	/** Host names whose lookup is under way. */
	int underWay() {
		return this.underWay.size();
	}

}
