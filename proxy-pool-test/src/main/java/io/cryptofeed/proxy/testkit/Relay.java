package io.cryptofeed.proxy.testkit;

import java.io.IOException;
import java.io.InputStream;
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

	private final AtomicInteger runningDirections = new AtomicInteger(2);

	Relay(Socket client, InputStream clientInput, Socket target, OpenSockets sockets) {
		this.client = client;
		this.clientInput = clientInput;
		this.target = target;
		this.sockets = sockets;
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
				output.write(buffer, 0, read);
				output.flush();
			}
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

	private void closeBoth() {
		this.sockets.close(this.client);
		this.sockets.close(this.target);
	}

}
