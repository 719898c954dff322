package io.cryptofeed.proxy.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/**
 * The certificate an in-JVM proxy started with {@code tls()} presents: self-signed, for
 * {@code localhost}, {@code 127.0.0.1} to {@code 127.0.0.32} and {@code ::1}, valid until 2126.
 * Trust it in the application under test with a Spring Boot PEM SSL bundle:
 * <pre class="code">
 * spring.ssl.bundle.pem.proxies.truststore.certificate=classpath:io/cryptofeed/proxy/testkit/proxy-certificate.pem
 * cryptofeed.proxy.proxy-tls.bundle=proxies
 * </pre>
 * For tests only: its private key is public.
 */
public final class ProxyCertificate {

	/** Class path location of the certificate, PEM. */
	public static final String CERTIFICATE = "io/cryptofeed/proxy/testkit/proxy-certificate.pem";

	/** Class path location of the certificate's private key, PEM (PKCS #8), for a proxy process to present it. */
	public static final String PRIVATE_KEY = "io/cryptofeed/proxy/testkit/proxy-key.pem";

	private static final char[] NO_PASSWORD = new char[0];

	private ProxyCertificate() {
	}

	/**
	 * A Netty client context that trusts this certificate, and only it, for a client of your own
	 * (the starter's {@code ProxyTls.of(ProxyCertificate.trustingClientSslContext(), "test proxies")}).
	 */
	public static SslContext trustingClientSslContext() {
		try (InputStream certificate = resource(CERTIFICATE)) {
			return SslContextBuilder.forClient().trustManager(certificate).build();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Speaks TLS as the server on an accepted connection, and returns the socket to talk through. */
	static SSLSocket accept(Socket client) throws IOException {
		// the handshake's records go out as several small writes: Nagle's algorithm would hold
		// them for the client's delayed acknowledgement, 40 ms at each new tunnel
		client.setTcpNoDelay(true);
		SSLSocket tls = (SSLSocket) ServerContext.INSTANCE.getSocketFactory()
			.createSocket(client, client.getInetAddress().getHostAddress(), client.getPort(), true);
		tls.setUseClientMode(false);
		tls.startHandshake();
		return tls;
	}

	private static InputStream resource(String location) {
		InputStream stream = ProxyCertificate.class.getClassLoader().getResourceAsStream(location);
		if (stream == null) {
			throw new UncheckedIOException(new IOException(location + " is missing from the class path"));
		}
		return stream;
	}

	/** Built on first use: most proxies speak no TLS. */
	private static final class ServerContext {

		static final SSLContext INSTANCE = create();

		private static SSLContext create() {
			try {
				Certificate certificate;
				try (InputStream pem = resource(CERTIFICATE)) {
					certificate = CertificateFactory.getInstance("X.509").generateCertificate(pem);
				}
				PrivateKey key = KeyFactory.getInstance("EC")
					.generatePrivate(new PKCS8EncodedKeySpec(pemBody(PRIVATE_KEY)));
				KeyStore store = KeyStore.getInstance("PKCS12");
				store.load(null, null);
				store.setKeyEntry("proxy", key, NO_PASSWORD, new Certificate[] { certificate });
				KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
				keys.init(store, NO_PASSWORD);
				SSLContext context = SSLContext.getInstance("TLS");
				context.init(keys.getKeyManagers(), null, null);
				return context;
			}
			catch (GeneralSecurityException | IOException ex) {
				throw new IllegalStateException("The test proxies' certificate cannot be loaded", ex);
			}
		}

		private static byte[] pemBody(String location) throws IOException {
			try (InputStream stream = resource(location)) {
				String pem = new String(stream.readAllBytes(), StandardCharsets.US_ASCII);
				return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
			}
		}

	}

}
