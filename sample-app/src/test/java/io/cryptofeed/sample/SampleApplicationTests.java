package io.cryptofeed.sample;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.ProxyPools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(properties = "spring.main.keep-alive=false")
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	@Autowired
	private ProxyPools pools;

	@Test
	void resolvesThePoolsOfItsEmbeddedConfiguration() {
		assertThat(this.pools.resolve("binance", ConnectionType.HTTP).orElseThrow().members()).hasSize(2);
		assertThat(this.pools.resolve("kraken", ConnectionType.HTTP).orElseThrow().members()).singleElement()
			.satisfies((member) -> assertThat(member.endpoint().password()).isEqualTo("demo-password"));
		assertThat(this.pools.resolve("kraken", ConnectionType.WEBSOCKET).orElseThrow().availableMembers())
			.hasSize(2);
	}

	@Test
	void reportsEveryRouteWithCredentialsMasked(CapturedOutput output) {
		assertThat(output).contains("default/http: single proxy socks5://***@127.0.0.1:1080")
			.contains("api.binance.com      http      exchange=binance   -> binance/http next:")
			.contains("ws.kraken.com        websocket exchange=(default) -> default/websocket next:")
			.doesNotContain("demo-password");
	}

}
