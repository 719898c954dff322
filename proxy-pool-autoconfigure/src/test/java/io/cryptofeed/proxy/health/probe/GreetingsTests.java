package io.cryptofeed.proxy.health.probe;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyScheme;
import io.cryptofeed.proxy.health.probe.Greeting.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The bytes each greeting sends and how it reads every answer, without a network. */
class GreetingsTests {

	private static final ProxyEndpoint HTTP = new ProxyEndpoint(ProxyScheme.HTTP, "127.0.0.1", 3128, null, null);

	private static final ProxyEndpoint HTTP_WITH_CREDENTIALS = new ProxyEndpoint(ProxyScheme.HTTP, "127.0.0.1", 3128,
			Canary.USER, Canary.PASSWORD);

	private static final ProxyEndpoint SOCKS5 = new ProxyEndpoint(ProxyScheme.SOCKS5, "127.0.0.1", 1080, null, null);

	private static final ProxyEndpoint SOCKS5_WITH_CREDENTIALS = new ProxyEndpoint(ProxyScheme.SOCKS5, "127.0.0.1",
			1080, Canary.USER, Canary.PASSWORD);

	@Test
	void schemeChoosesTheGreeting() {
		assertThat(Greeting.of(HTTP)).isInstanceOf(HttpConnectGreeting.class);
		assertThat(Greeting.of(SOCKS5)).isInstanceOf(Socks5Greeting.class);
		assertThat(Greeting.of(new ProxyEndpoint(ProxyScheme.SOCKS4, "127.0.0.1", 1080, null, null)))
			.isInstanceOf(Socks4Greeting.class);
	}

	@Test
	void httpConnectsToLocalhostPortOneWithoutCredentials() {
		assertThat(ascii(Greeting.of(HTTP).opening()))
			.isEqualTo("CONNECT localhost:1 HTTP/1.1\r\nHost: localhost:1\r\n\r\n");
	}

	@Test
	void httpSendsBasicCredentials() {
		String basic = Base64.getEncoder()
			.encodeToString((Canary.USER + ":" + Canary.PASSWORD).getBytes(StandardCharsets.UTF_8));
		assertThat(ascii(Greeting.of(HTTP_WITH_CREDENTIALS).opening()))
			.isEqualTo("CONNECT localhost:1 HTTP/1.1\r\nHost: localhost:1\r\nProxy-Authorization: Basic " + basic
					+ "\r\n\r\n");
	}

	@Test
	void httpSendsAnEmptyPasswordForAUserWithoutOne() {
		ProxyEndpoint endpoint = new ProxyEndpoint(ProxyScheme.HTTP, "127.0.0.1", 3128, "user", null);
		assertThat(ascii(Greeting.of(endpoint).opening())).contains("Proxy-Authorization: Basic "
				+ Base64.getEncoder().encodeToString("user:".getBytes(StandardCharsets.UTF_8)) + "\r\n");
	}

	@ParameterizedTest
	@ValueSource(strings = { "HTTP/1.1 502 Bad Gateway\r\n", "HTTP/1.0 500 Unable to connect\r\n",
			"HTTP/1.1 403 Access violation\r\n", "HTTP/1.1 200 Connection established\r\n", "HTTP/1.1 503\r\n" })
	void anyOtherStatusLineProvesAnHttpProxyWithoutCredentialsAlive(String answer) {
		assertThat(Greeting.of(HTTP).receive(ascii(answer)).kind()).isEqualTo(Step.Kind.ALIVE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "HTTP/1.1 407 Proxy Authentication Required\r\n", "HTTP/1.1 401 Unauthorized\n" })
	void anAuthenticationStatusFailsAnHttpProxyWithoutCredentials(String answer) {
		Step step = Greeting.of(HTTP).receive(ascii(answer));
		assertThat(step.kind()).isEqualTo(Step.Kind.FAIL);
		assertThat(step.failure()).startsWith("requires credentials the member lacks (HTTP 40");
	}

	@ParameterizedTest
	@ValueSource(strings = { "HTTP/1.1 407 Proxy Authentication Required\r\n", "HTTP/1.1 401 Unauthorized\r\n" })
	void authenticationStatusFailsAnHttpProxyWithCredentials(String answer) {
		Step step = Greeting.of(HTTP_WITH_CREDENTIALS).receive(ascii(answer));
		assertThat(step.kind()).isEqualTo(Step.Kind.FAIL);
		assertThat(step.failure()).startsWith("rejected the credentials (HTTP 4").doesNotContain(Canary.PASSWORD);
	}

	@Test
	void otherStatusesProveAnHttpProxyWithCredentialsAlive() {
		assertThat(Greeting.of(HTTP_WITH_CREDENTIALS).receive(ascii("HTTP/1.1 502 Bad Gateway\r\n")).kind())
			.isEqualTo(Step.Kind.ALIVE);
	}

	@Test
	void httpStatusLineMayArriveInPieces() {
		Greeting greeting = Greeting.of(HTTP_WITH_CREDENTIALS);
		assertThat(greeting.receive(ascii("HT")).kind()).isEqualTo(Step.Kind.MORE);
		assertThat(greeting.receive(ascii("TP/1.1 40")).kind()).isEqualTo(Step.Kind.MORE);
		assertThat(greeting.receive(ascii("7 Proxy Authentication Required\r")).kind()).isEqualTo(Step.Kind.MORE);
		Step step = greeting.receive(ascii("\nProxy-Authenticate: Basic\r\n"));
		assertThat(step.kind()).isEqualTo(Step.Kind.FAIL);
		assertThat(step.failure()).isEqualTo("rejected the credentials (HTTP 407)");
	}

	@Test
	void somethingOtherThanHttpFailsAtOnce() {
		Step step = Greeting.of(HTTP).receive(new byte[] { 0x05, (byte) 0xFF });
		assertThat(step.kind()).isEqualTo(Step.Kind.FAIL);
		assertThat(step.failure()).isEqualTo("answered with something other than an HTTP status line: \"..\"");
	}

	@Test
	void malformedStatusLineFails() {
		Step step = Greeting.of(HTTP).receive(ascii("HTTP/1.1 OK\r\n"));
		assertThat(step.kind()).isEqualTo(Step.Kind.FAIL);
		assertThat(step.failure()).startsWith("answered with a malformed HTTP status line: \"HTTP/1.1 OK..\"");
	}

	@Test
	void endlessStatusLineFails() {
		Greeting greeting = Greeting.of(HTTP);
		byte[] chunk = new byte[1024];
		Arrays.fill(chunk, (byte) 'x');
		System.arraycopy(ascii("HTTP/1.1 200 "), 0, chunk, 0, 13);
		Step step = greeting.receive(chunk);
		Arrays.fill(chunk, (byte) 'x');
		for (int i = 1; i < 8 && step.kind() == Step.Kind.MORE; i++) {
			step = greeting.receive(chunk);
		}
		assertThat(step.kind()).isEqualTo(Step.Kind.FAIL);
		assertThat(step.failure()).isEqualTo("sent 8192 bytes without ending its HTTP status line");
	}

	@Test
	void socks5OffersNoAuthenticationWithoutCredentials() {
		Greeting greeting = Greeting.of(SOCKS5);
		assertThat(greeting.opening()).containsExactly(0x05, 0x01, 0x00);
		assertThat(greeting.receive(new byte[] { 0x05, 0x00 }).kind()).isEqualTo(Step.Kind.ALIVE);
	}

	@Test
	void socks5WithoutCredentialsFailsWhenTheProxyWantsAuthentication() {
		Step step = Greeting.of(SOCKS5).receive(new byte[] { 0x05, (byte) 0xFF });
		assertThat(step.kind()).isEqualTo(Step.Kind.FAIL);
		assertThat(step.failure()).contains("no acceptable method");
		Step unoffered = Greeting.of(SOCKS5).receive(new byte[] { 0x05, 0x02 });
		assertThat(unoffered.failure()).isEqualTo("picked SOCKS5 method 0x02, which was not offered");
	}

	@Test
	void socks5AuthenticatesWithRfc1929() {
		Greeting greeting = Greeting.of(SOCKS5_WITH_CREDENTIALS);
		assertThat(greeting.opening()).containsExactly(0x05, 0x02, 0x00, 0x02);
		assertThat(greeting.receive(new byte[] { 0x05 }).kind()).isEqualTo(Step.Kind.MORE);
		Step step = greeting.receive(new byte[] { 0x02 });
		assertThat(step.kind()).isEqualTo(Step.Kind.SEND);
		byte[] user = Canary.USER.getBytes(StandardCharsets.UTF_8);
		byte[] password = Canary.PASSWORD.getBytes(StandardCharsets.UTF_8);
		byte[] expected = new byte[3 + user.length + password.length];
		expected[0] = 0x01;
		expected[1] = (byte) user.length;
		System.arraycopy(user, 0, expected, 2, user.length);
		expected[2 + user.length] = (byte) password.length;
		System.arraycopy(password, 0, expected, 3 + user.length, password.length);
		assertThat(step.reply()).isEqualTo(expected);
		assertThat(greeting.receive(new byte[] { 0x01, 0x00 }).kind()).isEqualTo(Step.Kind.ALIVE);
	}

	@Test
	void socks5RejectedCredentialsFail() {
		Greeting greeting = Greeting.of(SOCKS5_WITH_CREDENTIALS);
		greeting.receive(new byte[] { 0x05, 0x02 });
		Step step = greeting.receive(new byte[] { 0x01, 0x02 });
		assertThat(step.kind()).isEqualTo(Step.Kind.FAIL);
		assertThat(step.failure()).isEqualTo("rejected the credentials (RFC 1929 status 0x02)");
	}

	@Test
	void socks5ProxyWithoutAuthenticationMayIgnoreTheCredentials() {
		assertThat(Greeting.of(SOCKS5_WITH_CREDENTIALS).receive(new byte[] { 0x05, 0x00 }).kind())
			.isEqualTo(Step.Kind.ALIVE);
	}

	@Test
	void socks5WrongVersionOrNoAcceptableMethodFails() {
		assertThat(Greeting.of(SOCKS5).receive(new byte[] { 0x04, 0x00 }).failure())
			.isEqualTo("answered the SOCKS5 greeting with version 0x04 instead of 0x05");
		assertThat(Greeting.of(SOCKS5_WITH_CREDENTIALS).receive(new byte[] { 0x05, (byte) 0xFF }).failure())
			.isEqualTo("accepts none of the offered SOCKS5 methods (no authentication, username/password)");
		assertThat(Greeting.of(SOCKS5_WITH_CREDENTIALS).receive(new byte[] { 0x05, 0x01 }).failure())
			.isEqualTo("picked SOCKS5 method 0x01, which was not offered");
	}

	@Test
	void socks4ConnectsToLocalhostPortOneWithTheUserAsUserId() {
		ProxyEndpoint endpoint = new ProxyEndpoint(ProxyScheme.SOCKS4, "127.0.0.1", 1080, "feed", null);
		assertThat(Greeting.of(endpoint).opening()).containsExactly(0x04, 0x01, 0x00, 0x01, 127, 0, 0, 1, 'f', 'e',
				'e', 'd', 0x00);
		assertThat(Greeting.of(new ProxyEndpoint(ProxyScheme.SOCKS4, "127.0.0.1", 1080, null, null)).opening())
			.containsExactly(0x04, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x00);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0x5A, 0x5B, 0x5C, 0x5D })
	void anySocks4ReplyProvesTheProxyAlive(int code) {
		Greeting greeting = Greeting.of(new ProxyEndpoint(ProxyScheme.SOCKS4, "127.0.0.1", 1080, null, null));
		assertThat(greeting.receive(new byte[] { 0x00, (byte) code, 0x00 }).kind()).isEqualTo(Step.Kind.MORE);
		assertThat(greeting.receive(new byte[] { 0x01, 127, 0, 0, 1 }).kind()).isEqualTo(Step.Kind.ALIVE);
	}

	@Test
	void socks4ReplyWithAnotherVersionFailsAtOnce() {
		Greeting greeting = Greeting.of(new ProxyEndpoint(ProxyScheme.SOCKS4, "127.0.0.1", 1080, null, null));
		assertThat(greeting.receive(new byte[] { 0x05, (byte) 0xFF }).failure())
			.isEqualTo("answered the SOCKS4 request with reply version 0x05 instead of 0x00");
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static String ascii(byte[] bytes) {
		return new String(bytes, StandardCharsets.US_ASCII);
	}

}
