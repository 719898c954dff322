package io.cryptofeed.proxy.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps the core usable without Spring: its sources may import only the JDK and the core itself. */
class CoreDependenciesTests {

	private static final Path CORE = Path.of("src/main/java/io/cryptofeed/proxy/core");

	@Test
	void coreImportsOnlyTheJdkAndItself() throws IOException {
		List<String> offending;
		try (Stream<Path> files = Files.walk(CORE)) {
			offending = files.filter((file) -> file.toString().endsWith(".java"))
				.flatMap(CoreDependenciesTests::imports)
				.filter((line) -> !line.matches("import (static )?(java\\.|io\\.cryptofeed\\.proxy\\.core\\.).*"))
				.toList();
		}
		assertThat(offending).isEmpty();
	}

	@Test
	void theScanSeesTheCore() throws IOException {
		try (Stream<Path> files = Files.walk(CORE)) {
			assertThat(files.filter((file) -> file.toString().endsWith(".java")).count()).isGreaterThan(10);
		}
	}

	private static Stream<String> imports(Path file) {
		try {
			return Files.readAllLines(file).stream().map(String::strip).filter((line) -> line.startsWith("import "))
				.map((line) -> file.getFileName() + ": " + line)
				.map((line) -> line.substring(line.indexOf(": ") + 2));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
