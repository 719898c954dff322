package io.cryptofeed.proxy.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Key and trust stores made for one test run by the JDK's keytool: a server certificate for
 * 127.0.0.1 and localhost, a client certificate the server trusts, a stranger's it does
 * not, and a trusted server certificate for another host. Self-signed, valid for a day, with a random password: nothing here protects anything.
 */
final class TestCertificates {

	final String password;

	final Path serverKeyStore;

	final Path serverTrustStore;

	final Path clientKeyStore;

	final Path clientTrustStore;

	final Path strangerKeyStore;

	/** A server certificate for another host name, trusted by the client all the same. */
	final Path elsewhereKeyStore;

	private final Path dir;

	private TestCertificates(Path dir) {
		byte[] random = new byte[12];
		new SecureRandom().nextBytes(random);
		this.password = HexFormat.of().formatHex(random);
		this.dir = dir;
		this.serverKeyStore = dir.resolve("server.p12");
		this.serverTrustStore = dir.resolve("server-trust.p12");
		this.clientKeyStore = dir.resolve("client.p12");
		this.clientTrustStore = dir.resolve("client-trust.p12");
		this.strangerKeyStore = dir.resolve("stranger.p12");
		this.elsewhereKeyStore = dir.resolve("elsewhere.p12");
	}

	static TestCertificates generate(Path dir) throws IOException, InterruptedException {
		TestCertificates certificates = new TestCertificates(dir);
		certificates.keyPair("server", "CN=proxy-service.test", certificates.serverKeyStore, "SAN=dns:localhost,ip:127.0.0.1");
		certificates.keyPair("client", "CN=feed-7", certificates.clientKeyStore, null);
		certificates.keyPair("stranger", "CN=stranger", certificates.strangerKeyStore, null);
		certificates.keyPair("elsewhere", "CN=elsewhere.test", certificates.elsewhereKeyStore, "SAN=dns:elsewhere.test");
		certificates.trust("server", certificates.serverKeyStore, certificates.clientTrustStore);
		certificates.trust("elsewhere", certificates.elsewhereKeyStore, certificates.clientTrustStore);
		certificates.trust("client", certificates.clientKeyStore, certificates.serverTrustStore);
		return certificates;
	}

	private void keyPair(String alias, String name, Path store, String extension) throws IOException, InterruptedException {
		List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname",
				"secp256r1", "-dname", name, "-validity", "1", "-storetype", "PKCS12", "-keystore", store.toString(),
				"-storepass", this.password, "-keypass", this.password));
		if (extension != null) {
			args.addAll(List.of("-ext", extension));
		}
		keytool(args);
	}

	/** Exports the certificate of {@code alias} and imports it as trusted into {@code trustStore}. */
	private void trust(String alias, Path keyStore, Path trustStore) throws IOException, InterruptedException {
		Path certificate = this.dir.resolve(alias + ".crt");
		keytool(List.of("-exportcert", "-alias", alias, "-keystore", keyStore.toString(), "-storepass", this.password,
				"-file", certificate.toString()));
		keytool(List.of("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(), "-storetype",
				"PKCS12", "-keystore", trustStore.toString(), "-storepass", this.password));
	}

	private static void keytool(List<String> args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(args);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("keytool " + args.get(0) + " did not finish within 60s");
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.exitValue() != 0) {
			throw new IllegalStateException("keytool " + args.get(0) + " failed: " + output);
		}
	}

	static String file(Path path) {
		return "file:" + path;
	}

}
