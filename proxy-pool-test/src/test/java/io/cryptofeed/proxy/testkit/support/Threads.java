package io.cryptofeed.proxy.testkit.support;

import java.util.Arrays;
import java.util.List;

/**
 * Lists live threads by name, to prove that something stopped every thread it started, or to
 * see what one is doing.
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

	/** Whether a live thread whose name starts with the prefix is running a method of this name. */
	public static boolean inMethod(String prefix, String method) {
		return Thread.getAllStackTraces()
			.entrySet()
			.stream()
			.filter((thread) -> thread.getKey().getName().startsWith(prefix))
			.flatMap((thread) -> Arrays.stream(thread.getValue()))
			.anyMatch((frame) -> frame.getMethodName().equals(method));
	}

}
