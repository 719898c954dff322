package io.cryptofeed.proxy.testkit.support;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.cryptofeed.proxy.testkit.ProxyCertificate;

/**
 * A deliberately plain client that speaks HTTP CONNECT, SOCKS5 and HTTP/1.1 over raw sockets, so
 * that tests see exactly what a proxy answers.
 */
public final class ProxyClient {

	/** Read timeout of every socket this client opens, so that no test can wait forever. */
	public static final int READ_TIMEOUT_MILLIS = 5_000;

	private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

	private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private ProxyClient() {
	}

	/** Opens a TCP connection with bounded connect and read timeouts. */
	public static Socket open(String host, int port) throws IOException {
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
			socket.setSoTimeout(READ_TIMEOUT_MILLIS);
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * Opens a TCP connection and speaks TLS over it, trusting only the certificate of the test
	 * kit's proxies and checking that it names the host.
	 */
	public static SSLSocket openTls(String host, int port) throws IOException {
		return speakTls(open(host, port), host, port, null);
	}

	/**
	 * Speaks TLS 1.2 over a connected socket, as {@link #openTls(String, int)} does. Unlike TLS
	 * 1.3, it sends nothing after its handshake (no session ticket), so that a test can read
	 * beneath it whether the peer sent a TLS alert or only reset the connection.
	 */
	public static SSLSocket speakTls12(Socket socket) throws IOException {
		return speakTls(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), "TLSv1.2");
	}

	private static SSLSocket speakTls(Socket socket, String host, int port, String protocol) throws IOException {
		try {
			SSLSocket tls = (SSLSocket) trustingTestProxies().getSocketFactory().createSocket(socket, host, port, true);
			SSLParameters parameters = tls.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			if (protocol != null) {
				parameters.setProtocols(new String[] { protocol });
			}
			tls.setSSLParameters(parameters);
			tls.startHandshake();
			return tls;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	private static SSLContext trustingTestProxies() throws IOException {
		try (InputStream pem = ProxyClient.class.getClassLoader().getResourceAsStream(ProxyCertificate.CERTIFICATE)) {
			KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
			trusted.load(null, null);
			trusted.setCertificateEntry("proxy", CertificateFactory.getInstance("X.509").generateCertificate(pem));
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(trusted);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trust.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IOException(ex);
		}
	}

	/**
	 * Sends a request head such as {@code CONNECT host:port} and reads the response, without a
	 * body only when it opened a tunnel.
	 */
	public static HttpResponse sendHttpRequestHead(Socket socket, String method, String target, String user,
			String password) throws IOException {
		StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
		request.append("Host: ").append(target).append("\r\n");
		if (user != null) {
			String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
			request.append("Proxy-Authorization: Basic ").append(token).append("\r\n");
		}
		request.append("\r\n");
		write(socket, request.toString().getBytes(StandardCharsets.ISO_8859_1));
		return HttpResponse.read(socket.getInputStream(), "CONNECT".equals(method));
	}

	/** Opens a tunnel through an HTTP proxy, failing unless it answers 200. */
	public static Socket httpTunnel(String proxyHost, int proxyPort, String targetHost, int targetPort, String user,
			String password) throws IOException {
		Socket socket = open(proxyHost, proxyPort);
		try {
			HttpResponse response = sendHttpRequestHead(socket, "CONNECT", authority(targetHost, targetPort), user,
					password);
			if (response.status() != 200) {
				throw new IOException("CONNECT answered " + response.status());
			}
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * Offers authentication methods to a SOCKS5 proxy.
	 * @return the method it selected, {@code 0xFF} for none
	 */
	public static int socks5Greeting(Socket socket, int... methods) throws IOException {
		byte[] greeting = new byte[2 + methods.length];
		greeting[0] = 0x05;
		greeting[1] = (byte) methods.length;
		for (int i = 0; i < methods.length; i++) {
			greeting[2 + i] = (byte) methods[i];
		}
		write(socket, greeting);
		byte[] answer = readExactly(socket, 2);
		if (answer[0] != 0x05) {
			throw new IOException("Not a SOCKS5 answer: version " + answer[0]);
		}
		return answer[1] & 0xFF;
	}

	/**
	 * Sends RFC 1929 credentials.
	 * @return the status, {@code 0x00} for success
	 */
	public static int socks5Authenticate(Socket socket, String user, String password) throws IOException {
		byte[] name = user.getBytes(StandardCharsets.UTF_8);
		byte[] secret = password.getBytes(StandardCharsets.UTF_8);
		ByteBuffer request = ByteBuffer.allocate(3 + name.length + secret.length);
		request.put((byte) 0x01).put((byte) name.length).put(name).put((byte) secret.length).put(secret);
		write(socket, request.array());
		return readExactly(socket, 2)[1] & 0xFF;
	}

	/** Sends a CONNECT request for an IP literal or a domain name and reads the reply. */
	public static Socks5Reply socks5Connect(Socket socket, String host, int port) throws IOException {
		if (IPV4.matcher(host).matches() || host.contains(":")) {
			byte[] address = InetAddress.getByName(host).getAddress();
			return socks5Request(socket, 0x01, (address.length == 4) ? 0x01 : 0x04, address, port);
		}
		byte[] name = host.getBytes(StandardCharsets.US_ASCII);
		byte[] address = new byte[1 + name.length];
		address[0] = (byte) name.length;
		System.arraycopy(name, 0, address, 1, name.length);
		return socks5Request(socket, 0x01, 0x03, address, port);
	}

	/** Sends any SOCKS5 request with an already encoded address and reads the reply. */
	public static Socks5Reply socks5Request(Socket socket, int command, int addressType, byte[] address, int port)
			throws IOException {
		ByteBuffer request = ByteBuffer.allocate(6 + address.length);
		request.put((byte) 0x05).put((byte) command).put((byte) 0x00).put((byte) addressType).put(address);
		request.putShort((short) port);
		write(socket, request.array());
		DataInputStream in = new DataInputStream(socket.getInputStream());
		byte[] head = readExactly(socket, 4);
		byte[] bound = switch (head[3]) {
			case 0x01 -> readExactly(socket, 4);
			case 0x04 -> readExactly(socket, 16);
			case 0x03 -> readExactly(socket, in.readUnsignedByte());
			default -> throw new IOException("Unknown address type in reply: " + head[3]);
		};
		int boundPort = in.readUnsignedShort();
		InetAddress boundAddress = (head[3] == 0x03) ? null : InetAddress.getByAddress(bound);
		return new Socks5Reply(head[1] & 0xFF, boundAddress, boundPort);
	}

	/** Opens a tunnel through a SOCKS5 proxy, with credentials if given, failing unless it succeeds. */
	public static Socket socks5Tunnel(String proxyHost, int proxyPort, String targetHost, int targetPort,
			String user, String password) throws IOException {
		Socket socket = open(proxyHost, proxyPort);
		try {
			int method = socks5Greeting(socket, (user != null) ? 0x02 : 0x00);
			if (method == 0x02) {
				int status = socks5Authenticate(socket, user, password);
				if (status != 0x00) {
					throw new IOException("SOCKS5 authentication failed with status " + status);
				}
			}
			else if (method != 0x00) {
				throw new IOException("SOCKS5 proxy selected method " + method);
			}
			Socks5Reply reply = socks5Connect(socket, targetHost, targetPort);
			if (!reply.succeeded()) {
				throw new IOException("SOCKS5 CONNECT failed with reply " + reply.code());
			}
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	/** Sends {@code GET path} with {@code Connection: close} over a tunnel and reads the response. */
	public static HttpResponse get(Socket tunnel, String host, int port, String path) throws IOException {
		return request(tunnel, "GET", host, port, path, null);
	}

	/** Sends {@code POST path} with a body and {@code Connection: close} and reads the response. */
	public static HttpResponse post(Socket tunnel, String host, int port, String path, byte[] body)
			throws IOException {
		return request(tunnel, "POST", host, port, path, body);
	}

	/** Opens an HTTP tunnel, asks the target's {@code /whoami} and returns the answer. */
	public static String whoamiThroughHttp(String proxyHost, int proxyPort, String targetHost, int targetPort,
			String user, String password) throws IOException {
		try (Socket tunnel = httpTunnel(proxyHost, proxyPort, targetHost, targetPort, user, password)) {
			return okBody(get(tunnel, targetHost, targetPort, "/whoami"));
		}
	}

	/**
	 * Speaks TLS to an HTTP proxy ({@link #openTls}), opens a tunnel through it, asks the
	 * target's {@code /whoami} and returns the answer.
	 */
	public static String whoamiThroughTlsHttp(String proxyHost, int proxyPort, String targetHost, int targetPort,
			String user, String password) throws IOException {
		try (Socket socket = openTls(proxyHost, proxyPort)) {
			HttpResponse response = sendHttpRequestHead(socket, "CONNECT", authority(targetHost, targetPort), user,
					password);
			if (response.status() != 200) {
				throw new IOException("CONNECT answered " + response.status());
			}
			return okBody(get(socket, targetHost, targetPort, "/whoami"));
		}
	}

	/** Opens a SOCKS5 tunnel, asks the target's {@code /whoami} and returns the answer. */
	public static String whoamiThroughSocks5(String proxyHost, int proxyPort, String targetHost, int targetPort,
			String user, String password) throws IOException {
		try (Socket tunnel = socks5Tunnel(proxyHost, proxyPort, targetHost, targetPort, user, password)) {
			return okBody(get(tunnel, targetHost, targetPort, "/whoami"));
		}
	}

	/** Reads the response to a request sent earlier over the tunnel. */
	public static HttpResponse readResponse(Socket tunnel) throws IOException {
		return HttpResponse.read(tunnel.getInputStream(), false);
	}

	/** Reads one byte, returning {@code -1} at the end of the stream. */
	public static int read(Socket socket) throws IOException {
		return socket.getInputStream().read();
	}

	private static String okBody(HttpResponse response) throws IOException {
		if (response.status() != 200) {
			throw new IOException("Target answered " + response.status() + ": " + response.bodyText());
		}
		return response.bodyText();
	}

	private static HttpResponse request(Socket tunnel, String method, String host, int port, String path, byte[] body)
			throws IOException {
		StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
		head.append("Host: ").append(authority(host, port)).append("\r\n");
		head.append("Connection: close\r\n");
		if (body != null) {
			head.append("Content-Type: application/octet-stream\r\n");
			head.append("Content-Length: ").append(body.length).append("\r\n");
		}
		head.append("\r\n");
		OutputStream output = tunnel.getOutputStream();
		output.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
		if (body != null) {
			output.write(body);
		}
		output.flush();
		return HttpResponse.read(tunnel.getInputStream(), false);
	}

	private static String authority(String host, int port) {
		return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
	}

	private static void write(Socket socket, byte[] bytes) throws IOException {
		OutputStream output = socket.getOutputStream();
		output.write(bytes);
		output.flush();
	}

	private static byte[] readExactly(Socket socket, int length) throws IOException {
		byte[] bytes = socket.getInputStream().readNBytes(length);
		if (bytes.length != length) {
			throw new EOFException("Connection closed after " + bytes.length + " of " + length + " bytes");
		}
		return bytes;
	}

}
