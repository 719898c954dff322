package io.cryptofeed.proxy.testkit.real;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.cryptofeed.proxy.testkit.ProxyUrls;

/**
 * Runs the Dante SOCKS5 server (danted) without authentication, with its own configuration.
 *
 * <p>danted 1.4.2 warns that a loopback address other than {@code 127.0.0.1} is "not on any
 * network interface" but listens on it anyway. When run as root it switches to {@code nobody}
 * for unprivileged work.
 */
public final class Dante extends AbstractRealProxy {

	private Dante(Builder builder, ProcessLauncher.Launched launched) {
		super(builder.bindAddress(), builder.egressAddress(), launched);
	}

	/** Starts configuring a Dante server on {@code 127.0.0.1}. */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public String url() {
		return ProxyUrls.url("socks5", null, null, host(), port());
	}

	/** Configures and starts a {@link Dante} server. */
	public static final class Builder extends RealProxyBuilder<Builder, Dante> {

		private static final List<String> LOOPBACK_NETWORKS = List.of("127.0.0.0/8", "::1/128");

		private Builder() {
		}

		@Override
		public Dante start() {
			Path binary = RealProxies.require(RealProxies.DANTE);
			ProcessLauncher.Launched launched = ProcessLauncher.launch("danted", bindAddress(), startTimeout(),
					(port, directory) -> {
						Path config = directory.resolve("danted.conf");
						Files.writeString(config, config(port), StandardCharsets.US_ASCII);
						return List.of(binary.toString(), "-f", config.toString(), "-p",
								directory.resolve("danted.pid").toString());
					});
			return new Dante(this, launched);
		}

		private String config(int port) {
			StringBuilder config = new StringBuilder();
			config.append("logoutput: stderr\n");
			config.append("internal: ").append(bindAddress().getHostAddress()).append(" port = ").append(port)
				.append('\n');
			for (InetAddress egress : egressAddresses()) {
				config.append("external: ").append(egress.getHostAddress()).append('\n');
			}
			config.append("clientmethod: none\n");
			config.append("socksmethod: none\n");
			if ("root".equals(System.getProperty("user.name"))) {
				// Otherwise danted warns about running everything as root; as another user it
				// cannot switch users at all and keeps its own
				config.append("user.privileged: root\n");
				config.append("user.unprivileged: nobody\n");
			}
			// an address in a rule matches its own family only: a rule for each family, and for each
			// pair of families from client to target
			for (String client : LOOPBACK_NETWORKS) {
				config.append("client pass {\n\tfrom: ").append(client).append(" to: ").append(client)
					.append("\n\tlog: error\n}\n");
				for (String target : LOOPBACK_NETWORKS) {
					config.append("socks pass {\n\tfrom: ").append(client).append(" to: ").append(target)
						.append("\n\tcommand: connect\n\tlog: error\n}\n");
				}
			}
			return config.toString();
		}

	}

}
