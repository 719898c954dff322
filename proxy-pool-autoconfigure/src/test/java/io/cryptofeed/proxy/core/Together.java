package io.cryptofeed.proxy.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs tasks at once, each on a thread of its own, all released at one moment, and waits for
 * every one to end; an exception a task throws fails the caller. Each task bounds itself with
 * a count: the two-minute wait is a safety net, not synchronisation.
 */
public final class Together {

	private Together() {
	}

	/** The same task on so many threads. */
	public static List<Runnable> times(int threads, Runnable task) {
		return Collections.nCopies(threads, task);
	}

	public static void run(List<Runnable> tasks) throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(tasks.size());
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (Runnable task : tasks) {
				futures.add(executor.submit(() -> {
					await(start);
					task.run();
				}));
			}
			start.countDown();
			executor.shutdown();
			assertThat(executor.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
			for (Future<?> future : futures) {
				future.get(1, TimeUnit.SECONDS);
			}
		}
		finally {
			// a task still running after a failure must not run on into the next test
			executor.shutdownNow();
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
