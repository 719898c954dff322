package io.cryptofeed.proxy.testkit.real;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import io.cryptofeed.proxy.testkit.ProxyUrls;

/**
 * Runs microsocks, a SOCKS5 proxy, with mandatory username/password authentication.
 *
 * <p>microsocks 1.0.3 answers wrong credentials with RFC 1929 status {@code 0x02} (any non-zero
 * status means failure) and then closes the connection.
 */
public final class Microsocks extends AbstractRealProxy {

	private final String user;

	private final String password;

	private Microsocks(Builder builder, ProcessLauncher.Launched launched) {
		super(builder.bindAddress(), builder.egressAddress(), launched);
		this.user = builder.user;
		this.password = builder.password;
	}

	/** Starts configuring a microsocks on {@code 127.0.0.1}; credentials are required. */
	public static Builder builder() {
		return new Builder();
	}

	/** The user every client must send. */
	public String user() {
		return this.user;
	}

	/** The password every client must send. */
	public String password() {
		return this.password;
	}

	@Override
	public String url() {
		return ProxyUrls.url("socks5", this.user, this.password, host(), port());
	}

	/** Configures and starts a {@link Microsocks}. */
	public static final class Builder extends RealProxyBuilder<Builder, Microsocks> {

		private String user;

		private String password;

		private Builder() {
		}

		/** Sets the credentials every client must send; required. */
		public Builder credentials(String user, String password) {
			this.user = requireValue(user, "user");
			this.password = requireValue(password, "password");
			return this;
		}

		@Override
		public Microsocks start() {
			if (this.user == null) {
				throw new IllegalStateException("The microsocks launcher requires credentials(user, password)");
			}
			Path binary = RealProxies.require(RealProxies.MICROSOCKS);
			ProcessLauncher.Launched launched = ProcessLauncher.launch("microsocks", bindAddress(), startTimeout(),
					(port, directory) -> List.of(binary.toString(), "-i", bindAddress().getHostAddress(), "-p",
							String.valueOf(port), "-u", this.user, "-P", this.password, "-b",
							egressAddress().getHostAddress()));
			return new Microsocks(this, launched);
		}

		private static String requireValue(String value, String name) {
			Objects.requireNonNull(value, name);
			// RFC 1929 sends each with a length byte: bytes of UTF-8, as clients send them, not characters
			int bytes = value.getBytes(StandardCharsets.UTF_8).length;
			if (bytes == 0 || bytes > 255) {
				throw new IllegalArgumentException("A SOCKS5 " + name + " must have 1 to 255 bytes in UTF-8");
			}
			return value;
		}

	}

}
