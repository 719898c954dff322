package io.cryptofeed.proxy.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AddressRangeTests {

	@ParameterizedTest
	@CsvSource({ "10.0.0.0/8, 10.255.1.2, true", "10.0.0.0/8, 11.0.0.1, false", "172.16.0.0/12, 172.31.255.255, true",
			"172.16.0.0/12, 172.32.0.0, false", "192.168.1.7/32, 192.168.1.7, true", "192.168.1.7/32, 192.168.1.8, false",
			"0.0.0.0/0, 8.8.8.8, true", "fd00::/8, fd12:3456::1, true", "fd00::/8, fe80::1, false",
			"fd00::/8, [fd12::1], true", "::1/128, [::1], true", "10.0.0.0/8, ::ffff:10.1.1.1, true",
			"fd00::/8, 10.1.1.1, false", "10.0.0.0/8, fd00::1, false" })
	void containsTheAddressesOfItsPrefix(String range, String host, boolean contained) {
		assertThat(AddressRange.parse(range).contains(host)).isEqualTo(contained);
	}

	@ParameterizedTest
	@ValueSource(strings = { "10.example.com", "localhost", "10.0.0", "010.0.0.1", "" })
	void aHostThatIsNotAnAddressIsNeverContained(String host) {
		assertThat(AddressRange.parse("0.0.0.0/0").contains(host)).isFalse();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '"', value = { "10.0.0/8|'10.0.0' is not an IPv4 or IPv6 address",
			"intranet/8|'intranet' is not an IPv4 or IPv6 address",
			"10.0.0.0/33|'/33' is not a prefix length from 0 to 32",
			"fd00::/129|'/129' is not a prefix length from 0 to 128", "10.0.0.0/|'/' is not a prefix length from 0 to 32",
			"10.0.0.0/-1|'/-1' is not a prefix length from 0 to 32" })
	void aMalformedRangeIsRejectedWithTheReason(String range, String reason) {
		assertThatIllegalArgumentException().isThrownBy(() -> AddressRange.parse(range)).withMessage(reason);
	}

	@Test
	void onlyTextWithASlashAfterSomethingLooksLikeARange() {
		assertThat(AddressRange.looksLikeRange("10.0.0.0/8")).isTrue();
		assertThat(AddressRange.looksLikeRange("/8")).isFalse();
		assertThat(AddressRange.looksLikeRange("*.internal")).isFalse();
	}

}
