package io.cryptofeed.proxy.testkit.real;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Assumptions;

/**
 * Finds the binaries of real proxy servers: a test that needs a missing one is skipped, except
 * when the environment variable {@code CI} is set, where it fails instead.
 */
public final class RealProxies {

	/** The tinyproxy binary, Debian package {@code tinyproxy}. */
	public static final String TINYPROXY = "tinyproxy";

	/** The microsocks binary, Debian package {@code microsocks}. */
	public static final String MICROSOCKS = "microsocks";

	/** The Dante server binary, Debian package {@code dante-server}. */
	public static final String DANTE = "danted";

	/** The stunnel binary, Debian package {@code stunnel4}: TLS in front of another proxy. */
	public static final String STUNNEL = "stunnel4";

	private static final Map<String, String> PACKAGES = Map.of(TINYPROXY, "tinyproxy", MICROSOCKS, "microsocks",
			DANTE, "dante-server", STUNNEL, "stunnel4");

	/** Searched after {@code PATH}, since daemons such as danted live in sbin directories. */
	private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
			"/usr/bin", "/sbin", "/bin");

	private RealProxies() {
	}

	/**
	 * Returns the path of an installed binary, or aborts the calling test if it is missing.
	 * @param binary a binary name such as {@link #TINYPROXY}
	 * @throws IllegalStateException instead of aborting when the {@code CI} variable is set
	 */
	public static Path require(String binary) {
		return require(binary, System::getenv, SYSTEM_DIRECTORIES);
	}

	/** Returns the path of an installed binary, if there is one. */
	public static Optional<Path> find(String binary) {
		return find(binary, System::getenv, SYSTEM_DIRECTORIES);
	}

	/** The Debian package that installs the binary, for messages that say how to get it. */
	public static String debianPackage(String binary) {
		return PACKAGES.getOrDefault(binary, binary);
	}

	static Path require(String binary, Function<String, String> environment, List<String> systemDirectories) {
		Optional<Path> path = find(binary, environment, systemDirectories);
		if (path.isPresent()) {
			return path.get();
		}
		String installation = "install the Debian package " + debianPackage(binary) + " (searched "
				+ directories(environment, systemDirectories) + ")";
		String ci = environment.apply("CI");
		if (ci != null && !ci.isEmpty()) {
			throw new IllegalStateException(binary + " is required when CI is set: " + installation);
		}
		return Assumptions.abort(binary + " is not installed, skipping; " + installation
				+ ". With the CI environment variable set this is a failure instead.");
	}

	static Optional<Path> find(String binary, Function<String, String> environment, List<String> systemDirectories) {
		if (binary.contains("/")) {
			throw new IllegalArgumentException("Expected a binary name, not a path: " + binary);
		}
		return directories(environment, systemDirectories).stream()
			.map((directory) -> directory.resolve(binary))
			.filter((candidate) -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
			.findFirst();
	}

	private static List<Path> directories(Function<String, String> environment, List<String> systemDirectories) {
		Set<String> directories = new LinkedHashSet<>();
		String path = environment.apply("PATH");
		if (path != null) {
			for (String directory : path.split(File.pathSeparator)) {
				if (!directory.isEmpty()) {
					directories.add(directory);
				}
			}
		}
		directories.addAll(systemDirectories);
		List<Path> paths = new ArrayList<>();
		directories.forEach((directory) -> paths.add(Path.of(directory)));
		return paths;
	}

}
