package io.cryptofeed.proxy.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A proxy address on loopback whose TCP connect never completes, like a proxy behind a
 * firewall that drops packets: its listener never accepts and its accept queue is kept
 * full, so the kernel drops every new SYN. Tests the TCP connect timeout, which no
 * {@link Fault} of a running proxy reaches (a {@link Fault#HANG} proxy completes the connect
 * and then never answers the handshake).
 */
public final class BlackholeProxy implements AutoCloseable {

	/** How long one probe connect may take before the queue counts as full. */
	private static final int PROBE_TIMEOUT_MILLIS = 300;

	private static final int MAX_FILLERS = 64;

	private final ServerSocket listener;

	private final List<Socket> fillers;

	private BlackholeProxy(ServerSocket listener, List<Socket> fillers) {
		this.listener = listener;
		this.fillers = fillers;
	}

	/** Listens on 127.0.0.1 with a backlog of one and fills the accept queue until a connect no longer completes. */
	public static BlackholeProxy start() {
		ServerSocket listener = null;
		List<Socket> fillers = new ArrayList<>();
		try {
			// not InetAddress.getLoopbackAddress(), which is ::1 in a JVM that prefers IPv6
			listener = new ServerSocket(0, 1, Loopback.address("127.0.0.1"));
			InetSocketAddress address = new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
			for (int i = 0; i < MAX_FILLERS; i++) {
				Socket probe = new Socket();
				try {
					probe.connect(address, PROBE_TIMEOUT_MILLIS);
					fillers.add(probe);
				}
				catch (SocketTimeoutException full) {
					probe.close();
					return new BlackholeProxy(listener, fillers);
				}
			}
			throw new IllegalStateException("the accept queue of " + address + " took " + MAX_FILLERS
					+ " connections without filling up; this kernel does not drop SYNs on a full queue");
		}
		catch (IOException ex) {
			closeAll(listener, fillers);
			throw new UncheckedIOException(ex);
		}
		catch (RuntimeException ex) {
			closeAll(listener, fillers);
			throw ex;
		}
	}

	public String host() {
		return this.listener.getInetAddress().getHostAddress();
	}

	public int port() {
		return this.listener.getLocalPort();
	}

	/** {@code http://127.0.0.1:<port>}: to configure as a pool member (the scheme does not matter, nothing ever answers). */
	public String url() {
		return "http://" + host() + ":" + port();
	}

	@Override
	public void close() {
		closeAll(this.listener, this.fillers);
	}

	private static void closeAll(ServerSocket listener, List<Socket> fillers) {
		for (Socket filler : fillers) {
			closeQuietly(filler);
		}
		closeQuietly(listener);
	}

	private static void closeQuietly(AutoCloseable closeable) {
		if (closeable == null) {
			return;
		}
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// closing a loopback socket that is gone anyway
		}
	}

}
