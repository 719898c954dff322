package io.cryptofeed.proxy.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class IpLiteralsTests {

	@ParameterizedTest
	@ValueSource(strings = { "0.0.0.0", "10.0.0.7", "127.0.0.1", "255.255.255.255", "192.168.100.1" })
	void dottedQuadsAreIpv4(String host) {
		assertThat(IpLiterals.looksLikeIpv4(host)).isTrue();
		assertThat(IpLiterals.isIpv4(host)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "999.1.1.1", "256.0.0.1", "10.0.0", "127.1", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.4.",
			"010.0.0.1", "1.2.3.0001", "12345", "" })
	void digitsAndDotsThatAreNoDottedQuadAreNotIpv4(String host) {
		assertThat(IpLiterals.looksLikeIpv4(host)).isTrue();
		assertThat(IpLiterals.isIpv4(host)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "proxy-1.example.net", "10.0.0.5.nip.io", "1e100.net", "١.٢.٣.٤" })
	void namesDoNotLookLikeIpv4(String host) {
		assertThat(IpLiterals.looksLikeIpv4(host)).isFalse();
		assertThat(IpLiterals.isIpv4(host)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "::", "::1", "1::", "fe80::1", "2001:db8::7", "2001:0db8:0000:0000:0000:0000:0000:0007",
			"1:2:3:4:5:6:7:8", "1:2:3:4:5:6::8", "::ffff:10.0.0.1", "1:2:3:4:5:6:10.0.0.1", "FE80::ABCD",
			"fe80::1%eth0", "fe80::1%2" })
	void wellFormedIpv6Literals(String host) {
		assertThat(IpLiterals.isIpv6(host)).isTrue();
		String canonical = IpLiterals.canonicalIpv6(host);
		assertThat(IpLiterals.isIpv6(canonical) || IpLiterals.isIpv4(canonical)).as(canonical).isTrue();
		if (IpLiterals.isIpv6(canonical)) {
			assertThat(IpLiterals.canonicalIpv6(canonical)).isEqualTo(canonical);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "zz::1", ":::", "1:::2", "1::2::3", ":1::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
			"1:2:3:4:5:6:7::8", "12345::1", "::1.2.3", "::999.1.1.1", "10.0.0.1::", "1:2:3:4:5:6:7:10.0.0.1",
			"fe80::1%", "fe80::1%eth 0", "::١" })
	void malformedIpv6Literals(String host) {
		assertThat(IpLiterals.isIpv6(host)).isFalse();
	}

}
