package io.cryptofeed.proxy.testkit.real;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Runs one proxy process with its output captured in a file of its working directory, waits
 * until it accepts connections, and stops it together with any child processes.
 */
final class ProxyProcess {

	private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

	private static final int PROBE_TIMEOUT_MILLIS = 200;

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private final String name;

	private final Process process;

	private final Path outputFile;

	/** Kills the process if the JVM exits without closing it, for example after an aborted test run. */
	private final Thread shutdownHook;

	private ProxyProcess(String name, Process process, Path outputFile) {
		this.name = name;
		this.process = process;
		this.outputFile = outputFile;
		this.shutdownHook = new Thread(this::destroyTree, "proxy-process-shutdown-" + process.pid());
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Sends a signal (STOP or CONT) to the process. A stopped proxy still completes TCP
	 * handshakes through the kernel's backlog but never answers: the hung proxy of the tests.
	 */
	void signal(String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(this.process.pid()))
				.redirectErrorStream(true)
				.start();
			if (!kill.waitFor(STOP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
					|| kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + this.process.pid() + " failed: "
						+ new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
			}
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Starts the command in the working directory and waits until the address accepts connections.
	 * @throws ProcessExitedException if the process exits before that
	 * @throws IllegalStateException if it does not listen before the timeout
	 * (in both cases the process is stopped)
	 */
	static ProxyProcess start(String name, List<String> command, Path workingDirectory, InetAddress host, int port,
			Duration timeout) {
		Path outputFile = workingDirectory.resolve("output.log");
		Process process;
		try {
			process = new ProcessBuilder(command).directory(workingDirectory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(outputFile.toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + name + ": " + describe(command), ex);
		}
		ProxyProcess proxyProcess = new ProxyProcess(name, process, outputFile);
		try {
			proxyProcess.awaitListening(command, new InetSocketAddress(host, port), timeout);
			return proxyProcess;
		}
		catch (RuntimeException ex) {
			proxyProcess.stop();
			throw ex;
		}
	}

	String output() {
		try {
			return Files.readString(this.outputFile, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(output unavailable: " + ex + ")";
		}
	}

	/**
	 * CPU time (user and system) used so far by the process and its live children (Dante's
	 * workers); a child that has exited no longer counts. Zero for a process the system does
	 * not report on.
	 */
	Duration cpuTime() {
		return Stream.concat(Stream.of(this.process.toHandle()), this.process.descendants())
			.map((handle) -> handle.info().totalCpuDuration().orElse(Duration.ZERO))
			.reduce(Duration.ZERO, Duration::plus);
	}

	/**
	 * Terminates the process, forcibly after a bounded wait, then kills any child it left behind
	 * (without waiting: an orphan is reaped by whichever process adopted it).
	 */
	void stop() {
		List<ProcessHandle> descendants = this.process.descendants().toList();
		this.process.destroy();
		if (!waitFor(this.process)) {
			this.process.destroyForcibly();
			waitFor(this.process);
		}
		descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
		// a forked child (Dante's) may still hold the listening socket, and would accept a
		// connect and then reset it: stopped means that nothing listens any more
		descendants.forEach(ProxyProcess::awaitExit);
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down already
		}
	}

	private void destroyTree() {
		this.process.descendants().forEach(ProcessHandle::destroyForcibly);
		this.process.destroyForcibly();
	}

	/** Deletes a working directory and everything in it, as far as possible. */
	static void deleteQuietly(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// A leftover temporary directory is harmless
		}
	}

	private void awaitListening(List<String> command, InetSocketAddress address, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new ProcessExitedException(this.name + " exited with code " + this.process.exitValue()
						+ " before listening on " + describe(address) + "; command: " + describe(command) + "; output:\n"
						+ output(), output());
			}
			if (accepts(address)) {
				return;
			}
			sleep(POLL_INTERVAL);
		}
		throw new IllegalStateException(this.name + " did not listen on " + describe(address) + " within " + timeout
				+ "; command: " + describe(command) + "; output:\n" + output());
	}

	private static boolean accepts(InetSocketAddress address) {
		try (Socket probe = new Socket()) {
			probe.connect(address, PROBE_TIMEOUT_MILLIS);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void awaitExit(ProcessHandle process) {
		try {
			process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// killed with SIGKILL: nothing more can be done for it
		}
	}

	private static boolean waitFor(Process process) {
		try {
			return process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !process.isAlive();
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for a proxy process to listen", ex);
		}
	}

	/** The command line for messages, with the value of microsocks' password option masked. */
	private static String describe(List<String> command) {
		List<String> described = new ArrayList<>(command);
		for (int i = 1; i < described.size(); i++) {
			if ("-P".equals(described.get(i - 1))) {
				described.set(i, "******");
			}
		}
		return described.toString();
	}

	private static String describe(InetSocketAddress address) {
		return address.getAddress().getHostAddress() + ":" + address.getPort();
	}

	/** Thrown when the process exits before it accepts connections. */
	static final class ProcessExitedException extends IllegalStateException {

		private final String output;

		ProcessExitedException(String message, String output) {
			super(message);
			this.output = output;
		}

		String output() {
			return this.output;
		}

	}

}
