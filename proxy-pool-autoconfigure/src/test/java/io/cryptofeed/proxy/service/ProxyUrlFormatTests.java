package io.cryptofeed.proxy.service;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Proxy URLs the service protocol writes read back as the same proxy. */
class ProxyUrlFormatTests {

	@Test
	void credentialsAndAZoneAreWrittenAsAUrlWritesThem() {
		ProxyEndpoint endpoint = ProxyEndpoint.parse("socks5://fe%40d:p%3Ass@[fe80::1%25eth0]:1080");

		String written = ProxyUrlFormat.withCredentials(endpoint);

		assertThat(written).isEqualTo("socks5://fe%40d:p%3Ass@[fe80::1%25eth0]:1080");
		assertThat(ProxyEndpoint.parse(written)).isEqualTo(endpoint);
	}

	@Test
	void aZoneThatBeginsWith25ReadsBackAsItself() {
		ProxyEndpoint endpoint = ProxyEndpoint.parse("socks5://[fe80::1%25251]:1080");
		assertThat(endpoint.host()).isEqualTo("fe80::1%251");

		assertThat(ProxyEndpoint.parse(ProxyUrlFormat.withCredentials(endpoint))).isEqualTo(endpoint);
	}

}
