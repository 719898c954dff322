package io.cryptofeed.proxy.netty;

import java.util.List;

import io.cryptofeed.proxy.core.ConnectionType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyConnectFailedExceptionTests {

	/** The exchange is the request's own text: a line break in it must not start a forged line where the message is logged. */
	@Test
	void anExchangeIdWithALineBreakStaysOnTheMessagesLine() {
		ProxyConnectFailedException failed = new ProxyConnectFailedException("binance\nWARNING forged",
				ConnectionType.HTTP, List.of("http://10.0.0.1:3128 -> ConnectException: refused"), null);
		assertThat(failed.getMessage()).doesNotContain("\n")
			.startsWith("no proxy could connect: exchange=binance\\nWARNING forged type=");
		assertThat(failed.exchange()).as("the id as the request named it").isEqualTo("binance\nWARNING forged");
	}

}
