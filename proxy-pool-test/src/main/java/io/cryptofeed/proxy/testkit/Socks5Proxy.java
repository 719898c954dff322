package io.cryptofeed.proxy.testkit;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/**
 * A SOCKS5 proxy (RFC 1928) that supports the CONNECT command with IPv4, domain name (resolved
 * by the proxy) and IPv6 targets, optionally with username/password authentication (RFC 1929),
 * and fails on demand.
 *
 * <pre class="code">
 * Socks5Proxy proxy = Socks5Proxy.builder().bindAddress("127.0.0.2").egressAddress("127.0.0.3").start();
 * </pre>
 */
public final class Socks5Proxy extends AbstractTestProxy {

	static final int VERSION = 0x05;

	static final int AUTH_VERSION = 0x01;

	static final int METHOD_NO_AUTH = 0x00;

	static final int METHOD_USERNAME_PASSWORD = 0x02;

	static final int METHOD_NONE_ACCEPTABLE = 0xFF;

	static final int COMMAND_CONNECT = 0x01;

	static final int ADDRESS_IPV4 = 0x01;

	static final int ADDRESS_DOMAIN = 0x03;

	static final int ADDRESS_IPV6 = 0x04;

	static final int REPLY_SUCCEEDED = 0x00;

	static final int REPLY_GENERAL_FAILURE = 0x01;

	static final int REPLY_HOST_UNREACHABLE = 0x04;

	static final int REPLY_CONNECTION_REFUSED = 0x05;

	static final int REPLY_COMMAND_NOT_SUPPORTED = 0x07;

	static final int REPLY_ADDRESS_TYPE_NOT_SUPPORTED = 0x08;

	private static final Set<Fault.Kind> SUPPORTED_FAULTS = EnumSet.of(Fault.Kind.NONE, Fault.Kind.REFUSE,
			Fault.Kind.HANG, Fault.Kind.DELAY, Fault.Kind.HOLD, Fault.Kind.RESET, Fault.Kind.AUTH_FAIL, Fault.Kind.STALL,
			Fault.Kind.FREEZE, Fault.Kind.CRASH);

	private Socks5Proxy(ProxySettings settings) {
		super("socks5", settings);
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
		DataInputStream in = new DataInputStream(input);
		if (in.read() != VERSION) {
			return null;
		}
		byte[] methods = new byte[in.readUnsignedByte()];
		in.readFully(methods);
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
			case AUTH_FAIL -> {
				if (select(output, methods, METHOD_USERNAME_PASSWORD)) {
					readCredentials(in);
					write(output, AUTH_VERSION, 0x01);
				}
				return null;
			}
			default -> {
			}
		}
		Credentials credentials = credentials();
		if (!select(output, methods, (credentials != null) ? METHOD_USERNAME_PASSWORD : METHOD_NO_AUTH)) {
			return null;
		}
		if (credentials != null) {
			Credentials offered = readCredentials(in);
			boolean accepted = offered != null && credentials.matches(offered.user(), offered.password());
			write(output, AUTH_VERSION, accepted ? 0x00 : 0x01);
			if (!accepted) {
				return null;
			}
		}
		return connect(client, in, output);
	}

	/**
	 * Answers the method offer with the given method if the client offered it.
	 * @return whether the method was selected; if not, the client was told that none is acceptable
	 */
	private static boolean select(OutputStream output, byte[] offered, int method) throws IOException {
		for (byte candidate : offered) {
			if ((candidate & 0xFF) == method) {
				write(output, VERSION, method);
				return true;
			}
		}
		write(output, VERSION, METHOD_NONE_ACCEPTABLE);
		return false;
	}

	/** Reads an RFC 1929 request, {@code null} if its version is wrong. */
	private static Credentials readCredentials(DataInputStream in) throws IOException {
		int version = in.readUnsignedByte();
		String user = readString(in);
		String password = readString(in);
		return (version == AUTH_VERSION) ? new Credentials(user, password) : null;
	}

	private Socket connect(Socket client, DataInputStream in, OutputStream output) throws IOException {
		int version = in.readUnsignedByte();
		int command = in.readUnsignedByte();
		in.readUnsignedByte();
		int addressType = in.readUnsignedByte();
		if (version != VERSION) {
			return null;
		}
		InetAddress address;
		String requestedHost;
		switch (addressType) {
			case ADDRESS_IPV4, ADDRESS_IPV6 -> {
				address = InetAddress.getByAddress(readBytes(in, (addressType == ADDRESS_IPV4) ? 4 : 16));
				requestedHost = address.getHostAddress();
			}
			case ADDRESS_DOMAIN -> {
				requestedHost = readString(in);
				address = resolve(requestedHost);
			}
			default -> {
				reply(output, REPLY_ADDRESS_TYPE_NOT_SUPPORTED, null);
				return null;
			}
		}
		int port = in.readUnsignedShort();
		requested(requestedHost + ":" + port);
		if (command != COMMAND_CONNECT) {
			reply(output, REPLY_COMMAND_NOT_SUPPORTED, null);
			return null;
		}
		if (address == null) {
			reply(output, REPLY_HOST_UNREACHABLE, null);
			return null;
		}
		Socket target;
		try {
			target = connectTarget(address, port);
		}
		catch (ConnectException ex) {
			reply(output, REPLY_CONNECTION_REFUSED, null);
			return null;
		}
		catch (NoRouteToHostException | SocketTimeoutException ex) {
			reply(output, REPLY_HOST_UNREACHABLE, null);
			return null;
		}
		catch (IOException ex) {
			reply(output, REPLY_GENERAL_FAILURE, null);
			return null;
		}
		confirmTunnel(client, target, output, reply(REPLY_SUCCEEDED, (InetSocketAddress) target.getLocalSocketAddress()));
		return target;
	}

	private InetAddress resolve(String host) {
		try {
			return resolveTarget(host);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	private static void reply(OutputStream output, int code, InetSocketAddress bound) throws IOException {
		output.write(reply(code, bound));
		output.flush();
	}

	/** Encodes a reply with the bound address, or an all-zero IPv4 address when there is none. */
	private static byte[] reply(int code, InetSocketAddress bound) {
		byte[] address = (bound != null) ? bound.getAddress().getAddress() : new byte[4];
		ByteBuffer reply = ByteBuffer.allocate(6 + address.length);
		reply.put((byte) VERSION).put((byte) code).put((byte) 0x00);
		reply.put((byte) ((address.length == 4) ? ADDRESS_IPV4 : ADDRESS_IPV6)).put(address);
		reply.putShort((short) ((bound != null) ? bound.getPort() : 0));
		return reply.array();
	}

	private static String readString(DataInputStream in) throws IOException {
		return new String(readBytes(in, in.readUnsignedByte()), StandardCharsets.UTF_8);
	}

	private static byte[] readBytes(DataInputStream in, int length) throws IOException {
		byte[] bytes = new byte[length];
		in.readFully(bytes);
		return bytes;
	}

	private static void write(OutputStream output, int first, int second) throws IOException {
		output.write(new byte[] { (byte) first, (byte) second });
		output.flush();
	}

	private static boolean longerThanRfc1929Allows(String credential) {
		return credential.getBytes(StandardCharsets.UTF_8).length > 255;
	}

	/** Configures and starts a {@link Socks5Proxy}. */
	public static final class Builder extends TestProxyBuilder<Builder, Socks5Proxy> {

		private Builder() {
		}

		@Override
		Socks5Proxy create(ProxySettings settings) {
			Credentials credentials = settings.credentials();
			if (credentials != null && (longerThanRfc1929Allows(credentials.user())
					|| longerThanRfc1929Allows(credentials.password()))) {
				// each goes with a length byte: no client could authenticate
				throw new IllegalArgumentException(
						"SOCKS5 carries at most 255 bytes of user name and of password (RFC 1929), in UTF-8");
			}
			Socks5Proxy proxy = new Socks5Proxy(settings);
			proxy.start();
			return proxy;
		}

	}

}
