package io.cryptofeed.proxy.testkit.real;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Starts a proxy process in a fresh temporary directory on a free port, trying another port when
 * the chosen one was taken in the meantime.
 */
final class ProcessLauncher {

	private static final int MAX_ATTEMPTS = 3;

	private ProcessLauncher() {
	}

	/**
	 * Writes the configuration and starts the process, waiting until it accepts connections.
	 * @param name the name used in messages and for the temporary directory
	 * @param host the address the process will listen on
	 * @param timeout how long to wait for the process to listen
	 * @param commands writes any configuration into the directory and returns the command line
	 */
	static Launched launch(String name, InetAddress host, Duration timeout, CommandFactory commands) {
		Path directory;
		try {
			directory = Files.createTempDirectory("proxy-pool-" + name + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a directory for " + name, ex);
		}
		try {
			for (int attempt = 1;; attempt++) {
				int port = FreePorts.pick(host);
				List<String> command = commands.command(port, directory);
				try {
					return new Launched(ProxyProcess.start(name, command, directory, host, port, timeout), port,
							directory);
				}
				catch (ProxyProcess.ProcessExitedException ex) {
					if (attempt == MAX_ATTEMPTS || !isPortTaken(ex.output())) {
						throw ex;
					}
				}
			}
		}
		catch (IOException ex) {
			ProxyProcess.deleteQuietly(directory);
			throw new UncheckedIOException("Cannot configure " + name, ex);
		}
		catch (RuntimeException ex) {
			ProxyProcess.deleteQuietly(directory);
			throw ex;
		}
	}

	/**
	 * Whether a process failed because its port was taken: danted and microsocks print "Address
	 * already in use", tinyproxy only "Could not create listening sockets".
	 */
	private static boolean isPortTaken(String output) {
		return output.contains("in use") || output.contains("Could not create listening sockets");
	}

	/** Writes the configuration of a process for a port and returns its command line. */
	@FunctionalInterface
	interface CommandFactory {

		List<String> command(int port, Path directory) throws IOException;

	}

	/** A process that accepts connections on its port, with the directory holding its files. */
	record Launched(ProxyProcess process, int port, Path directory) {
	}

}
