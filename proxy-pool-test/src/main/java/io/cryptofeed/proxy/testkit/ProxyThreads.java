package io.cryptofeed.proxy.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Creates the named daemon threads of one proxy and remembers them, so that closing the proxy
 * can wait until every one of them has ended.
 */
final class ProxyThreads implements ThreadFactory {

	private final String namePrefix;

	private final AtomicInteger created = new AtomicInteger();

	private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

	ProxyThreads(String namePrefix) {
		this.namePrefix = namePrefix;
	}

	@Override
	public Thread newThread(Runnable task) {
		this.threads.removeIf((thread) -> !thread.isAlive() && thread.getState() != Thread.State.NEW);
		Thread thread = new Thread(task, this.namePrefix + this.created.incrementAndGet());
		thread.setDaemon(true);
		this.threads.add(thread);
		return thread;
	}

	/**
	 * Waits until every thread created so far has ended; call it once nothing creates threads
	 * any more, since a thread that was never started is not waited for.
	 * @throws IllegalStateException if some are still alive after the timeout
	 */
	void awaitTermination(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean interrupted = false;
		for (Thread thread : List.copyOf(this.threads)) {
			long remaining = deadline - System.nanoTime();
			try {
				if (remaining > 0 && thread.getState() != Thread.State.NEW) {
					TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
				}
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		List<String> alive = this.threads.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.sorted()
			.collect(Collectors.toList());
		if (!alive.isEmpty()) {
			throw new IllegalStateException("Threads still running after close: " + alive);
		}
	}

}
