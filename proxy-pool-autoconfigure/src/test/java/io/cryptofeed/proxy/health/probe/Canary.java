package io.cryptofeed.proxy.health.probe;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A password that must never show up in anything the probes produce. */
final class Canary {

	static final String USER = "probe-user";

	static final String PASSWORD = "canary-Pa55w0rd-9f3c";

	private Canary() {
	}

	/** Asserts that neither the password nor the user appears in the throwable, its causes and suppressed. */
	static void assertAbsent(Throwable failure) {
		List<String> texts = new ArrayList<>();
		collect(failure, texts, 0);
		assertThat(texts).isNotEmpty().noneMatch((text) -> text.contains(PASSWORD));
		assertThat(texts).noneMatch((text) -> text.contains(USER + ":"));
	}

	private static void collect(Throwable failure, List<String> texts, int depth) {
		if (failure == null || depth > 20) {
			return;
		}
		texts.add(String.valueOf(failure.getMessage()));
		texts.add(failure.toString());
		texts.add(String.valueOf(failure.getLocalizedMessage()));
		for (Throwable suppressed : failure.getSuppressed()) {
			collect(suppressed, texts, depth + 1);
		}
		collect(failure.getCause(), texts, depth + 1);
	}

}
