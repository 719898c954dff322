package io.cryptofeed.proxy.service;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material of the client for https endpoints.
 *
 * @param keyManagers the client certificate for mutual TLS, or {@code null}
 * @param trustManagers the certificates trusted for the service, or {@code null} for the JDK's
 */
public record ServiceTls(KeyManagerFactory keyManagers, TrustManagerFactory trustManagers) {

	public ServiceTls {
		if (keyManagers == null && trustManagers == null) {
			throw new IllegalArgumentException("give a key store, a trust store or both");
		}
	}

	@Override
	public String toString() {
		return "ServiceTls[client certificate=" + (this.keyManagers != null) + ", own trust store="
				+ (this.trustManagers != null) + "]";
	}

}
