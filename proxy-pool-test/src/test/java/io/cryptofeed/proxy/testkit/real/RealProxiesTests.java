package io.cryptofeed.proxy.testkit.real;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class RealProxiesTests {

	private static final List<String> NO_SYSTEM_DIRECTORIES = List.of();

	@Test
	void missingBinaryAbortsTheTestOutsideCi() {
		Map<String, String> environment = Map.of("PATH", "/nonexistent");

		assertThatExceptionOfType(TestAbortedException.class)
			.isThrownBy(() -> RealProxies.require(RealProxies.TINYPROXY, environment::get, NO_SYSTEM_DIRECTORIES))
			.withMessageContaining("tinyproxy is not installed")
			.withMessageContaining("Debian package tinyproxy");
	}

	@Test
	void missingBinaryFailsInCi() {
		Map<String, String> environment = Map.of("PATH", "/nonexistent", "CI", "true");

		assertThatIllegalStateException()
			.isThrownBy(() -> RealProxies.require(RealProxies.DANTE, environment::get, NO_SYSTEM_DIRECTORIES))
			.withMessageContaining("danted is required when CI is set")
			.withMessageContaining("Debian package dante-server");
	}

	@Test
	void emptyCiVariableStillSkips() {
		Map<String, String> environment = Map.of("PATH", "/nonexistent", "CI", "");

		assertThatExceptionOfType(TestAbortedException.class).isThrownBy(
				() -> RealProxies.require(RealProxies.MICROSOCKS, environment::get, NO_SYSTEM_DIRECTORIES));
	}

	@Test
	void namesThePackageThatInstallsEachBinary() {
		assertThat(RealProxies.debianPackage(RealProxies.TINYPROXY)).isEqualTo("tinyproxy");
		assertThat(RealProxies.debianPackage(RealProxies.MICROSOCKS)).isEqualTo("microsocks");
		assertThat(RealProxies.debianPackage(RealProxies.DANTE)).isEqualTo("dante-server");
	}

	@Test
	void binaryIsFoundOnThePath() {
		Map<String, String> environment = Map.of("PATH", "/nonexistent:/usr/bin:/bin", "CI", "true");

		assertThat(RealProxies.require("sh", environment::get, NO_SYSTEM_DIRECTORIES)).isExecutable()
			.hasFileName("sh");
	}

	@Test
	void binaryIsFoundInSystemDirectoriesMissingFromThePath() {
		Map<String, String> environment = Map.of("PATH", "/nonexistent");

		assertThat(RealProxies.find("sh", environment::get, List.of("/usr/bin", "/bin"))).isPresent();
		assertThat(RealProxies.find("sh", environment::get, NO_SYSTEM_DIRECTORIES)).isEmpty();
	}

}
