package io.cryptofeed.proxy.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sockets a proxy has open, so that closing the proxy can close them all and a crash can
 * reset them; a socket tracked after {@link #closeAll()} is closed at once.
 */
final class OpenSockets {

	/** Each open socket, by the TCP socket beneath it: itself, or the one a TLS socket is layered on. */
	private final Map<Socket, Socket> open = new HashMap<>();

	private boolean closed;

	/**
	 * Tracks the socket until {@link #close(Socket)}.
	 * @return {@code false} if everything was closed already, the socket then too
	 */
	boolean track(Socket socket) {
		synchronized (this.open) {
			if (!this.closed) {
				this.open.put(socket, socket);
				return true;
			}
		}
		closeQuietly(socket);
		return false;
	}

	/**
	 * Tracks a socket layered on a tracked one (TLS over TCP) in its place: closing it closes
	 * both.
	 * @return {@code false} if the tracked socket was closed or reset meanwhile, the layered one
	 * then too
	 */
	boolean replace(Socket tracked, Socket layered) {
		synchronized (this.open) {
			Socket tcp = this.open.remove(tracked);
			if (tcp != null) {
				this.open.put(layered, tcp);
				return true;
			}
		}
		closeQuietly(layered);
		return false;
	}

	/**
	 * Runs the action if the socket is still open, so that no {@link #resetAll() reset} comes
	 * in between.
	 * @return whether it ran
	 */
	boolean runIfOpen(Socket socket, Runnable action) {
		synchronized (this.open) {
			if (!this.open.containsKey(socket)) {
				return false;
			}
			action.run();
			return true;
		}
	}

	void close(Socket socket) {
		synchronized (this.open) {
			this.open.remove(socket);
		}
		closeQuietly(socket);
	}

	/**
	 * Aborts the socket with a TCP RST and nothing before it: beneath a TLS socket, whose own
	 * close would first send a close_notify alert, as a proxy closing in good order does.
	 */
	void reset(Socket socket) {
		Socket tcp;
		synchronized (this.open) {
			tcp = this.open.remove(socket);
		}
		Socket beneath = (tcp != null) ? tcp : socket;
		abortOnClose(beneath);
		closeQuietly(beneath);
		closeQuietly(socket);
	}

	/**
	 * Aborts every open socket with a TCP RST, and goes on tracking the sockets opened from now
	 * on.
	 */
	void resetAll() {
		Map<Socket, Socket> reset;
		synchronized (this.open) {
			reset = new HashMap<>(this.open);
			this.open.clear();
		}
		// all abort before any closes: a relay that sees one end go closes the other, which must reset too
		reset.values().forEach(OpenSockets::abortOnClose);
		// the TCP beneath TLS first: a TLS socket its relay closes would send close_notify before the RST
		reset.forEach((socket, tcp) -> {
			if (socket != tcp) {
				closeQuietly(tcp);
			}
		});
		reset.values().forEach(OpenSockets::closeQuietly);
	}

	void closeAll() {
		List<Socket> sockets;
		synchronized (this.open) {
			this.closed = true;
			sockets = new ArrayList<>(this.open.keySet());
			this.open.clear();
		}
		sockets.forEach(OpenSockets::closeQuietly);
	}

	static void closeQuietly(Closeable socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Closing is best effort, the socket is unusable either way
		}
	}

	/** Makes closing the socket send a TCP RST rather than a FIN (SO_LINGER 0). */
	private static void abortOnClose(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (IOException ex) {
			// Closed already: nothing left to reset
		}
	}

}
