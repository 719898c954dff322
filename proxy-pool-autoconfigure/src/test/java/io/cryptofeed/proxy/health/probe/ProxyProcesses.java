package io.cryptofeed.proxy.health.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.cryptofeed.proxy.testkit.real.RealProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Finds the process of a real proxy this JVM started and stops it with SIGSTOP, so that its
 * listening socket stays open while nothing reads from it. The kit's launchers do not expose
 * the process, so it is found among this JVM's children by its binary and by its port, given on
 * its command line (microsocks) or in the configuration file its command line names (tinyproxy,
 * danted).
 */
final class ProxyProcesses {

	private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(10);

	private ProxyProcesses() {
	}

	/** The child process of this JVM running {@code binary} for this proxy. */
	static ProcessHandle find(RealProxy proxy, String binary) {
		List<ProcessHandle> matches = ProcessHandle.current()
			.children()
			.filter(ProcessHandle::isAlive)
			.filter((process) -> process.info()
				.command()
				.map((command) -> Path.of(command).getFileName().toString().equals(binary))
				.orElse(false))
			.filter((process) -> servesPort(process, proxy.port()))
			.toList();
		assertThat(matches).as("%s processes for %s", binary, proxy).hasSize(1);
		return matches.get(0);
	}

	private static boolean servesPort(ProcessHandle process, int port) {
		String number = String.valueOf(port);
		Pattern inConfiguration = Pattern.compile("(?i)\\bport\\s*=?\\s*" + number + "\\b");
		for (String argument : process.info().arguments().orElse(new String[0])) {
			if (argument.equals(number)) {
				return true;
			}
			Path path = Path.of(argument);
			if (argument.startsWith("/") && Files.isRegularFile(path)) {
				try {
					if (inConfiguration.matcher(Files.readString(path, StandardCharsets.UTF_8)).find()) {
						return true;
					}
				}
				catch (IOException ex) {
					// Not a readable configuration: not this argument
				}
			}
		}
		return false;
	}

	/**
	 * Stops the process and all its descendants (danted's children do the negotiation) with
	 * SIGSTOP and waits until the kernel reports them stopped; closing the result resumes them
	 * with SIGCONT.
	 */
	static Stopped stop(ProcessHandle process) {
		List<ProcessHandle> tree = new ArrayList<>();
		tree.add(process);
		tree.addAll(process.descendants().toList());
		Stopped stopped = new Stopped(tree);
		try {
			signal("STOP", tree);
			for (ProcessHandle member : tree) {
				await().atMost(SIGNAL_TIMEOUT).until(() -> !member.isAlive() || state(member) == 'T');
			}
			return stopped;
		}
		catch (RuntimeException | Error ex) {
			stopped.close();
			throw ex;
		}
	}

	/** The state letter of {@code /proc/<pid>/stat}, {@code 'T'} when stopped by a signal. */
	static char state(ProcessHandle process) {
		try {
			String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
			// pid (comm) state ...: comm may contain spaces and parentheses, the state follows the last ')'
			return stat.charAt(stat.lastIndexOf(')') + 2);
		}
		catch (IOException ex) {
			return '?';
		}
	}

	private static void signal(String signal, List<ProcessHandle> processes) {
		List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
		processes.stream()
			.filter(ProcessHandle::isAlive)
			.forEach((process) -> command.add(String.valueOf(process.pid())));
		if (command.size() == 2) {
			return;
		}
		try {
			Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
			if (!kill.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				kill.destroyForcibly();
				throw new IllegalStateException(command + " did not finish within " + SIGNAL_TIMEOUT);
			}
			String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (kill.exitValue() != 0 && processes.stream().allMatch(ProcessHandle::isAlive)) {
				throw new IllegalStateException(command + " failed with exit code " + kill.exitValue() + ": " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
	}

	/** Processes stopped by {@link #stop(ProcessHandle)}; {@link #close()} resumes them. */
	static final class Stopped implements AutoCloseable {

		private final List<ProcessHandle> processes;

		private boolean resumed;

		private Stopped(List<ProcessHandle> processes) {
			this.processes = Collections.unmodifiableList(processes);
		}

		List<ProcessHandle> processes() {
			return this.processes;
		}

		/** Sends SIGCONT to every stopped process, once. */
		@Override
		public void close() {
			if (!this.resumed) {
				this.resumed = true;
				signal("CONT", this.processes);
			}
		}

	}

}
