package io.cryptofeed.proxy.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The request line and headers of an HTTP/1.x request, read without consuming anything after
 * the empty line that ends them.
 */
record HttpRequestHead(String method, String target, String version, Map<String, String> headers) {

	private static final int MAX_HEAD_BYTES = 64 * 1024;

	/**
	 * Reads a request head.
	 * @return the head, or {@code null} if the client closed the connection before completing it
	 * @throws MalformedRequestException if what arrived is not an HTTP request head
	 */
	static HttpRequestHead read(InputStream input) throws IOException {
		String requestLine = readLine(input);
		if (requestLine == null) {
			return null;
		}
		if (requestLine.isEmpty()) {
			throw new MalformedRequestException("Empty request line");
		}
		String[] parts = requestLine.split(" ");
		if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
			throw new MalformedRequestException("Malformed request line: " + requestLine);
		}
		Map<String, String> headers = new HashMap<>();
		int headBytes = requestLine.length();
		while (true) {
			String line = readLine(input);
			if (line == null) {
				return null;
			}
			if (line.isEmpty()) {
				return new HttpRequestHead(parts[0], parts[1], parts[2], Map.copyOf(headers));
			}
			headBytes += line.length();
			if (headBytes > MAX_HEAD_BYTES) {
				throw new MalformedRequestException("Request head longer than " + MAX_HEAD_BYTES + " bytes");
			}
			int colon = line.indexOf(':');
			if (colon <= 0) {
				throw new MalformedRequestException("Malformed header: " + line);
			}
			headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
		}
	}

	/** The value of a header, by case-insensitive name, or {@code null}. */
	String header(String name) {
		return this.headers.get(name.toLowerCase(Locale.ROOT));
	}

	/**
	 * Reads one line ending in LF or CRLF.
	 * @return the line without its ending, or {@code null} if the stream ended first
	 */
	private static String readLine(InputStream input) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = input.read()) != '\n') {
			if (b == -1) {
				return null;
			}
			if (line.size() > MAX_HEAD_BYTES) {
				throw new MalformedRequestException("Request line longer than " + MAX_HEAD_BYTES + " bytes");
			}
			line.write(b);
		}
		String text = line.toString(StandardCharsets.ISO_8859_1);
		return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
	}

	/** Thrown when a client sends something that is not an HTTP request head. */
	static final class MalformedRequestException extends IOException {

		MalformedRequestException(String message) {
			super(message);
		}

	}

}
