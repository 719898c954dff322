package io.cryptofeed.proxy.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies bytes both ways between a client and a target until both directions have ended,
 * passing a half-close on and closing both sockets at the end or on the first error.
 */
final class Relay {

	private static final int BUFFER_SIZE = 16 * 1024;

	private final Socket client;

	private final InputStream clientInput;

	private final Socket target;

	private final OpenSockets sockets;

	private final Gate gate;

	private final AtomicInteger runningDirections = new AtomicInteger(2);

	Relay(Socket client, InputStream clientInput, Socket target, OpenSockets sockets, Gate gate) {
		this.client = client;
		this.clientInput = clientInput;
		this.target = target;
		this.sockets = sockets;
		this.gate = gate;
	}

	/** Relays target to client on the executor and client to target on the calling thread. */
	void run(Executor executor) {
		try {
			InputStream targetInput = this.target.getInputStream();
			executor.execute(() -> copy(targetInput, this.client));
		}
		catch (IOException | RejectedExecutionException ex) {
			closeBoth();
			return;
		}
		copy(this.clientInput, this.target);
	}

	private void copy(InputStream input, Socket to) {
		byte[] buffer = new byte[BUFFER_SIZE];
		try {
			OutputStream output = to.getOutputStream();
			int read;
			while ((read = input.read(buffer)) != -1) {
				this.gate.awaitOpen();
				output.write(buffer, 0, read);
				output.flush();
			}
			this.gate.awaitOpen();
			to.shutdownOutput();
		}
		catch (IOException ex) {
			closeBoth();
		}
		finally {
			if (this.runningDirections.decrementAndGet() == 0) {
				closeBoth();
			}
		}
	}

	/** Holds what a relay read back while the proxy is frozen. */
	@FunctionalInterface
	interface Gate {

		/** Returns at once unless the proxy is frozen, else once it is not any more. */
		void awaitOpen() throws InterruptedIOException;

	}

	private void closeBoth() {
		this.sockets.close(this.client);
		this.sockets.close(this.target);
	}

}
