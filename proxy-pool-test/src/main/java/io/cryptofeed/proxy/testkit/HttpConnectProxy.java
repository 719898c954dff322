package io.cryptofeed.proxy.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * An HTTP proxy that supports only the CONNECT method, optionally with Basic credentials, and
 * fails on demand.
 *
 * <pre class="code">
 * HttpConnectProxy proxy = HttpConnectProxy.builder().bindAddress("127.0.0.2").credentials("user", "pass").start();
 * </pre>
 */
public final class HttpConnectProxy extends AbstractTestProxy {

	/** The realm announced in {@code Proxy-Authenticate}. */
	static final String REALM = "proxy-pool-test";

	private static final Set<Fault.Kind> SUPPORTED_FAULTS = EnumSet.of(Fault.Kind.NONE, Fault.Kind.REFUSE,
			Fault.Kind.HANG, Fault.Kind.DELAY, Fault.Kind.HOLD, Fault.Kind.RESET, Fault.Kind.STATUS_407, Fault.Kind.STATUS_500,
			Fault.Kind.STALL, Fault.Kind.FREEZE, Fault.Kind.CRASH);

	private HttpConnectProxy(ProxySettings settings) {
		super(settings.tls() ? "https" : "http", settings);
	}

	/** Starts configuring a proxy on {@code 127.0.0.1} and an ephemeral port. */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	Set<Fault.Kind> supportedFaults() {
		return SUPPORTED_FAULTS;
	}

	@Override
	Socket handshake(Socket client, InputStream input, OutputStream output, Fault fault) throws IOException {
		HttpRequestHead head;
		try {
			head = HttpRequestHead.read(input);
		}
		catch (HttpRequestHead.MalformedRequestException ex) {
			respond(output, 400, "Bad Request", "");
			return null;
		}
		if (head == null) {
			return null;
		}
		if ("CONNECT".equals(head.method())) {
			// asked for, whatever the answer: a 407 or 500, or none (HANG, RESET) all follow the ask
			requested(head.target());
		}
		switch (fault.kind()) {
			case HANG -> {
				hang(input);
				return null;
			}
			case RESET -> {
				reset(client);
				return null;
			}
			case DELAY -> pause(fault.delay());
			case HOLD -> awaitRelease();
			case STATUS_407 -> {
				respond(output, 407, "Proxy Authentication Required", proxyAuthenticate());
				return null;
			}
			case STATUS_500 -> {
				respond(output, 500, "Internal Server Error", "");
				return null;
			}
			default -> {
			}
		}
		if (!"CONNECT".equals(head.method())) {
			respond(output, 405, "Method Not Allowed", "Allow: CONNECT\r\n");
			return null;
		}
		if (!isAuthorized(head)) {
			respond(output, 407, "Proxy Authentication Required", proxyAuthenticate());
			return null;
		}
		Authority authority = Authority.parse(head.target());
		if (authority == null) {
			respond(output, 400, "Bad Request", "");
			return null;
		}
		Socket target;
		try {
			target = connectTarget(resolveTarget(authority.host()), authority.port());
		}
		catch (UnknownHostException ex) {
			respond(output, 502, "Bad Gateway", "");
			return null;
		}
		catch (IOException ex) {
			if (client.isClosed()) {
				throw ex;
			}
			respond(output, 502, "Bad Gateway", "");
			return null;
		}
		confirmTunnel(client, target, output,
				"HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		return target;
	}

	private boolean isAuthorized(HttpRequestHead head) {
		Credentials credentials = credentials();
		if (credentials == null) {
			return true;
		}
		String authorization = head.header("Proxy-Authorization");
		if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			return false;
		}
		String decoded;
		try {
			decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		int colon = decoded.indexOf(':');
		return colon >= 0 && credentials.matches(decoded.substring(0, colon), decoded.substring(colon + 1));
	}

	private static String proxyAuthenticate() {
		return "Proxy-Authenticate: Basic realm=\"" + REALM + "\"\r\n";
	}

	private static void respond(OutputStream output, int status, String reason, String headers) throws IOException {
		byte[] body = (status + " " + reason + "\n").getBytes(StandardCharsets.US_ASCII);
		String head = "HTTP/1.1 " + status + " " + reason + "\r\n" + headers + "Content-Type: text/plain\r\n"
				+ "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
		output.write(head.getBytes(StandardCharsets.US_ASCII));
		output.write(body);
		output.flush();
	}

	/**
	 * The {@code host:port} target of a CONNECT request, the host of an IPv6 literal without
	 * its brackets.
	 */
	private record Authority(String host, int port) {

		static Authority parse(String target) {
			int colon = target.lastIndexOf(':');
			if (colon <= 0 || colon == target.length() - 1) {
				return null;
			}
			String host = target.substring(0, colon);
			if (host.startsWith("[") && host.endsWith("]")) {
				host = host.substring(1, host.length() - 1);
			}
			else if (host.contains(":")) {
				return null;
			}
			try {
				int port = Integer.parseInt(target.substring(colon + 1));
				return (port > 0 && port <= 65535 && !host.isEmpty()) ? new Authority(host, port) : null;
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

	}

	/** Configures and starts an {@link HttpConnectProxy}. */
	public static final class Builder extends TestProxyBuilder<Builder, HttpConnectProxy> {

		private Builder() {
		}

		/**
		 * Makes clients speak TLS to the proxy ({@code https://} URL) with the certificate of
		 * {@link ProxyCertificate}. {@link Fault#FREEZE} then answers no TLS handshake either;
		 * the other faults come after it.
		 */
		public Builder tls() {
			return withTls();
		}

		@Override
		HttpConnectProxy create(ProxySettings settings) {
			if (settings.credentials() != null && settings.credentials().user().indexOf(':') >= 0) {
				// Basic authentication sends user:password, read up to the first ':': no client could authenticate
				throw new IllegalArgumentException("An HTTP proxy's user name cannot hold a ':' (RFC 7617)");
			}
			HttpConnectProxy proxy = new HttpConnectProxy(settings);
			proxy.start();
			return proxy;
		}

	}

}
