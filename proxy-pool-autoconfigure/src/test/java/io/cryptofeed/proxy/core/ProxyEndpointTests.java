package io.cryptofeed.proxy.core;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ProxyEndpointTests {

	@ParameterizedTest
	@CsvSource({ "http://10.0.0.7:8080, HTTP", "https://10.0.0.7:8443, HTTPS", "HTTPS://10.0.0.7:443, HTTPS",
			"socks4://10.0.0.7:1080, SOCKS4", "socks5://10.0.0.7:1080, SOCKS5",
			"socks5h://10.0.0.7:1080, SOCKS5", "SOCKS5://10.0.0.7:1080, SOCKS5" })
	void parsesEachSupportedScheme(String url, ProxyScheme scheme) {
		ProxyEndpoint endpoint = ProxyEndpoint.parse(url);
		assertThat(endpoint.scheme()).isEqualTo(scheme);
		assertThat(endpoint.host()).isEqualTo("10.0.0.7");
		assertThat(endpoint.hasCredentials()).isFalse();
	}

	/** A character outside the BMP is two chars in Java: decoded one at a time, each became '?'. */
	@Test
	void aPasswordWithAnEscapeKeepsItsCharactersOutsideTheBasicPlane() {
		ProxyEndpoint endpoint = ProxyEndpoint.parse("socks5://feed:k\uD83D\uDD11%25x@proxy.example:1080");
		assertThat(endpoint.password()).isEqualTo("k\uD83D\uDD11%x");
	}

	@Test
	void anHttpsMemberIsShownWithItsSchemeAndWithoutItsCredentials() {
		ProxyEndpoint endpoint = ProxyEndpoint.parse("https://feed:s3cret@proxy.example:8443");
		assertThat(endpoint.scheme()).isEqualTo(ProxyScheme.HTTPS);
		assertThat(endpoint).hasToString("https://***@proxy.example:8443");
		assertThat(endpoint.identity())
			.isNotEqualTo(ProxyEndpoint.parse("http://feed:s3cret@proxy.example:8443").identity());
	}

	@Test
	void parsesCredentialsAndPercentDecodesThem() {
		ProxyEndpoint endpoint = ProxyEndpoint.parse("socks5://us%40er:p%3Ass%2Fw%C3%B6rd@Proxy.Example.com:1080/");
		assertThat(endpoint.username()).isEqualTo("us@er");
		assertThat(endpoint.password()).isEqualTo("p:ss/wörd");
		assertThat(endpoint.host()).isEqualTo("proxy.example.com");
		assertThat(endpoint.port()).isEqualTo(1080);
	}

	@Test
	void keepsAnAtSignInThePasswordBeforeTheLastAt() {
		ProxyEndpoint endpoint = ProxyEndpoint.parse("http://user:p@ss@10.0.0.1:3128");
		assertThat(endpoint.password()).isEqualTo("p@ss");
		assertThat(endpoint.host()).isEqualTo("10.0.0.1");
	}

	@Test
	void parsesAnIpv6Literal() {
		ProxyEndpoint endpoint = ProxyEndpoint.parse("socks5://[::1]:1080");
		assertThat(endpoint.host()).isEqualTo("::1");
		assertThat(endpoint.hostAndPort()).isEqualTo("[::1]:1080");
	}

	/** One proxy has one name in ids, tags and logs, and one identity, however its address was written. */
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "http://[0:0:0:0:0:0:0:1]:3128 | [::1]:3128",
			"http://[2001:0DB8:0:0:1:0:0:7]:3128 | [2001:db8::1:0:0:7]:3128",
			"http://[2001:db8:0:0:0:0:2:1]:3128 | [2001:db8::2:1]:3128",
			"http://[1:0:2:3:4:5:6:7]:3128 | [1:0:2:3:4:5:6:7]:3128", "http://[0::0]:3128 | [::]:3128",
			"http://[::127.0.0.1]:3128 | [::7f00:1]:3128",
			"http://[FE80:0:0:0:0:0:0:1%25eth0]:3128 | [fe80::1%eth0]:3128",
			"http://[::ffff:127.0.0.1]:3128 | 127.0.0.1:3128", "http://[0:0:0:0:0:FFFF:7F00:1]:3128 | 127.0.0.1:3128" })
	void anIpv6AddressIsKeptInItsCanonicalText(String url, String hostAndPort) {
		ProxyEndpoint endpoint = ProxyEndpoint.parse(url);
		assertThat(endpoint.hostAndPort()).isEqualTo(hostAndPort);
		assertThat(endpoint.identity()).isEqualTo(ProxyEndpoint.parse("http://" + hostAndPort).identity());
		assertThat(endpoint.hasIpLiteralHost()).isTrue();
	}

	@Test
	void aTrailingDotNamesTheSameProxy() {
		ProxyEndpoint dotted = ProxyEndpoint.parse("socks5://feed:one@Proxy.Example.:1080");
		assertThat(dotted.identity()).isEqualTo(ProxyEndpoint.parse("socks5://feed:two@proxy.example:1080").identity());
		assertThat(dotted.host()).as("looked up as written").isEqualTo("proxy.example.");
		assertThat(dotted.identity())
			.isNotEqualTo(ProxyEndpoint.parse("socks5://feed:one@proxy.example.net:1080").identity());
	}

	@Test
	void toStringMasksCredentials() {
		ProxyEndpoint endpoint = ProxyEndpoint.parse("socks5://alice:s3cret@10.0.0.5:1080");
		assertThat(endpoint).hasToString("socks5://***@10.0.0.5:1080");
		assertThat(endpoint.identity().toString()).doesNotContain("alice").doesNotContain("s3cret");
	}

	@Test
	void identityIgnoresPasswordButNotUsername() {
		ProxyEndpoint a = ProxyEndpoint.parse("socks5://alice:one@h:1080");
		assertThat(a.identity()).isEqualTo(ProxyEndpoint.parse("socks5://alice:two@h:1080").identity());
		assertThat(a.identity()).isNotEqualTo(ProxyEndpoint.parse("socks5://bob:one@h:1080").identity());
		assertThat(a).isNotEqualTo(ProxyEndpoint.parse("socks5://alice:two@h:1080"));
		assertThat(a).isEqualTo(ProxyEndpoint.parse("socks5://alice:one@H:1080"))
			.hasSameHashCodeAs(ProxyEndpoint.parse("socks5://alice:one@H:1080"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "ftp://u:secret@h:21 | scheme 'ftp' is not supported",
			"wss://u:secret@h:443 | scheme 'wss' is not supported", "u:secret@h:1080 | no scheme",
			"socks5://u:secret@:1080 | no host", "socks5://u:secret@h | no port", "socks5://u:secret@h: | no port",
			"socks5://u:secret@h:0 | out of range", "socks5://u:secret@h:65536 | out of range",
			"socks5://u:secret@h:80a | not a number", "http://u:secret@h:3128/path | path",
			"socks4://u:secret@h:1080 | no password", "socks5://:secret@h:1080 | empty username",
			"socks5://u:sec%zzret@h:1080 | malformed %-escape", "' ' | empty",
			"http://10.0.0.1:8080:user:secret | not a number", "socks5://user:secret | not a number",
			"socks5://u:secret@999.1.1.1:1080 | not a valid IPv4 address",
			"http://u:secret@10.0.0:3128 | not a valid IPv4 address",
			"socks5://u:secret@[zz::1]:1080 | not a valid IPv6 address",
			"socks5://u:secret@[1::2::3]:1080 | not a valid IPv6 address",
			"u:secret@socks5://h:1080 | not supported",
			"socks5://u:secret@fe80::1%eth0:1080 | must be written in brackets",
			"socks5://u:secret@::1:1080 | must be written in brackets",
			"socks5://u:secret@pro%78y.example.com:1080 | the host contains '%'",
			"socks5://u:secret@prøxy.example.com:1080 | the host contains 'ø'",
			"socks5://u:secret@-proxy.example.com:1080 | starts with '-'",
			"socks5://u:secret@proxy.-1.example.com:1080 | starts with '-'",
			"socks5://u:secret@proxy..example.com:1080 | empty label",
			"socks5://u:secret@[fe80::1%25]:1080 | not a valid IPv6 address",
			"socks5://proxy.example.com:1080:user:1234 | the host contains ':'",
			"'socks5://u:secret@10.0.0.1:1080,socks5://u:secret@10.0.0.2:1080' | more than one URL",
			"'http://10.0.0.1:3128 http://u:secret@10.0.0.2:3128' | more than one URL" })
	void rejectsWithAMessageThatDoesNotRepeatTheCredentials(String url, String problem) {
		assertThatExceptionOfType(InvalidProxyUrlException.class).isThrownBy(() -> ProxyEndpoint.parse(url))
			.withMessageContaining(problem)
			.withMessageNotContaining("secret")
			.satisfies((ex) -> assertThat(ex.fix()).isNotBlank());
	}

	/**
	 * RFC 1929 gives a SOCKS5 user name and password a length byte each: a longer one (a
	 * provider's token) can never be sent, so the URL is refused where it is written rather than
	 * the member failing every connect and check.
	 */
	@Test
	void aSocks5CredentialLongerThan255BytesIsRefusedAndAnHttpOneIsNot() {
		String longest = "secret" + "x".repeat(249);
		assertThat(ProxyEndpoint.parse("socks5://u:" + longest + "@h:1080").password()).hasSize(255);
		assertThat(ProxyEndpoint.parse("socks5://" + longest + "@h:1080").username()).hasSize(255);
		for (String url : List.of("socks5://u:" + longest + "x@h:1080", "socks5h://" + longest + "x:p@h:1080",
				"socks5://u:" + "secret%C3%A9".repeat(32) + "@h:1080")) {
			assertThatExceptionOfType(InvalidProxyUrlException.class).isThrownBy(() -> ProxyEndpoint.parse(url))
				.withMessage("SOCKS5 carries at most 255 bytes of user name and of password (RFC 1929)")
				.satisfies((ex) -> assertThat(ex.fix()).contains("shorten").doesNotContain("secret"));
		}
		assertThat(ProxyEndpoint.parse("http://u:" + longest + "x@h:3128").password()).hasSize(256);
	}

	/**
	 * HTTP Basic authentication joins user name and password with a ':' (RFC 7617), and the
	 * proxy reads the user name up to the first one: a user name holding one could never
	 * authenticate. SOCKS5 carries each apart, so it may hold one there.
	 */
	@Test
	void anHttpUserNameWithAColonIsRefusedAndASocks5OneIsNot() {
		for (String url : List.of("http://fe%3Ad:secret@h:3128", "https://fe%3ad@h:3128")) {
			assertThatExceptionOfType(InvalidProxyUrlException.class).isThrownBy(() -> ProxyEndpoint.parse(url))
				.withMessage("an HTTP proxy's user name cannot hold a ':' (RFC 7617)")
				.satisfies((ex) -> assertThat(ex.fix()).doesNotContain("secret").doesNotContain("fe"));
		}
		assertThat(ProxyEndpoint.parse("socks5://fe%3Ad:secret@h:1080").username()).isEqualTo("fe:d");
		assertThat(ProxyEndpoint.parse("http://fed:se:cret@h:3128").password()).isEqualTo("se:cret");
	}

	/**
	 * SOCKS4 ends its user id with a NUL byte (no length), so a proxy would read a user id
	 * written with %00 only up to it, and such a member could never be told apart from the
	 * shorter id. SOCKS5 carries a length, so a NUL may stand there.
	 */
	@Test
	void aSocks4UserIdWithANulIsRefusedAndASocks5OneIsNot() {
		assertThatExceptionOfType(InvalidProxyUrlException.class)
			.isThrownBy(() -> ProxyEndpoint.parse("socks4://desk%00secret@h:1080"))
			.withMessage("a SOCKS4 user id cannot hold a NUL byte (%00), which ends it on the wire")
			.satisfies((ex) -> assertThat(ex.fix()).doesNotContain("secret").doesNotContain("desk"));
		assertThat(ProxyEndpoint.parse("socks4://desk@h:1080").username()).isEqualTo("desk");
		assertThat(ProxyEndpoint.parse("socks5://desk%00x:p@h:1080").username()).isEqualTo("desk\0x");
	}

	@Test
	void readsAZoneWrittenAsAUrlWritesIt() {
		ProxyEndpoint escaped = ProxyEndpoint.parse("socks5://[FE80::1%25enP1s0]:1080");
		assertThat(escaped.host()).as("the address ignores case, the interface name does not")
			.isEqualTo("fe80::1%enP1s0");
		assertThat(escaped.hasIpLiteralHost()).isTrue();
		assertThat(ProxyEndpoint.parse("socks5://[fe80::1%enP1s0]:1080")).isEqualTo(escaped);
		assertThat(ProxyEndpoint.parse("socks5://[fe80::1%253]:1080").host()).isEqualTo("fe80::1%3");
	}

	@Test
	void acceptsTheHostNamesPeopleUse() {
		assertThat(ProxyEndpoint.parse("http://proxy_1.internal:3128").host()).isEqualTo("proxy_1.internal");
		assertThat(ProxyEndpoint.parse("http://proxy-1.example.com.:3128").host()).isEqualTo("proxy-1.example.com.");
		assertThat(ProxyEndpoint.parse("http://xn--prxy-hra.example:3128").host()).isEqualTo("xn--prxy-hra.example");
		assertThat(ProxyEndpoint.parse("http://localhost:3128").host()).isEqualTo("localhost");
	}

	@Test
	void masksMalformedUrlsToo() {
		assertThat(ProxyUrls.mask("ftp://u:secret@h:21")).isEqualTo("ftp://***@h:21");
		assertThat(ProxyUrls.mask("u:secret@h:1080")).isEqualTo("***@h:1080");
		assertThat(ProxyUrls.mask("socks5://u:se@cret@h")).isEqualTo("socks5://***@h");
		assertThat(ProxyUrls.mask("socks5://h:1080")).isEqualTo("socks5://h:1080");
		assertThat(ProxyUrls.mask("http://[::1]:3128/x")).isEqualTo("http://[::1]:3128/x");
		assertThat(ProxyUrls.mask("http://10.0.0.1:8080:user:secret")).isEqualTo("http://***");
		assertThat(ProxyUrls.mask("socks5://user:secret")).isEqualTo("socks5://***");
		assertThat(ProxyUrls.mask("u:secret@socks5://h:1080")).isEqualTo("***@socks5://h:1080");
		assertThat(ProxyUrls.mask("https://svc:8443/?api_key=k")).isEqualTo("https://svc:8443/?api_key=k");
		// a password typed on the wrong side of the @ leaves a host part that is not host:port
		assertThat(ProxyUrls.mask("socks5://user@secret:127.0.0.1:1080")).isEqualTo("socks5://***@***");
		assertThat(ProxyUrls.mask("socks5://127.0.0.1:1080@user:secret")).isEqualTo("socks5://***@***");
		assertThat(ProxyUrls.mask("socks5://user@secret")).isEqualTo("socks5://***@secret");
		assertThat(ProxyUrls.mask("socks5://u:p@[::1]:1080")).isEqualTo("socks5://***@[::1]:1080");
		// a '/', '?', '#' or space in such a password ends the host part: its tail is masked too
		assertThat(ProxyUrls.mask("socks5://10.0.0.1:1080:u:pw#secret")).isEqualTo("socks5://***");
		assertThat(ProxyUrls.mask("u:pw secret")).isEqualTo("***");
		assertThat(ProxyUrls.mask("socks5://127.0.0.1:1080@u:pw/secret")).isEqualTo("socks5://***@***");
		assertThat(ProxyUrls.withoutSecrets("https//u:pw/secret@h/ping")).isEqualTo("***@h/ping");
	}

	@Test
	void addressesAreToldFromNames() {
		assertThat(ProxyEndpoint.parse("socks5://127.0.0.1:1080").hasIpLiteralHost()).isTrue();
		assertThat(ProxyEndpoint.parse("http://[::1]:3128").hasIpLiteralHost()).isTrue();
		assertThat(ProxyEndpoint.parse("http://proxy-1.example.net:3128").hasIpLiteralHost()).isFalse();
		assertThat(ProxyEndpoint.parse("http://10.0.0.5.nip.io:3128").hasIpLiteralHost()).isFalse();
		assertThat(ProxyEndpoint.parse("http://[::ffff:10.0.0.1]:3128").hasIpLiteralHost()).isTrue();
		assertThat(new ProxyEndpoint(ProxyScheme.HTTP, "2001:DB8::7", 3128, null, null).hasIpLiteralHost()).isTrue();
	}

	/**
	 * An endpoint built in code (a {@code ProxyPools} bean of an application's own) meets the
	 * rules a URL in the properties meets, where it is built, rather than a member that fails
	 * every connect, or an IPv6 address shown in two pairs of brackets.
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "null", value = { "HTTP | '' | 3128 | null | null | the host is empty",
			"HTTP | proxy example | 3128 | null | null | the host contains ' '",
			"HTTP | proxy/1 | 3128 | null | null | the host contains '/'",
			"HTTP | [::1] | 3128 | null | null | in brackets", "HTTP | zz::1 | 3128 | null | null | not a valid IPv6",
			"HTTP | 10.0.0.300 | 3128 | null | null | not a valid IPv4 address",
			"HTTP | proxy..example | 3128 | null | null | empty label",
			"HTTP | h | 0 | null | null | the port 0 is out of range",
			"SOCKS5 | h | 65536 | null | null | the port 65536 is out of range",
			"SOCKS5 | h | 1080 | null | secret | without a user name",
			"SOCKS5 | h | 1080 | '' | secret | empty username", "SOCKS4 | h | 1080 | u | secret | no password",
			"HTTPS | h | 8443 | u:secret | secret | cannot hold a ':'" })
	void anEndpointBuiltInCodeMeetsTheRulesOfAUrl(ProxyScheme scheme, String host, int port, String username,
			String password, String problem) {
		assertThatExceptionOfType(InvalidProxyUrlException.class)
			.isThrownBy(() -> new ProxyEndpoint(scheme, host, port, username, password))
			.withMessageContaining(problem)
			.withMessageNotContaining("secret")
			.satisfies((ex) -> assertThat(ex.fix()).isNotBlank().doesNotContain("secret"));
	}

	/**
	 * DNS carries a host name of at most 253 characters, each label of at most 63 (RFC 1035):
	 * a longer one could never be looked up, so it is refused where it is written, in a URL or
	 * in code, rather than failing every connect. A trailing dot is not counted.
	 */
	@Test
	void aHostNameLongerThanDnsCarriesIsRefused() {
		String label = "a".repeat(63);
		String longest = String.join(".", label, label, label, "b".repeat(61));
		assertThat(longest).hasSize(253);
		assertThat(ProxyEndpoint.parse("socks5://u:secret@" + longest + ":1080").host()).isEqualTo(longest);
		assertThat(ProxyEndpoint.parse("socks5://u:secret@" + longest + ".:1080").host()).isEqualTo(longest + ".");
		assertThat(new ProxyEndpoint(ProxyScheme.SOCKS5, longest + ".", 1080, "u", "secret").host())
			.isEqualTo(longest + ".");

		String tooLong = longest + "b";
		String longLabel = "a".repeat(64) + ".example.com";
		for (String host : List.of(tooLong, tooLong + ".")) {
			assertThatExceptionOfType(InvalidProxyUrlException.class)
				.isThrownBy(() -> ProxyEndpoint.parse("socks5://u:secret@" + host + ":1080"))
				.withMessageContaining("the host name is 254 characters long, more than the 253 DNS carries")
				.satisfies((ex) -> assertThat(ex.fix()).isNotBlank());
			assertThatExceptionOfType(InvalidProxyUrlException.class)
				.isThrownBy(() -> new ProxyEndpoint(ProxyScheme.HTTP, host, 3128, null, null))
				.withMessageContaining("254 characters long");
		}
		assertThatExceptionOfType(InvalidProxyUrlException.class)
			.isThrownBy(() -> ProxyEndpoint.parse("http://u:secret@" + longLabel + ":3128"))
			.withMessageContaining("a label of the host name is 64 characters long, more than the 63 DNS carries")
			.withMessageNotContaining("secret")
			.satisfies((ex) -> assertThat(ex.fix()).isNotBlank());
		assertThatExceptionOfType(InvalidProxyUrlException.class)
			.isThrownBy(() -> new ProxyEndpoint(ProxyScheme.HTTP, "proxy." + longLabel, 3128, null, null))
			.withMessageContaining("64 characters long");
	}

	@Test
	void anEndpointBuiltInCodeIsTheOneItsUrlParsesTo() {
		assertThat(new ProxyEndpoint(ProxyScheme.SOCKS5, "fe80::1%eth0", 1080, "u", "p@ss"))
			.isEqualTo(ProxyEndpoint.parse("socks5://u:p%40ss@[fe80::1%25eth0]:1080"));
		assertThat(new ProxyEndpoint(ProxyScheme.HTTP, "Proxy_1.Example.", 3128, null, null))
			.hasToString("http://proxy_1.example.:3128");
	}

}
