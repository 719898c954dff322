package io.cryptofeed.proxy.health.probe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cryptofeed.proxy.core.ProxyEndpoint;

/**
 * Asks an HTTP proxy to {@code CONNECT localhost:1}, with {@code Proxy-Authorization: Basic}
 * when the endpoint has credentials, and reads the status line of the answer.
 *
 * <p>Any complete status line ({@code HTTP/1.x NNN ...}) proves that the proxy process is
 * alive, whatever the status: port 1 is normally closed, so a working proxy answers with an
 * error such as 500, 502 or 503, or 403 when its configuration allows CONNECT only to some
 * ports. The exceptions are 407 and 401 (tinyproxy's answer to wrong credentials): the process
 * is alive but will not carry this member's traffic, with the credentials sent or without
 * any, so the check fails.
 */
final class HttpConnectGreeting implements Greeting {

	/** A target no one should mind being asked for: the proxy's own port 1, normally closed. */
	static final String TARGET = "localhost:1";

	/** The longest status line this greeting waits for. */
	static final int MAX_STATUS_LINE = 8192;

	private static final byte[] PREFIX = "HTTP/".getBytes(StandardCharsets.US_ASCII);

	/** A TLS record's first bytes, as a proxy that speaks TLS answers plain text: alert or handshake, version 3.x. */
	private static final byte TLS_ALERT = 0x15;

	private static final byte TLS_HANDSHAKE = 0x16;

	private static final byte TLS_MAJOR = 0x03;

	private static final Pattern STATUS_LINE = Pattern.compile("HTTP/\\d(?:\\.\\d)? (\\d{3})(?: .*)?");

	private final boolean credentials;

	private final byte[] request;

	private final ByteArrayOutputStream received = new ByteArrayOutputStream();

	HttpConnectGreeting(ProxyEndpoint endpoint) {
		this.credentials = endpoint.hasCredentials();
		StringBuilder request = new StringBuilder();
		request.append("CONNECT ").append(TARGET).append(" HTTP/1.1\r\n");
		request.append("Host: ").append(TARGET).append("\r\n");
		if (this.credentials) {
			String password = (endpoint.password() != null) ? endpoint.password() : "";
			byte[] pair = (endpoint.username() + ":" + password).getBytes(StandardCharsets.UTF_8);
			request.append("Proxy-Authorization: Basic ")
				.append(Base64.getEncoder().encodeToString(pair))
				.append("\r\n");
		}
		request.append("\r\n");
		this.request = request.toString().getBytes(StandardCharsets.US_ASCII);
	}

	@Override
	public byte[] opening() {
		return this.request.clone();
	}

	@Override
	public Step receive(byte[] bytes) {
		this.received.write(bytes, 0, bytes.length);
		byte[] answer = this.received.toByteArray();
		if (answer.length >= 2 && (answer[0] == TLS_ALERT || answer[0] == TLS_HANDSHAKE) && answer[1] == TLS_MAJOR) {
			return Step.fail("answered with a TLS record: it speaks TLS, so the member's URL starts with https://");
		}
		for (int i = 0; i < Math.min(answer.length, PREFIX.length); i++) {
			if (answer[i] != PREFIX[i]) {
				return Step.fail("answered with something other than an HTTP status line: " + excerpt(answer));
			}
		}
		int end = indexOf(answer, (byte) '\n');
		if (end < 0) {
			return (answer.length >= MAX_STATUS_LINE)
					? Step.fail("sent " + answer.length + " bytes without ending its HTTP status line") : Step.more();
		}
		String line = new String(answer, 0, end, StandardCharsets.ISO_8859_1).stripTrailing();
		Matcher matcher = STATUS_LINE.matcher(line);
		if (!matcher.matches()) {
			return Step.fail("answered with a malformed HTTP status line: " + excerpt(answer));
		}
		int status = Integer.parseInt(matcher.group(1));
		if (status == 407 || status == 401) {
			return Step.fail((this.credentials ? "rejected the credentials" : "requires credentials the member lacks")
					+ " (HTTP " + status + ")");
		}
		return Step.alive();
	}

	private static int indexOf(byte[] bytes, byte b) {
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == b) {
				return i;
			}
		}
		return -1;
	}

	/** The first bytes of an answer as quoted printable ASCII, anything else shown as '.'. */
	static String excerpt(byte[] answer) {
		int length = Math.min(answer.length, 32);
		StringBuilder excerpt = new StringBuilder("\"");
		for (int i = 0; i < length; i++) {
			int c = answer[i] & 0xFF;
			excerpt.append((c >= 0x20 && c < 0x7F) ? (char) c : '.');
		}
		return excerpt.append((answer.length > length) ? "...\"" : "\"").toString();
	}

}
