package io.cryptofeed.proxy.testkit.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.x response read byte by byte from a raw socket, so that nothing after it is consumed.
 */
public record HttpResponse(int status, Map<String, String> headers, byte[] body) {

	/** The value of a header, by case-insensitive name, or {@code null}. */
	public String header(String name) {
		return this.headers.get(name.toLowerCase(Locale.ROOT));
	}

	public String bodyText() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

	/**
	 * Reads a response and its body by length, chunks or end of stream, except the successful
	 * answer to a CONNECT, after which the tunnel begins.
	 */
	static HttpResponse read(InputStream input, boolean connect) throws IOException {
		String statusLine = readLine(input);
		String[] parts = statusLine.split(" ", 3);
		if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
			throw new IOException("Not an HTTP status line: " + statusLine);
		}
		Map<String, String> headers = new HashMap<>();
		for (String line = readLine(input); !line.isEmpty(); line = readLine(input)) {
			int colon = line.indexOf(':');
			headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
		}
		int status = Integer.parseInt(parts[1]);
		byte[] body = (connect && status / 100 == 2) ? new byte[0] : readBody(input, headers);
		return new HttpResponse(status, Map.copyOf(headers), body);
	}

	private static byte[] readBody(InputStream input, Map<String, String> headers) throws IOException {
		String length = headers.get("content-length");
		if (length != null) {
			return readExactly(input, Integer.parseInt(length));
		}
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			for (int size = chunkSize(input); size > 0; size = chunkSize(input)) {
				body.write(readExactly(input, size));
				readLine(input);
			}
			for (String trailer = readLine(input); !trailer.isEmpty(); trailer = readLine(input)) {
				// Trailers are not needed
			}
			return body.toByteArray();
		}
		return input.readAllBytes();
	}

	private static int chunkSize(InputStream input) throws IOException {
		String line = readLine(input);
		int extension = line.indexOf(';');
		return Integer.parseInt((extension >= 0) ? line.substring(0, extension).trim() : line.trim(), 16);
	}

	private static byte[] readExactly(InputStream input, int length) throws IOException {
		byte[] bytes = input.readNBytes(length);
		if (bytes.length != length) {
			throw new EOFException("Expected " + length + " bytes, got " + bytes.length);
		}
		return bytes;
	}

	static String readLine(InputStream input) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = input.read(); b != '\n'; b = input.read()) {
			if (b == -1) {
				throw new EOFException("Connection closed after " + line.size() + " bytes of a line: "
						+ line.toString(StandardCharsets.ISO_8859_1));
			}
			line.write(b);
		}
		String text = line.toString(StandardCharsets.ISO_8859_1);
		return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
	}

}
