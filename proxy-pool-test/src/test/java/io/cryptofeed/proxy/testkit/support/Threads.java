package io.cryptofeed.proxy.testkit.support;

import java.util.List;

/**
 * Lists live threads by name, to prove that something stopped every thread it started.
 */
public final class Threads {

	private Threads() {
	}

	/** The names of the live threads whose names start with the prefix, sorted. */
	public static List<String> named(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith(prefix))
			.sorted()
			.toList();
	}

}
