package io.cryptofeed.proxy.netty;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class UrlHostsTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "null", value = {
			"https://api.binance.com/api/v3/ticker | api.binance.com",
			"https://api.binance.com:9443 | api.binance.com",
			"wss://stream.binance.com:9443/ws?x=1 | stream.binance.com",
			"https://API.Binance.com./x | API.Binance.com.",
			"https://api.binance.com/api/v3/ticker/price?symbols=[\"BTCUSDT\",\"BNBUSDT\"] | api.binance.com",
			"https://api.binance.com?symbol=BTC | api.binance.com",
			"https://api.binance.com#top | api.binance.com",
			"http://user:p%40ss@risk.internal:8080/ | risk.internal",
			"http://[::1]:8080/whoami | [::1]",
			"http://[2001:db8::7]/ | [2001:db8::7]",
			"localhost:8080/whoami | localhost",
			"/whoami | null",
			"/redirect?to=http://elsewhere.example/ | null",
			"http:///path | null",
			"http://[::1/ | null" })
	void theHostIsWhatReactorNettyConnectsTo(String url, String host) {
		assertThat(UrlHosts.of(url)).isEqualTo(host);
	}

}
