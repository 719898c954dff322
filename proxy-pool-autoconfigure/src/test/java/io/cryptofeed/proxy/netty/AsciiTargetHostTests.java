package io.cryptofeed.proxy.netty;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AsciiTargetHostTests {

	@Test
	void aUrlWithAnInternationalizedHostKeepsAllButTheHostAsWritten() {
		URI url = URI.create("wss://user:pw@bücher.example:9443/ws/a%20b?symbols=%5B%22BTC%22%5D#top");
		assertThat(AsciiTargetHost.asciiUri(url))
			.hasToString("wss://user:pw@xn--bcher-kva.example:9443/ws/a%20b?symbols=%5B%22BTC%22%5D#top");
		assertThat(AsciiTargetHost.asciiUri(URI.create("ws://bücher.example/ws")).getHost())
			.isEqualTo("xn--bcher-kva.example");
	}

	@Test
	void anAsciiUrlOrOneWithoutAConvertibleNameIsLeftAsItIs() {
		URI ascii = URI.create("wss://stream.binance.com:9443/ws");
		assertThat(AsciiTargetHost.asciiUri(ascii)).isSameAs(ascii);
		URI tooLong = URI.create("ws://" + "ü".repeat(80) + ".example/ws");
		assertThat(AsciiTargetHost.asciiUri(tooLong)).isSameAs(tooLong);
	}

}
