package io.cryptofeed.proxy.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogTextTests {

	@Test
	void plainTextIsItselfAndCostsNoCopy() {
		String id = "coinbase-pro";
		assertThat(LogText.oneLine(id)).isSameAs(id);
		assertThat(LogText.oneLine("币安 binance.us")).isEqualTo("币安 binance.us");
		assertThat(LogText.oneLine(null)).isNull();
	}

	/** A line break would let the text forge a log line of its own; a quote would end its field. */
	@Test
	void whatCouldEndTheLineOrAQuotedFieldIsEscaped() {
		assertThat(LogText.oneLine("binance\nWARNING proxy health: state=unhealthy"))
			.isEqualTo("binance\\nWARNING proxy health: state=unhealthy");
		assertThat(LogText.oneLine("a\r\tb\"c\\d")).isEqualTo("a\\r\\tb\\\"c\\\\d");
		assertThat(LogText.oneLine("a\u2028b\u001b[31mc\u200bd")).isEqualTo("a\\u2028b\\u001b[31mc\\u200bd");
	}

}
