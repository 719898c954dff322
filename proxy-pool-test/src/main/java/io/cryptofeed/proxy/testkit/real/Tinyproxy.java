package io.cryptofeed.proxy.testkit.real;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.cryptofeed.proxy.testkit.ProxyUrls;

/**
 * Runs tinyproxy, an HTTP proxy whose CONNECT method this kit's tests use, in the foreground
 * with its own configuration.
 *
 * <p>The configuration has no {@code ConnectPort} line, so CONNECT reaches any port, and no
 * {@code User}, {@code LogFile} or {@code PidFile}: tinyproxy keeps the current user and logs to
 * its output. With credentials, tinyproxy 1.11 answers a missing {@code Proxy-Authorization}
 * with 407 but wrong credentials with {@code 401 Unauthorized}.
 */
public final class Tinyproxy extends AbstractRealProxy {

	private final String user;

	private final String password;

	private Tinyproxy(Builder builder, ProcessLauncher.Launched launched) {
		super(builder.bindAddress(), builder.egressAddress(), launched);
		this.user = builder.user;
		this.password = builder.password;
	}

	/** Starts configuring a tinyproxy on {@code 127.0.0.1}. */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public String url() {
		return ProxyUrls.url("http", this.user, this.password, host(), port());
	}

	/** Configures and starts a {@link Tinyproxy}. */
	public static final class Builder extends RealProxyBuilder<Builder, Tinyproxy> {

		private String user;

		private String password;

		private Duration idleTimeout = Duration.ofSeconds(60);

		private int maxClients = 50;

		private Builder() {
		}

		/** Requires Basic credentials ({@code BasicAuth}), which must not contain whitespace. */
		public Builder credentials(String user, String password) {
			this.user = requireToken(user, "user");
			this.password = requireToken(password, "password");
			return this;
		}

		/** Sets how long a connection may stay idle ({@code Timeout}), 60 seconds by default. */
		public Builder idleTimeout(Duration timeout) {
			this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
			return this;
		}

		/** Sets how many clients may be connected at once ({@code MaxClients}), 50 by default. */
		public Builder maxClients(int maxClients) {
			this.maxClients = maxClients;
			return this;
		}

		@Override
		public Tinyproxy start() {
			Path binary = RealProxies.require(RealProxies.TINYPROXY);
			ProcessLauncher.Launched launched = ProcessLauncher.launch("tinyproxy", bindAddress(), startTimeout(),
					(port, directory) -> {
						Path config = directory.resolve("tinyproxy.conf");
						Files.writeString(config, config(port), StandardCharsets.US_ASCII);
						return List.of(binary.toString(), "-d", "-c", config.toString());
					});
			return new Tinyproxy(this, launched);
		}

		private String config(int port) {
			StringBuilder config = new StringBuilder();
			config.append("Port ").append(port).append('\n');
			config.append("Listen ").append(address(bindAddress())).append('\n');
			// tinyproxy binds a connection to the first of these of the target's family
			for (InetAddress egress : egressAddresses()) {
				config.append("Bind ").append(address(egress)).append('\n');
			}
			config.append("Timeout ").append(Math.max(1, this.idleTimeout.toSeconds())).append('\n');
			config.append("MaxClients ").append(this.maxClients).append('\n');
			config.append("Allow 127.0.0.0/8\n");
			config.append("Allow ::1\n");
			config.append("LogLevel Info\n");
			config.append("DisableViaHeader Yes\n");
			if (this.user != null) {
				config.append("BasicAuth ").append(this.user).append(' ').append(this.password).append('\n');
			}
			return config.toString();
		}

		private static String address(InetAddress address) {
			return address.getHostAddress();
		}

		private static String requireToken(String value, String name) {
			Objects.requireNonNull(value, name);
			if (value.isEmpty() || value.chars().anyMatch((c) -> Character.isWhitespace(c) || c == '"')) {
				throw new IllegalArgumentException("tinyproxy cannot take a " + name + " that is empty or contains "
						+ "whitespace or quotes");
			}
			return value;
		}

	}

}
