package io.cryptofeed.proxy.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The sockets a proxy has open, so that closing the proxy can close them all; a socket tracked
 * after that is closed at once.
 */
final class OpenSockets {

	private final Set<Closeable> open = new HashSet<>();

	private boolean closed;

	/**
	 * Tracks the socket until {@link #close(Closeable)}.
	 * @return {@code false} if everything was closed already, the socket then too
	 */
	boolean track(Closeable socket) {
		synchronized (this.open) {
			if (!this.closed) {
				this.open.add(socket);
				return true;
			}
		}
		closeQuietly(socket);
		return false;
	}

	/**
	 * Tracks a socket layered on a tracked one (TLS over TCP) in its place: closing it closes
	 * both.
	 * @return {@code false} if everything was closed already, both sockets then too
	 */
	boolean replace(Closeable tracked, Closeable layered) {
		synchronized (this.open) {
			this.open.remove(tracked);
		}
		return track(layered);
	}

	void close(Closeable socket) {
		synchronized (this.open) {
			this.open.remove(socket);
		}
		closeQuietly(socket);
	}

	void closeAll() {
		List<Closeable> sockets;
		synchronized (this.open) {
			this.closed = true;
			sockets = new ArrayList<>(this.open);
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

}
