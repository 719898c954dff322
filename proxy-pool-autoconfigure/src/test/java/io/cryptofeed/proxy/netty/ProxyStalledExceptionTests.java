package io.cryptofeed.proxy.netty;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyStalledExceptionTests {

	/** A log line per cut request, not a screen of event-loop frames. */
	@Test
	void carriesItsMessageAndNoStackTrace() {
		ProxyStalledException stalled = new ProxyStalledException("no answer for 10s through proxy");

		assertThat(stalled).hasMessage("no answer for 10s through proxy");
		assertThat(stalled.getStackTrace()).isEmpty();
	}

}
