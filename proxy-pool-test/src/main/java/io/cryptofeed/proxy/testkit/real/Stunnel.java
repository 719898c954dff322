package io.cryptofeed.proxy.testkit.real;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import io.cryptofeed.proxy.testkit.Loopback;
import io.cryptofeed.proxy.testkit.ProxyCertificate;
import io.cryptofeed.proxy.testkit.ProxyUrls;

/**
 * Runs stunnel in front of another real proxy, as a provider puts TLS in front of an HTTP
 * proxy: clients speak TLS to stunnel, which hands the plain text on to the proxy behind it.
 * Its URL is the proxy's with the scheme {@code https} and stunnel's address, and it presents
 * the certificate of {@link ProxyCertificate}. Closing it closes the proxy behind it too.
 */
public final class Stunnel extends AbstractRealProxy {

	private final RealProxy behind;

	private Stunnel(Builder builder, ProcessLauncher.Launched launched) {
		super(builder.bindAddress(), Loopback.address(builder.behind.egressAddress()), launched);
		this.behind = builder.behind;
	}

	/** Starts configuring a stunnel on {@code 127.0.0.1} in front of the given proxy. */
	public static Builder builder(RealProxy behind) {
		return new Builder(behind);
	}

	/** The proxy's URL, credentials included, with {@code https} and stunnel's host and port. */
	@Override
	public String url() {
		String url = this.behind.url();
		int at = url.lastIndexOf('@');
		String userInfo = (at < 0) ? "" : url.substring(url.indexOf("://") + 3, at + 1);
		// brackets an IPv6 address, as the URL of the proxy behind does
		return ProxyUrls.url("https", null, null, host(), port()).replace("://", "://" + userInfo);
	}

	@Override
	public synchronized void close() {
		try {
			super.close();
		}
		finally {
			this.behind.close();
		}
	}

	/** Configures and starts a {@link Stunnel}. */
	public static final class Builder extends RealProxyBuilder<Builder, Stunnel> {

		private final RealProxy behind;

		private Builder(RealProxy behind) {
			this.behind = Objects.requireNonNull(behind, "behind");
		}

		/** Starts stunnel; when it cannot start (or its binary is missing), the proxy behind it is closed. */
		@Override
		public Stunnel start() {
			try {
				Path binary = RealProxies.require(RealProxies.STUNNEL);
				ProcessLauncher.Launched launched = ProcessLauncher.launch("stunnel", bindAddress(), startTimeout(),
						(port, directory) -> {
							Path certificate = copy(ProxyCertificate.CERTIFICATE, directory.resolve("proxy.pem"));
							Path key = copy(ProxyCertificate.PRIVATE_KEY, directory.resolve("proxy-key.pem"));
							Path config = directory.resolve("stunnel.conf");
							Files.writeString(config, config(port, certificate, key), StandardCharsets.US_ASCII);
							return List.of(binary.toString(), config.toString());
						});
				return new Stunnel(this, launched);
			}
			catch (RuntimeException | Error ex) {
				this.behind.close();
				throw ex;
			}
		}

		private String config(int port, Path certificate, Path key) {
			return "foreground = yes\n" + "pid =\n" + "debug = notice\n" + "[proxy]\n" + "accept = "
					+ bindAddress().getHostAddress() + ":" + port + "\n" + "connect = " + this.behind.host() + ":"
					+ this.behind.port() + "\n" + "cert = " + certificate + "\n" + "key = " + key + "\n";
		}

		private static Path copy(String resource, Path file) throws IOException {
			try (InputStream stream = Stunnel.class.getClassLoader().getResourceAsStream(resource)) {
				if (stream == null) {
					throw new IOException(resource + " is missing from the class path");
				}
				Files.copy(stream, file);
			}
			return file;
		}

	}

}
