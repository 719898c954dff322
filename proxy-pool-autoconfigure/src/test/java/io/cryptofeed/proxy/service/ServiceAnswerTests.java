package io.cryptofeed.proxy.service;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the client quotes of an answer it cannot use. The answer is untrusted input, up to
 * 256 KB: what it quotes goes into a WARN line and into exceptions the application sees.
 */
class ServiceAnswerTests {

	private static final String FORGED = "\nWARN proxy service answers again: exchange=binance";

	@Test
	void anUnknownFallbackPolicyIsQuotedOnOneLine() {
		String message = failure(new ProxyResponse(null, null, 60L, "pray\r" + FORGED + "\u0000\u001b[2J\u2028", null));
		assertThat(message).doesNotContain("\n", "\r", "\u0000", "\u001b", "\u2028")
			.contains("fallback_policy 'pray\\r\\nWARN proxy service answers again")
			.contains("is not direct_connection, embedded_fallback or fail");
	}

	@Test
	void anUnknownFallbackPolicyIsQuotedInPart() {
		String message = failure(new ProxyResponse(null, null, 60L, "x".repeat(200_000), null));
		assertThat(message).hasSizeLessThan(300).contains("is not direct_connection, embedded_fallback or fail");
	}

	/** A service that put a proxy URL in the wrong field: cut short, the password must not show in part. */
	@Test
	void aLongFallbackPolicyWithCredentialsShowsNoPartOfThem() {
		String policy = "socks5://feed:canary" + "x".repeat(500) + "@10.0.0.6:1080";
		String message = failure(new ProxyResponse(null, null, 60L, policy, null));
		assertThat(message).doesNotContain("canary").doesNotContain("feed");
	}

	@Test
	void aProxyUrlThatCannotBeUsedIsQuotedOnOneLineAndInPart() {
		String newline = failure(new ProxyResponse("socks5://10.0.0.6:1080" + FORGED, null, 60L, null, null));
		assertThat(newline).doesNotContain("\n").contains("proxy_url socks5://");
		String long_ = failure(new ProxyResponse("a".repeat(200_000) + "://10.0.0.6:1080", null, 60L, null, null));
		assertThat(long_).hasSizeLessThan(700).contains("is not supported");
	}

	/**
	 * A proxy the client's validation refuses is named as far as it may be shown (scheme, host,
	 * port and path, never credentials or a query, which may hold a key) beside the reason, so
	 * that the service's operator can find it.
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"ftp://feed:canary@10.0.0.6:21 | proxy_url ftp://***@10.0.0.6:21 cannot be used: scheme 'ftp' is not supported",
			"socks4://feed:canary@10.0.0.6:1080 | proxy_url socks4://***@10.0.0.6:1080 cannot be used: socks4 carries a user id but no password",
			"http://feed:canary@10.0.0.6:0 | proxy_url http://***@10.0.0.6:0 cannot be used: the port 0 is out of range",
			"http://10.0.0.6:3128/path?key=canary | proxy_url http://10.0.0.6:3128/path cannot be used: a proxy URL cannot have a path, query or fragment" })
	void aRefusedProxyIsNamedWithoutItsCredentialsOrQueryBesideTheReason(String url, String expected) {
		String message = failure(new ProxyResponse(url, null, 60L, "fail", null));
		assertThat(message).contains("reason=unsupported_proxy", expected).doesNotContain("canary");
	}

	@Test
	void aQuoteCannotEndTheDetailFieldOfTheLogLine() {
		String message = failure(new ProxyResponse(null, null, 60L, "x\" fallback=direct", null));
		assertThat(message).contains("'x\\\" fallback=direct'")
			.as("one quoted detail field to the end of the line")
			.matches(".* detail=\"([^\"\\\\]|\\\\.)*\"");
	}

	private static String failure(ProxyResponse response) {
		try {
			Answer.of(response, Duration.ofSeconds(300));
		}
		catch (ServiceCallException ex) {
			return ex.getMessage();
		}
		throw new AssertionError("the answer was taken as usable: " + response);
	}

}
