package io.cryptofeed.proxy.health.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted server on {@code 127.0.0.1} for answers no real proxy gives: every accepted
 * connection gets the script, then the server waits (bounded) for the client to close and
 * counts the connections the client closed.
 */
final class StubServer implements AutoCloseable {

	private static final int READ_TIMEOUT_MILLIS = 10_000;

	private final ServerSocket listener;

	private final Script script;

	private final Thread acceptor;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final List<Thread> handlers = new CopyOnWriteArrayList<>();

	private final AtomicInteger closedByClient = new AtomicInteger();

	private final CountDownLatch firstClosedByClient = new CountDownLatch(1);

	private StubServer(Script script) throws IOException {
		this.script = script;
		this.listener = new ServerSocket();
		this.listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
		this.acceptor = new Thread(this::accept, "stub-server-" + this.listener.getLocalPort());
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	static StubServer start(Script script) throws IOException {
		return new StubServer(script);
	}

	int port() {
		return this.listener.getLocalPort();
	}

	/** Waits until a client closed its connection after the script, at most the given time. */
	boolean awaitClosedByClient(long millis) throws InterruptedException {
		return this.firstClosedByClient.await(millis, TimeUnit.MILLISECONDS);
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			Socket socket;
			try {
				socket = this.listener.accept();
			}
			catch (IOException ex) {
				return;
			}
			this.sockets.add(socket);
			Thread handler = new Thread(() -> serve(socket), "stub-server-handler-" + socket.getPort());
			handler.setDaemon(true);
			this.handlers.add(handler);
			handler.start();
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			socket.setSoTimeout(READ_TIMEOUT_MILLIS);
			InputStream input = socket.getInputStream();
			this.script.run(input, socket.getOutputStream());
			socket.getOutputStream().flush();
			// Whatever the client sends next is ignored; end of stream means the client closed
			byte[] buffer = new byte[256];
			while (input.read(buffer) != -1) {
				// Discard
			}
			this.closedByClient.incrementAndGet();
			this.firstClosedByClient.countDown();
		}
		catch (SocketTimeoutException | SocketException ex) {
			// Closed by close(), reset, or the client never closed
		}
		catch (IOException ex) {
			// The client went away
		}
	}

	@Override
	public void close() throws IOException, InterruptedException {
		this.listener.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.acceptor.join(10_000);
		for (Thread handler : this.handlers) {
			handler.join(10_000);
		}
	}

	/** What the server does with one connection before waiting for the client to close. */
	@FunctionalInterface
	interface Script {

		void run(InputStream input, OutputStream output) throws IOException;

	}

	/** Reads exactly {@code n} bytes. */
	static byte[] read(InputStream input, int n) throws IOException {
		byte[] bytes = input.readNBytes(n);
		if (bytes.length < n) {
			throw new IOException("Expected " + n + " bytes, got " + bytes.length);
		}
		return bytes;
	}

	/** Reads up to and including the empty line that ends an HTTP request head. */
	static String readHead(InputStream input) throws IOException {
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = input.read();
			if (b == -1 || head.length() > 16_384) {
				throw new IOException("Incomplete request head: " + head);
			}
			head.append((char) b);
		}
		return head.toString();
	}

}
